"""API schemas of the organisation: jurisdictions, departments, users, liaisons, API tokens."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import AwareDatetime

from shenguan.core.masking import mask_phone

from .models import JurisdictionLevel, LiaisonKind
from .roles import DepartmentKind, Role


def shown_phone(context, value: str) -> str:
    """A phone number masked unless the handler unmasked this request (and audited it)."""
    request = (context or {}).get("request")
    if request is not None and getattr(request, "sg_unmask", False):
        return value or ""
    return mask_phone(value)


# --- jurisdictions ---------------------------------------------------------------------------


class JurisdictionOut(Schema):
    """A jurisdiction (行政区划)."""

    id: int
    code: str = Field(description="GB/T 2260 行政区划代码")
    name: str
    level: JurisdictionLevel
    parent_id: int | None
    profile_code: str = Field(description="政策配置代码")
    path: str

    @staticmethod
    def resolve_profile_code(obj) -> str:
        return obj.profile.code


class JurisdictionFilters(Schema):
    """Filters of the jurisdiction list."""

    level: JurisdictionLevel | None = Field(None, description="级别")
    parent_id: int | None = Field(None, description="上级行政区划ID")
    q: str | None = Field(None, max_length=50, description="名称或代码包含")


class JurisdictionIn(Schema):
    """A new jurisdiction under a parent (新增行政区划)."""

    code: str = Field(max_length=20, description="6位半角数字（GB/T 2260）")
    name: str = Field(max_length=100)
    level: JurisdictionLevel
    parent_id: int = Field(description="上级行政区划ID")
    profile_code: str | None = Field(
        None, max_length=40, description="政策配置代码；不填则沿用上级的配置"
    )


# --- departments and divisions ---------------------------------------------------------------


class DivisionOut(Schema):
    """A division (科室)."""

    id: int
    department_id: int
    name: str
    active: bool


class LiaisonOut(Schema):
    """A liaison person or leader in charge over a dated period (联络员/分管领导)."""

    id: int
    jurisdiction_id: int
    department_id: int
    department_name: str
    kind: LiaisonKind
    name: str
    phone: str = Field(description="联系电话（无查看完整信息权限时脱敏）")
    division_id: int | None
    division_name: str | None
    user_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="任期结束日（不含）；为空表示现任")
    note: str
    current: bool

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_division_name(obj) -> str | None:
        return obj.division.name if obj.division_id else None

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return shown_phone(context, obj.phone)

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.is_current


class DepartmentOut(Schema):
    """A department (部门)."""

    id: int
    jurisdiction_id: int
    jurisdiction_name: str
    name: str
    short_name: str
    kind: DepartmentKind
    uscc: str
    active: bool
    sort_order: int

    @staticmethod
    def resolve_jurisdiction_name(obj) -> str:
        return obj.jurisdiction.name


class DepartmentDetail(DepartmentOut):
    """A department with its divisions and the current liaison persons and leaders in charge."""

    divisions: list[DivisionOut]
    current_liaisons: list[LiaisonOut]

    @staticmethod
    def resolve_divisions(obj) -> list:
        return list(obj.divisions.all())

    @staticmethod
    def resolve_current_liaisons(obj) -> list:
        return list(getattr(obj, "current_liaisons", []))


class DepartmentFilters(Schema):
    """Filters of the department list."""

    jurisdiction_id: int | None = Field(None, description="行政区划ID")
    kind: DepartmentKind | None = Field(None, description="部门类型")
    q: str | None = Field(None, max_length=50, description="名称包含")
    active: bool | None = Field(None, description="是否启用")


class DepartmentIn(Schema):
    """A new department (新增部门)."""

    jurisdiction_id: int
    name: str = Field(max_length=100)
    kind: DepartmentKind
    short_name: str = Field("", max_length=50)
    uscc: str = Field("", max_length=30, description="统一社会信用代码（可空）")
    sort_order: int = Field(100, ge=0, le=100000)


class DepartmentPatch(Schema):
    """Changes to a department (修改部门); only the fields sent are changed."""

    name: str | None = Field(None, max_length=100)
    short_name: str | None = Field(None, max_length=50)
    uscc: str | None = Field(None, max_length=30)
    sort_order: int | None = Field(None, ge=0, le=100000)
    active: bool | None = None


class DivisionFilters(Schema):
    """Filters of the division list."""

    department_id: int | None = Field(None, description="部门ID")


class DivisionIn(Schema):
    """A new division (新增科室)."""

    department_id: int
    name: str = Field(max_length=100)


# --- users and roles -------------------------------------------------------------------------


class UserOut(Schema):
    """An account (用户账号)."""

    id: int
    username: str
    full_name: str
    phone: str = Field(description="手机号码（无查看完整信息权限时脱敏）")
    department_id: int | None
    department_name: str | None
    division_id: int | None
    jurisdiction_id: int | None
    is_active: bool
    roles: list[Role]
    last_login: dt.datetime | None

    @staticmethod
    def resolve_department_name(obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_jurisdiction_id(obj) -> int | None:
        return obj.department.jurisdiction_id if obj.department_id else None

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return shown_phone(context, obj.phone)

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(a.role for a in obj.role_assignments.all())


class UserFilters(Schema):
    """Filters of the account list."""

    department_id: int | None = Field(None, description="部门ID")
    jurisdiction_id: int | None = Field(None, description="行政区划ID")
    role: Role | None = Field(None, description="角色")
    q: str | None = Field(None, max_length=50, description="用户名或姓名包含")
    active: bool | None = Field(None, description="是否启用")


class UserIn(Schema):
    """A new account (新建账号); roles are granted separately by the security administrator."""

    username: str = Field(max_length=150)
    full_name: str = Field(max_length=50)
    department_id: int
    password: str = Field(max_length=128)
    phone: str = Field("", max_length=20)
    division_id: int | None = None


class UserPatch(Schema):
    """Changes to an account (修改账号); only the fields sent are changed."""

    full_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    division_id: int | None = None
    is_active: bool | None = None


class PasswordIn(Schema):
    """A new password (重置密码)."""

    password: str = Field(max_length=128)


class RolesIn(Schema):
    """The complete set of roles an account shall hold (授权)."""

    roles: list[Role] = Field(max_length=20)


class RolesOut(Schema):
    """The roles an account holds after the change."""

    user_id: int
    roles: list[Role]


# --- liaison persons ---------------------------------------------------------------------------


class LiaisonFilters(Schema):
    """Filters of the liaison list: by default the whole dated history."""

    department_id: int | None = Field(None, description="部门ID")
    kind: LiaisonKind | None = Field(None, description="类型")
    current: bool = Field(False, description="只看现任（今天在任）")
    on_date: dt.date | None = Field(None, description="某日在任的人员")


class LiaisonIn(Schema):
    """Appoint a liaison or leader in charge from a date (任命联络员/分管领导)."""

    department_id: int
    kind: LiaisonKind
    name: str = Field(max_length=50)
    phone: str = Field(max_length=20)
    valid_from: dt.date
    division_id: int | None = None
    user_id: int | None = None
    note: str = Field("", max_length=200)


class LiaisonEndIn(Schema):
    """End a liaison's term (免去)."""

    valid_to: dt.date


