"""Forms of the calendar pages: edit one day, upload a year's file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("normal", _("按周末规则（普通日）")),
    ("holiday", _("法定节假日（休）")),
    ("workday", _("调休上班（班）")),
]


class DayForm(forms.Form):
    """One date of a loaded year: holiday, make-up working day or normal (修改日历)."""

    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES)
    name = forms.CharField(
        label=_("名称"),
        max_length=50,
        required=False,
        help_text=_("如 春节、国庆节；调休上班日如 春节调休"),
        error_messages={"max_length": _("名称不得超过 50 字")},
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=300,
        required=False,
        help_text=_("国务院办公厅通知名称及文号；留空则沿用该年度的依据"),
        error_messages={"max_length": _("依据不得超过 300 字")},
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") in ("holiday", "workday") and not data.get("name"):
            self.add_error("name", _("请填写名称（如 春节、春节调休）"))
        return data


class ImportUploadForm(forms.Form):
    """A CSV or YAML transcription of the State Council notice (导入文件)."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV 或 YAML 文件，格式见《日历导入格式说明》"),
        error_messages={"required": _("请选择要导入的文件"), "empty": _("文件为空")},
    )
    year = forms.IntegerField(
        label=_("年度（可选）"),
        required=False,
        min_value=2004,
        max_value=2100,
        help_text=_("填写后，文件年度不符时拒绝导入"),
        error_messages={
            "invalid": _("年度须为四位数字"),
            "min_value": _("年度超出支持范围"),
            "max_value": _("年度超出支持范围"),
        },
    )


class ImportConfirmForm(forms.Form):
    """The previewed file, carried to the confirmation step and validated again there."""

    content = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    year = forms.IntegerField(widget=forms.HiddenInput, required=False)
