"""Forms of the linkage pages: thin input holders; the services validate and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shenguan.core.widgets import AutocompleteSelect

from .models import (
    AcceptanceMode,
    ApplicantKind,
    ApprovalResult,
    ClaimedMode,
    DisposalOutcome,
    FeedbackKind,
    LicenceState,
    MaterialKind,
    NoticeKind,
    PushKind,
    PushState,
    ReplyOutcome,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices) -> list:
    return [("", "—"), *choices]


class RecordForm(forms.Form):
    """An approval record typed at the window (登记办件)."""

    item = forms.ModelChoiceField(
        queryset=None, label=_("审批事项"), widget=AutocompleteSelect("/linkage/pick/items")
    )
    case_number = forms.CharField(label=_("办件编号"), max_length=100)
    applicant_kind = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("申请人"), max_length=200)
    applicant_id_number = forms.CharField(label=_("身份证号码"), max_length=40, required=False)
    applicant_uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    accepted_on = forms.DateField(label=_("受理日期"), widget=DATE)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE, required=False)
    decision_number = forms.CharField(label=_("决定文书号"), max_length=100, required=False)
    result = forms.ChoiceField(
        label=_("审批结果"), choices=_blank(ApprovalResult.choices), required=False
    )
    licence_number = forms.CharField(label=_("证照编号"), max_length=100, required=False)
    licence_valid_from = forms.DateField(label=_("有效期起"), widget=DATE, required=False)
    licence_valid_until = forms.DateField(label=_("有效期至"), widget=DATE, required=False)
    risk_points = forms.CharField(
        label=_("审批中发现的风险点"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    acceptance_mode = forms.ChoiceField(
        label=_("受理方式"),
        choices=AcceptanceMode.choices,
        initial=AcceptanceMode.NORMAL,
        required=False,
    )
    deficiency_materials = forms.CharField(
        label=_("容缺材料（容缺受理时填写）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    deficiency_due_date = forms.DateField(label=_("容缺材料补齐期限"), widget=DATE, required=False)
    commitment_text = forms.CharField(
        label=_("承诺内容（告知承诺时填写）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    complete = forms.BooleanField(label=_("登记后立即办结并推送"), required=False)

    def __init__(self, *args, items=None, can_complete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        if not can_complete:  # offered only with the right to complete (办结)
            del self.fields["complete"]


class MaterialForm(forms.Form):
    """A file for a record (上传材料)."""

    kind = forms.ChoiceField(label=_("材料类型"), choices=MaterialKind.choices)
    name = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    file = forms.FileField(label=_("文件"))


class ImportForm(forms.Form):
    """A spreadsheet of approval records (批量导入)."""

    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    complete = forms.BooleanField(label=_("导入后立即办结并推送"), required=False)

    def __init__(self, *args, can_complete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_complete:  # offered only with the right to complete (办结)
            del self.fields["complete"]


class RouteForm(forms.Form):
    """A manual routing of a supervision-gap record (人工指定监管部门)."""

    regulator = forms.ModelChoiceField(queryset=None, label=_("监管部门"))
    note = forms.CharField(label=_("说明"), max_length=500)

    def __init__(self, *args, regulators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulator"].queryset = regulators


class InboxFilterForm(forms.Form):
    """The filters of an inbox (筛选)."""

    kind = forms.ChoiceField(label=_("类型"), choices=_blank(PushKind.choices), required=False)
    case_number = forms.CharField(label=_("办件编号"), max_length=64, required=False)
    applicant = forms.CharField(label=_("申请人"), max_length=100, required=False)
    item = forms.ModelChoiceField(
        queryset=None,
        label=_("审批事项"),
        required=False,
        widget=AutocompleteSelect("/linkage/pick/items"),
    )
    subject_from = forms.DateField(label=_("办结日期起"), widget=DATE, required=False)
    subject_to = forms.DateField(label=_("办结日期止"), widget=DATE, required=False)
    state = forms.ChoiceField(
        label=_("认领状态"), choices=_blank(PushState.choices), required=False
    )
    claimed_mode = forms.ChoiceField(
        label=_("认领方式"), choices=_blank(ClaimedMode.choices), required=False
    )
    claimant = forms.CharField(label=_("认领人"), max_length=50, required=False)
    claimed_from = forms.DateField(label=_("认领时间起"), widget=DATE, required=False)
    claimed_to = forms.DateField(label=_("认领时间止"), widget=DATE, required=False)
    department = forms.ModelChoiceField(
        queryset=None,
        label=_("部门"),
        required=False,
        widget=AutocompleteSelect("/linkage/pick/departments"),
    )
    overdue = forms.BooleanField(label=_("仅逾期未认领"), required=False)

    def __init__(self, *args, items=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["department"].queryset = departments

    def filters(self) -> dict:
        """The cleaned filters as the selector takes them."""
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        out = {
            k: d[k]
            for k in (
                "kind",
                "case_number",
                "applicant",
                "subject_from",
                "subject_to",
                "state",
                "claimed_mode",
                "claimant",
                "claimed_from",
                "claimed_to",
                "overdue",
            )
            if d.get(k)
        }
        if d.get("item"):
            out["item_id"] = d["item"].pk
        if d.get("department"):
            out["department_id"] = d["department"].pk
        return out


class FeedbackForm(forms.Form):
    """Supervision information for the bureau (监管信息反馈)."""

    kind = forms.ChoiceField(label=_("信息类型"), choices=FeedbackKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    abnormal = forms.ChoiceField(
        label=_("检查结果"),
        choices=[("", "—"), ("1", _("异常")), ("0", _("正常"))],
        required=False,
    )
    document_number = forms.CharField(label=_("文书号"), max_length=100, required=False)
    published_on = forms.DateField(label=_("公布/决定日期"), widget=DATE)
    effective_on = forms.DateField(label=_("生效日期（处罚）"), widget=DATE, required=False)
    record = forms.IntegerField(widget=forms.HiddenInput, required=False)
    licence = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DisposalForm(forms.Form):
    """The bureau's disposal of a revocation opinion (处置意见办理)."""

    outcome = forms.ChoiceField(label=_("处置结果"), choices=DisposalOutcome.choices)
    decision_number = forms.CharField(label=_("决定文书号"), max_length=100, required=False)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    reason = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReplyForm(forms.Form):
    """The bureau's answer to a correction request (纠错答复)."""

    outcome = forms.ChoiceField(label=_("答复结果"), choices=ReplyOutcome.choices)
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    """A notice to other departments (通知函告)."""

    kind = forms.ChoiceField(
        label=_("函告类型"),
        choices=[c for c in NoticeKind.choices if c[0] != NoticeKind.ITEM_CHANGE],
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    published_on = forms.DateField(label=_("发文日期"), widget=DATE)
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE, required=False)
    addressees = forms.ModelMultipleChoiceField(
        queryset=None, label=_("接收部门"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressees"].queryset = departments


class LicenceTransitionForm(forms.Form):
    """A change of a licence's state (证照状态变更)."""

    to_state = forms.ChoiceField(label=_("新状态"), choices=LicenceState.choices)
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    decision_number = forms.CharField(label=_("决定文书号"), max_length=100, required=False)
    reason = forms.CharField(label=_("原因"), max_length=500)


class VerifyForm(forms.Form):
    """The public licence verification (证照核验)."""

    number = forms.CharField(label=_("证照编号"), max_length=100)
