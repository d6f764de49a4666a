"""Forms of the organisation pages; they shape input, the services decide (and validate again)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import JurisdictionLevel, LiaisonKind
from .roles import DepartmentKind, Role


def apply_domain_error(form: forms.Form, exc) -> None:
    """Show a service's refusal on the field it names (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    if field is None and exc.field and exc.field.endswith("_id") and exc.field[:-3] in form.fields:
        field = exc.field[:-3]
    form.add_error(field, exc.message)


class JurisdictionChoiceField(forms.ModelChoiceField):
    """A jurisdiction picked by name and code, punctuated for the interface language."""

    def label_from_instance(self, obj) -> str:
        return gettext("%(name)s（%(code)s）") % {"name": obj.name, "code": obj.code}


# --- filters ---------------------------------------------------------------------------------


class DepartmentFilterForm(forms.Form):
    """Filters of the department list."""

    jurisdiction = JurisdictionChoiceField(
        queryset=None, required=False, label=_("行政区划"), empty_label=_("全部")
    )
    kind = forms.ChoiceField(
        choices=[("", _("全部")), *list(DepartmentKind.choices)],
        required=False,
        label=_("部门类型"),
    )
    q = forms.CharField(required=False, max_length=50, label=_("名称"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions


class UserFilterForm(forms.Form):
    """Filters of the account list."""

    department = forms.ModelChoiceField(
        queryset=None, required=False, label=_("部门"), empty_label=_("全部")
    )
    role = forms.ChoiceField(
        choices=[("", _("全部")), *list(Role.choices)], required=False, label=_("角色")
    )
    active = forms.ChoiceField(
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("已停用"))],
        required=False,
        label=_("状态"),
    )
    q = forms.CharField(required=False, max_length=50, label=_("用户名或姓名"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def filters(self) -> dict:
        """The selector filters for the valid input."""
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "department_id": d["department"].pk if d.get("department") else None,
            "role": d.get("role") or None,
            "active": {"1": True, "0": False}.get(d.get("active") or ""),
            "q": d.get("q") or None,
        }


class LiaisonFilterForm(forms.Form):
    """Filters of the liaison list."""

    department = forms.ModelChoiceField(
        queryset=None, required=False, label=_("部门"), empty_label=_("全部")
    )
    kind = forms.ChoiceField(
        choices=[("", _("全部")), *list(LiaisonKind.choices)], required=False, label=_("类型")
    )
    history = forms.BooleanField(required=False, label=_("含历任"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


# --- departments -----------------------------------------------------------------------------


class DepartmentForm(forms.Form):
    """Create or edit a department (部门)."""

    jurisdiction = JurisdictionChoiceField(queryset=None, label=_("行政区划"))
    name = forms.CharField(max_length=100, label=_("部门名称"))
    kind = forms.ChoiceField(choices=DepartmentKind.choices, label=_("部门类型"))
    short_name = forms.CharField(max_length=50, required=False, label=_("简称"))
    uscc = forms.CharField(max_length=30, required=False, label=_("统一社会信用代码"))
    sort_order = forms.IntegerField(min_value=0, max_value=100000, initial=100, label=_("排序"))
    active = forms.BooleanField(required=False, initial=True, label=_("启用"))

    def __init__(self, *args, jurisdictions, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if editing:  # a department keeps its jurisdiction and kind
            del self.fields["jurisdiction"]
            del self.fields["kind"]
        else:
            del self.fields["active"]


class DivisionForm(forms.Form):
    """Add a division (科室)."""

    name = forms.CharField(max_length=100, label=_("科室名称"))


class JurisdictionForm(forms.Form):
    """Add a jurisdiction below one the administrator manages (新增下级行政区划)."""

    parent = JurisdictionChoiceField(queryset=None, label=_("上级行政区划"))
    code = forms.CharField(
        max_length=20, label=_("行政区划代码"), help_text=_("6位半角数字（GB/T 2260）")
    )
    name = forms.CharField(max_length=100, label=_("名称"))
    level = forms.ChoiceField(choices=JurisdictionLevel.choices, label=_("级别"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = jurisdictions


# --- users -----------------------------------------------------------------------------------


class UserCreateForm(forms.Form):
    """Create an account (新建账号); the security administrator grants its roles afterwards."""

    username = forms.CharField(max_length=150, label=_("用户名"))
    full_name = forms.CharField(max_length=50, label=_("姓名"))
    department = forms.ModelChoiceField(queryset=None, label=_("部门"))
    division = forms.ModelChoiceField(queryset=None, required=False, label=_("科室"))
    phone = forms.CharField(max_length=20, required=False, label=_("手机号码"))
    password1 = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        label=_("初始密码"),
        strip=False,
    )
    password2 = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        label=_("确认密码"),
        strip=False,
    )

    def __init__(self, *args, departments, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["division"].queryset = divisions

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class UserEditForm(forms.Form):
    """Edit an account (修改账号). The phone is shown masked: leave it empty to keep it."""

    full_name = forms.CharField(max_length=50, label=_("姓名"))
    phone = forms.CharField(
        max_length=20, required=False, label=_("新手机号码"), help_text=_("不填则保持不变")
    )
    division = forms.ModelChoiceField(queryset=None, required=False, label=_("科室"))

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class PasswordForm(forms.Form):
    """Reset a password (重置密码)."""

    password1 = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        label=_("新密码"),
        strip=False,
    )
    password2 = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        label=_("确认新密码"),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class OwnPasswordForm(PasswordForm):
    """Change one's own password (修改密码): the current one, then the new one twice."""

    old_password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        label=_("当前密码"),
        strip=False,
    )
    field_order = ["old_password", "password1", "password2"]


class RolesForm(forms.Form):
    """The roles an account shall hold (授权)."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("角色")
    )


# --- liaisons --------------------------------------------------------------------------------


class LiaisonForm(forms.Form):
    """Appoint a liaison person or leader in charge (任命联络员/分管领导)."""

    department = forms.ModelChoiceField(queryset=None, label=_("部门"))
    kind = forms.ChoiceField(choices=LiaisonKind.choices, label=_("类型"))
    name = forms.CharField(max_length=50, label=_("姓名"))
    phone = forms.CharField(max_length=20, label=_("联系电话"))
    division = forms.ModelChoiceField(queryset=None, required=False, label=_("科室"))
    valid_from = forms.DateField(
        label=_("任职起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=200, required=False, label=_("备注"))

    def __init__(self, *args, departments, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["division"].queryset = divisions
        self.fields["valid_from"].initial = timezone.localdate()


class LiaisonEndForm(forms.Form):
    """End a term (免去)."""

    valid_to = forms.DateField(
        label=_("任职终止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- tokens ----------------------------------------------------------------------------------

_TOKEN_ROLES = [
    (r.value, r.label)
    for r in Role
    if r.value not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
]


class TokenForm(forms.Form):
    """Issue an API token (签发接口令牌)."""

    department = forms.ModelChoiceField(queryset=None, label=_("部门"))
    name = forms.CharField(max_length=100, label=_("名称（接入系统）"))
    roles = forms.MultipleChoiceField(
        choices=_TOKEN_ROLES, widget=forms.CheckboxSelectMultiple, label=_("角色")
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=366, initial=90, label=_("有效期（天）")
    )
    rate_limit_per_minute = forms.IntegerField(
        min_value=1,
        max_value=100000,
        required=False,
        label=_("每分钟请求上限"),
        help_text=_("不填则使用系统默认值"),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


# --- confirmations ---------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """An explicit confirmation for a destructive action."""

    confirm = forms.BooleanField(label=_("我已确认"))


IMPORT_KIND_LABELS = {
    "departments": _("部门和科室"),
    "users": _("账号"),
    "roles": _("账号角色（安全管理员）"),
    "liaisons": _("联络员和分管领导"),
}


class OrgImportForm(forms.Form):
    """Upload an organisation sheet for a dry run (组织机构导入)."""

    kind = forms.ChoiceField(label=_("导入内容"))
    file = forms.FileField(label=_("文件（xlsx 或 csv）"))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, IMPORT_KIND_LABELS[k]) for k in kinds]
