"""Forms of the catalogue pages (事项清单表单); services do the validation that matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from shenguan.core.i18n import source_text
from shenguan.core.widgets import AutocompleteSelect
from shenguan.org.models import Department, Division
from shenguan.org.roles import DepartmentKind

from .models import (
    HandoverKind,
    LicensingItem,
    PowerType,
    PushMethod,
    Stage,
    SupervisionItem,
    TransferStatus,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _depts(jurisdiction_id, *, regulators_only=False):
    qs = Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    if regulators_only:
        qs = qs.exclude(kind=DepartmentKind.BUREAU)
    return qs.order_by("sort_order", "id")


class ItemFilterForm(forms.Form):
    """Filters of the item list."""

    q = forms.CharField(required=False, max_length=100, label=_("名称或编码"))
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("原审批部门"),
        empty_label=_("全部"),
    )
    status = forms.ChoiceField(
        choices=[("", _("全部")), *TransferStatus.choices], required=False, label=_("划转状态")
    )

    def __init__(self, *args, jurisdiction_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction_id__in=list(jurisdiction_ids), active=True
        ).exclude(kind=DepartmentKind.BUREAU)


class ItemForm(forms.Form):
    """Create or edit a licensing item."""

    code = forms.CharField(required=False, max_length=64, label=_("事项编码"))
    name = forms.CharField(max_length=200, label=_("事项名称"))
    power_type = forms.ChoiceField(choices=PowerType.choices, label=_("权力类型"))
    original_department = forms.ModelChoiceField(queryset=None, label=_("原审批部门"))
    statutory_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label=_("法定时限（工作日）")
    )
    promised_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label=_("承诺时限（工作日）")
    )
    needs_site_inspection = forms.BooleanField(required=False, label=_("现场勘察"))
    needs_expert_review = forms.BooleanField(required=False, label=_("专家评审"))
    needs_hearing = forms.BooleanField(required=False, label=_("论证听证"))
    needs_public_notice = forms.BooleanField(required=False, label=_("公示"))
    regulator_issues_certificate = forms.BooleanField(required=False, label=_("监管部门配发证照"))
    commitment_allowed = forms.BooleanField(required=False, label=_("可告知承诺"))
    accept_with_gaps_allowed = forms.BooleanField(required=False, label=_("可容缺受理"))
    main_item = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("主项（关联事项填写）"),
        widget=AutocompleteSelect("/catalog/pick/items"),
    )
    note = forms.CharField(required=False, max_length=500, label=_("备注"))
    effective_on = forms.DateField(
        required=False,
        widget=DATE,
        label=_("生效日期（函告）"),
        help_text=_("变更将提前函告相关行业主管部门；默认今天"),
    )

    def __init__(self, *args, jurisdiction_id, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["original_department"].queryset = _depts(jurisdiction_id, regulators_only=True)
        mains = LicensingItem.objects.filter(
            jurisdiction_id=jurisdiction_id, active=True, main_item__isnull=True
        )
        if item is not None:
            mains = mains.exclude(pk=item.pk)
        self.fields["main_item"].queryset = mains.order_by("code", "name")


class TransferForm(forms.Form):
    """A dated change of transfer status."""

    status = forms.ChoiceField(
        choices=[c for c in TransferStatus.choices if c[0] != TransferStatus.UNDECIDED],
        label=_("划转状态"),
    )
    effective_on = forms.DateField(widget=DATE, label=_("生效日期"))
    batch_name = forms.CharField(
        required=False,
        max_length=100,
        label=_("批次"),
        help_text=_("分批划转填写，如“机构改革后划转”"),
    )
    planned_on = forms.DateField(required=False, widget=DATE, label=_("计划划转日期"))
    reason = forms.CharField(
        required=False, max_length=500, label=_("原因"), help_text=_("暂不划转、收回须填写")
    )
    hall_window = forms.CharField(required=False, max_length=100, label=_("大厅窗口"))
    note = forms.CharField(required=False, max_length=500, label=_("备注"))
    exclude_related = forms.ModelMultipleChoiceField(
        queryset=LicensingItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("不随主项一并办理的关联事项"),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exclude_related"].queryset = item.related_items.filter(active=True)
        if not item.related_items.filter(active=True).exists():
            del self.fields["exclude_related"]


class RemoveForm(forms.Form):
    """End an item or an entry from a date."""

    effective_on = forms.DateField(widget=DATE, label=_("生效日期"))
    reason = forms.CharField(max_length=500, label=_("原因"))


class EntryFilterForm(forms.Form):
    """Filters of the linkage list (department, item, code, free text)."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label=_("部门"), empty_label=_("全部")
    )
    item = forms.CharField(required=False, max_length=100, label=_("审批事项"))
    code = forms.CharField(required=False, max_length=40, label=_("监管事项编码"))
    q = forms.CharField(required=False, max_length=100, label=_("关键词"))

    def __init__(self, *args, jurisdiction_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction_id__in=list(jurisdiction_ids),
            active=True,
            kind__in=[DepartmentKind.BUREAU, DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT],
        ).order_by("jurisdiction_id", "sort_order", "id")

    def filters(self) -> dict:
        """The selector filters of the valid form."""
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "department_id": d["department"].pk if d.get("department") else None,
            "item": d.get("item") or None,
            "code": d.get("code") or None,
            "q": d.get("q") or None,
        }


