"""Forms of the documents pages."""

from __future__ import annotations

from django import forms

from shenguan.org.models import Department


class SealGenerateForm(forms.Form):
    """Generate a seal key for a department (安全管理员)."""

    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.none())
    name = forms.CharField(label="印章名称", max_length=100, required=False)
    seal_text = forms.CharField(label="印文", max_length=60, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = user.visible_jurisdiction_ids if user is not None else []
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction_id__in=ids, active=True, kind="BUREAU"
        ).order_by("jurisdiction_id", "sort_order", "id")


class RetireForm(forms.Form):
    """Retire a seal."""

    retired_on = forms.DateField(label="废止日期")
    retirement_memo = forms.CharField(label="废止依据", max_length=300)


class VerifyFileForm(forms.Form):
    """Upload a licence PDF to verify."""

    file = forms.FileField(label="电子证照文件（PDF）")