# --- API tokens ------------------------------------------------------------------------------


class TokenOut(Schema):
    """A system client's token (接口令牌), without its secret."""

    id: int
    name: str
    prefix: str
    department_id: int
    department_name: str
    jurisdiction_id: int
    roles: list[Role]
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    rate_limit_per_minute: int | None
    active: bool

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active


class TokenCreated(TokenOut):
    """A new token: `token` is shown this once and never again."""

    token: str = Field(description="完整令牌，仅此一次返回，请妥善保存")


class TokenFilters(Schema):
    """Filters of the token list."""

    department_id: int | None = Field(None, description="部门ID")
    active: bool | None = Field(None, description="是否有效（未吊销且未过期）")


class TokenIn(Schema):
    """Issue a token (签发令牌) for a department's system with business roles."""

    department_id: int
    name: str = Field(max_length=100)
    roles: list[Role] = Field(min_length=1, max_length=10)
    expires_at: AwareDatetime | None = Field(
        None, description="过期时间（带时区）；不填则为 expires_in_days 天后"
    )
    expires_in_days: int = Field(90, ge=1, le=366)
    rate_limit_per_minute: int | None = Field(None, ge=1, le=100000)


class OrgImportProblemOut(Schema):
    """One problem of an organisation import: row, column, code and a Chinese message."""

    row: int
    column: str
    code: str
    message: str


class OrgImportAccountOut(Schema):
    """A new account of an accounts import with its one-time password (shown this once)."""

    username: str
    password: str = Field(description="一次性密码，首次登录须修改；只在这次返回")


class OrgImportOut(Schema):
    """The result of an organisation import or of its dry run (组织机构导入结果)."""

    kind: str
    dry_run: bool
    ok: bool
    header_row: int | None
    rows_read: int
    records: int
    problems: list[OrgImportProblemOut]
    created: dict[str, int]
    sha256: str
    accounts: list[OrgImportAccountOut] = Field(
        description="新建账号及其一次性密码（仅正式导入账号时）"
    )


class OrgImportErrorOut(Schema):
    """A refused organisation import: every problem with its row and column; nothing written."""

    code: str
    message: str
    field: str | None = None
    problems: list[OrgImportProblemOut]