class EntryForm(forms.Form):
    """Create or change a linkage entry."""

    seq = forms.IntegerField(required=False, min_value=0, label=_("序号"))
    item = forms.ModelChoiceField(
        queryset=None, label=_("审批事项"), widget=AutocompleteSelect("/catalog/pick/items")
    )
    approval_division = forms.ModelChoiceField(queryset=None, required=False, label=_("审批科室"))
    regulator = forms.ModelChoiceField(queryset=None, label=_("行业主管部门"))
    regulator_division = forms.ModelChoiceField(queryset=None, required=False, label=_("监管科室"))
    supervision_items = forms.ModelMultipleChoiceField(queryset=None, label=_("监管事项"))
    responsible_person = forms.CharField(required=False, max_length=50, label=_("责任人"))
    contact_phone = forms.CharField(
        required=False, max_length=30, label=_("联系电话"), help_text=_("不填则保持不变")
    )
    power_type = forms.ChoiceField(choices=PowerType.choices, label=_("权力类型"))
    stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("互动环节"),
    )
    approval_duties = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("审批职责")
    )
    supervision_duties = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("监管职责")
    )
    push_method = forms.ChoiceField(choices=PushMethod.choices, label=_("信息推送方式"))
    note = forms.CharField(required=False, max_length=500, label=_("备注"))
    effective_on = forms.DateField(
        required=False,
        widget=DATE,
        label=_("生效日期"),
        help_text=_("默认今天；已公布的条目自该日起由新条目替代"),
    )

    def __init__(self, *args, jurisdiction_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = LicensingItem.objects.filter(
            jurisdiction_id=jurisdiction_id, active=True
        ).order_by("code", "name")
        self.fields["regulator"].queryset = _depts(jurisdiction_id, regulators_only=True)
        divisions = Division.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
        self.fields["approval_division"].queryset = divisions.filter(
            department__kind=DepartmentKind.BUREAU
        )
        self.fields["regulator_division"].queryset = divisions.exclude(
            department__kind=DepartmentKind.BUREAU
        ).select_related("department")
        self.fields["regulator_division"].label_from_instance = lambda d: f"{d.department} · {d}"
        self.fields["supervision_items"].queryset = SupervisionItem.objects.filter(
            jurisdiction_id=jurisdiction_id, active=True
        ).order_by("code")


class PublishForm(forms.Form):
    """Publish the live list as a dated version."""

    title = forms.CharField(max_length=200, label=_("标题"))
    published_on = forms.DateField(required=False, widget=DATE, label=_("公布日期"))
    note = forms.CharField(required=False, max_length=500, label=_("说明"))


class SupervisionForm(forms.Form):
    """Register a supervision item."""

    code = forms.CharField(max_length=40, label=_("监管事项编码"))
    name = forms.CharField(max_length=500, label=_("监管事项名称"))
    regulator = forms.ModelChoiceField(queryset=None, label=_("监管部门"))
    division = forms.ModelChoiceField(queryset=None, required=False, label=_("监管科室"))

    def __init__(self, *args, jurisdiction_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulator"].queryset = _depts(jurisdiction_id, regulators_only=True)
        self.fields["division"].queryset = (
            Division.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
            .exclude(department__kind=DepartmentKind.BUREAU)
            .select_related("department")
        )
        self.fields["division"].label_from_instance = lambda d: f"{d.department} · {d}"


def _kinds_by_label() -> dict[str, str]:
    """Checklist categories by label: the Chinese ones, and those of the reader's language."""
    out = {source_text(label): value for value, label in HandoverKind.choices}
    out.update({str(label): value for value, label in HandoverKind.choices})
    return out


def checklist_text(lines: list[dict]) -> str:
    """A checklist as editable text: 类别 | 内容 | 数量 | 备注, one line each."""
    labels = dict(HandoverKind.choices)
    return "\n".join(
        " | ".join(
            [
                str(labels.get(x["kind"], x["kind"])),
                x["description"],
                x.get("quantity", ""),
                x.get("note", ""),
            ]
        ).rstrip(" |")
        for x in lines or []
    )


class ChecklistField(forms.CharField):
    """The handover checklist typed as lines of 类别 | 内容 | 数量 | 备注."""

    widget = forms.Textarea(attrs={"rows": 6})

    def clean(self, value):
        value = super().clean(value)
        out = []
        kinds = _kinds_by_label()
        for i, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            kind = kinds.get(parts[0])
            if kind is None:
                sep = pgettext("enumeration", "、")
                allowed = sep.join(str(label) for _value, label in HandoverKind.choices)
                raise forms.ValidationError(
                    _("第%(n)s行的类别无效，可选：%(a)s") % {"n": i, "a": allowed}
                )
            if len(parts) < 2 or not parts[1]:
                raise forms.ValidationError(_("第%(n)s行缺少交接内容") % {"n": i})
            out.append(
                {
                    "kind": kind,
                    "description": parts[1],
                    "quantity": parts[2] if len(parts) > 2 else "",
                    "note": parts[3] if len(parts) > 3 else "",
                }
            )
        return out


class MemoForm(forms.Form):
    """Draft or edit a handover memo."""

    number = forms.CharField(required=False, max_length=100, label=_("备忘录编号"))
    title = forms.CharField(max_length=200, label=_("标题"))
    from_department = forms.ModelChoiceField(queryset=None, label=_("原审批部门"))
    items = forms.ModelMultipleChoiceField(
        queryset=None, label=_("所涉事项"), help_text=_("关联事项随主项一并纳入")
    )
    checklist = ChecklistField(
        required=False,
        label=_("交接清单"),
        help_text=_("每行一项：类别 | 内容 | 数量 | 备注；类别如 档案资料、制式证照"),
    )
    duty_boundary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("审管职责边界")
    )
    feedback_arrangement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("审管信息双向反馈")
    )
    technical_support = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("技术支持")
    )
    from_signatory = forms.CharField(required=False, max_length=50, label=_("原审批部门签字人"))
    from_signatory_title = forms.CharField(required=False, max_length=50, label=_("职务"))
    to_signatory = forms.CharField(required=False, max_length=50, label=_("承接部门签字人"))
    to_signatory_title = forms.CharField(required=False, max_length=50, label=_("职务 "))

    def __init__(self, *args, jurisdiction_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_department"].queryset = _depts(jurisdiction_id, regulators_only=True)
        self.fields["items"].queryset = (
            LicensingItem.objects.filter(
                jurisdiction_id=jurisdiction_id, active=True, main_item__isnull=True
            )
            .select_related("original_department")
            .order_by("original_department_id", "code")
        )
        self.fields["items"].label_from_instance = lambda i: f"{i.original_department} · {i}"


class MemoSignForm(forms.Form):
    """Record the signing of a memo."""

    signed_on = forms.DateField(widget=DATE, label=_("签订日期"))
    from_signatory = forms.CharField(max_length=50, label=_("原审批部门签字人"))
    from_signatory_title = forms.CharField(required=False, max_length=50, label=_("职务"))
    to_signatory = forms.CharField(max_length=50, label=_("承接部门签字人"))
    to_signatory_title = forms.CharField(required=False, max_length=50, label=_("职务 "))


class MemoAmendForm(forms.Form):
    """Amend a signed memo."""

    signed_on = forms.DateField(widget=DATE, label=_("修订签订日期"))
    reason = forms.CharField(max_length=500, label=_("修订原因"))
    add_items = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("增加事项"))
    checklist = ChecklistField(required=False, label=_("交接清单"))
    duty_boundary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("审管职责边界")
    )
    feedback_arrangement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("审管信息双向反馈")
    )
    technical_support = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("技术支持")
    )

    def __init__(self, *args, memo, **kwargs):
        super().__init__(*args, **kwargs)
        covered = memo.memo_items.values("item_id")
        self.fields["add_items"].queryset = LicensingItem.objects.filter(
            jurisdiction_id=memo.jurisdiction_id,
            active=True,
            main_item__isnull=True,
            original_department_id=memo.from_department_id,
        ).exclude(pk__in=covered)


class ImportForm(forms.Form):
    """Upload a list for a dry run."""

    kind = forms.ChoiceField(
        choices=[
            ("linkage", _("审管联动事项清单")),
            ("items", _("行政许可事项目录")),
            ("supervision", _("监管事项目录")),
        ],
        label=_("清单类型"),
    )
    file = forms.FileField(label=_("文件（xlsx 或 csv）"))
    mode = forms.ChoiceField(
        choices=[("append", _("追加")), ("replace", _("替换现有清单"))],
        label=_("导入方式"),
        help_text=_("仅用于审管联动事项清单"),
    )
    valid_from = forms.DateField(required=False, widget=DATE, label=_("生效日期"))
