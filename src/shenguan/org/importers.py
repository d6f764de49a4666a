"""Setting up an organisation from spreadsheets (组织机构导入): departments with their divisions,
accounts (created by the system administrator, their roles granted by the security
administrator from the same sheet) and liaison persons — so that a city with 40 departments and
300 users is set up in minutes (issue 12 item 11).

Every import reads the file through core.sheets (limits, title rows, merged cells), then runs
each row through the org services — the same rules, permissions, audit events and outbox events
as the pages — inside ONE transaction, each row in a savepoint. A refusal of a service becomes a
problem of that row naming its column; a dry run, or any problem, rolls everything back: all
rows or none.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from django.db import transaction

from shenguan.core import sheets
from shenguan.core.errors import Conflict, DomainError, PermissionDenied
from shenguan.core.i18n import source_choice

from . import services
from .models import Department, Division, Jurisdiction, LiaisonAssignment, LiaisonKind, User
from .roles import DepartmentKind, Perm, Role

KINDS = ("departments", "users", "roles", "liaisons")

# --- layouts -------------------------------------------------------------------------------------

C = sheets.Column
JURISDICTION = C("jurisdiction", "行政区划代码", ("行政区划", "区划代码", "区划"))
LAYOUTS: dict[str, tuple[sheets.Column, ...]] = {
    "departments": (
        JURISDICTION,
        C("name", "部门名称", ("部门", "单位名称", "单位"), required=True),
        C("kind", "部门类型", ("类型", "单位类型"), required=True),
        C("short_name", "简称", ("部门简称",)),
        C("uscc", "统一社会信用代码", ("信用代码",)),
        C("sort_order", "排序", ("序号", "顺序")),
        C("divisions", "科室", ("内设科室", "科室（股室）", "股室")),
    ),
    "users": (
        JURISDICTION,
        C("username", "用户名", ("账号", "登录名"), required=True),
        C("full_name", "姓名", (), required=True),
        C("department", "部门", ("部门名称", "单位"), required=True),
        C("division", "科室", ("股室",)),
        C("phone", "手机号码", ("手机", "联系电话", "电话")),
        C("roles", "角色", ("授予角色",)),
    ),
    "liaisons": (
        JURISDICTION,
        C("department", "部门", ("部门名称", "单位"), required=True),
        C("kind", "类型", ("联络人类型", "职责"), required=True),
        C("name", "姓名", (), required=True),
        C("phone", "手机号码", ("手机", "联系电话", "电话"), required=True),
        C("division", "科室", ("股室",)),
        C("username", "账号", ("用户名",)),
        C("valid_from", "起始日期", ("任职日期", "开始日期"), required=True),
    ),
}
LAYOUTS["roles"] = LAYOUTS["users"]  # the security administrator imports the accounts sheet

TITLES = {
    "departments": "部门和科室",
    "users": "账号",
    "roles": "账号角色",
    "liaisons": "联络员和分管领导",
}

REQUIRED_PERM = {
    "departments": Perm.ORG_MANAGE,
    "users": Perm.USER_MANAGE,
    "roles": Perm.ROLE_GRANT,
    "liaisons": Perm.ORG_MANAGE,
}

_SPLIT = re.compile(r"[、，,;；/\n]+")

KIND_ALIASES = {
    "审批局": DepartmentKind.BUREAU,
    "行政审批服务局": DepartmentKind.BUREAU,
    "监管部门": DepartmentKind.REGULATOR,
    "主管部门": DepartmentKind.REGULATOR,
    "行业部门": DepartmentKind.REGULATOR,
    "执法部门": DepartmentKind.ENFORCEMENT,
    "综合执法": DepartmentKind.ENFORCEMENT,
    "信用": DepartmentKind.CREDIT_PLATFORM,
    "纪委": DepartmentKind.DISCIPLINE,
    "纪委监委": DepartmentKind.DISCIPLINE,
    "编办": DepartmentKind.REFORM_OFFICE,
    "审改办": DepartmentKind.REFORM_OFFICE,
    "政府办": DepartmentKind.GOV_OFFICE,
}
LIAISON_ALIASES = {"联络人": LiaisonKind.LIAISON, "分管": LiaisonKind.LEADER}


def _choice(value: str, choices, aliases: dict) -> str | None:
    """A choice value by its value, its Chinese label or an alias (compared by sheets.key)."""
    k = sheets.key(value)
    for v in choices.values:
        if k in (sheets.key(v), sheets.key(source_choice(choices, v))):
            return v
    for alias, v in aliases.items():
        if k == sheets.key(alias):
            return v
    return None


def template(kind: str) -> bytes:
    """An empty xlsx in the import's layout, with notes of the accepted values."""
    columns = LAYOUTS[kind]
    kinds = "、".join(source_choice(DepartmentKind, v) for v in DepartmentKind.values)
    roles = "、".join(source_choice(Role, v) for v in Role.values)
    notes = {
        "departments": f"注：部门类型填{kinds}之一；"
        "多个科室用顿号分隔，或每个科室一行（部门名称相同）。",
        "users": f"注：角色填{roles}，多个用顿号分隔；新账号获得一次性密码，首次登录须修改；"
        "系统管理员导入账号后，安全管理员用同一表格导入“账号角色”授予角色。",
        "liaisons": "注：类型填联络员或分管领导；起始日期如 2026-01-01；"
        "账号为其在平台的用户名（可空）。",
    }
    notes["roles"] = notes["users"]
    headers = [f"{c.title}*" if c.required else c.title for c in columns]
    return sheets.write_xlsx(
        headers,
        [[notes[kind]]],
        title=f"{TITLES[kind]}导入模板（行政区划代码可空：默认为本人所在行政区划）",
        sheet=TITLES[kind],
    )


# --- the run -------------------------------------------------------------------------------------


@dataclass
class OrgImport:
    """An import's report (导入结果) plus the one-time passwords of new accounts (shown once)."""

    report: sheets.ImportReport
    accounts: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.report.as_dict(), "accounts": list(self.accounts)}


class _Rows:
    """Reads the rows, resolves jurisdictions, departments and divisions, records problems."""

    def __init__(self, actor, kind: str, source, filename: str, report: sheets.ImportReport):
        self.actor = actor
        self.report = report
        self.sheet = sheets.HeaderSheet(
            sheets.read_rows(source, filename, report), LAYOUTS[kind], report
        )
        self._jurisdictions: dict[str, Jurisdiction | None] = {}

    def problem(self, row, column, code, message) -> None:
        self.sheet.problem(row.number, column, code, message)

    def error(self, row, exc: DomainError, column_of: dict[str, str]) -> None:
        """A service's refusal, as a problem of the row in the column of its field."""
        self.problem(row, column_of.get(exc.field or ""), exc.code, exc.message)

    def jurisdiction(self, row, text: str) -> Jurisdiction | None:
        text = sheets.key(text)
        if not text:
            default = getattr(self.actor, "jurisdiction_id", None)
            return Jurisdiction.objects.filter(pk=default).first()
        if text not in self._jurisdictions:
            j = Jurisdiction.objects.filter(code=text).first() or (
                Jurisdiction.objects.filter(name=text).first()
            )
            visible = getattr(self.actor, "visible_jurisdiction_ids", None)
            if j is not None and visible is not None and j.pk not in visible:
                j = None
            self._jurisdictions[text] = j
        j = self._jurisdictions[text]
        if j is None:
            self.problem(
                row, "jurisdiction", "unknown_jurisdiction", f"行政区划“{text}”不存在或无权管理"
            )
        return j

    def department(self, row, j: Jurisdiction | None, text: str) -> Department | None:
        if j is None:
            return None
        name = sheets.clean_name_text(text)
        d = Department.objects.filter(jurisdiction=j, name=name).first() or (
            Department.objects.filter(jurisdiction=j, short_name=name).first() if name else None
        )
        if d is None:
            self.problem(row, "department", "unknown_department", f"{j.name}没有部门“{name}”")
        return d

    def division(self, row, d: Department | None, text: str) -> Division | None:
        name = sheets.clean_name_text(text)
        if d is None or not name:
            return None
        div = Division.objects.filter(department=d, name=name).first()
        if div is None:
            self.problem(row, "division", "unknown_division", f"{d.name}没有科室“{name}”")
        return div


def org_import(*, actor, kind: str, source, filename: str, dry_run: bool = True) -> OrgImport:
    """Import departments, accounts, their roles or liaison persons from xlsx or csv (组织机构
    导入): every problem with its row and column; written only if every row passes and not a
    dry run."""
    if kind not in KINDS:
        raise PermissionDenied("bad_kind", "导入类型无效")
    if actor is None or not actor.can(REQUIRED_PERM[kind]):
        raise PermissionDenied("forbidden", "无权执行此导入")
    report = sheets.ImportReport(kind=kind, dry_run=dry_run)
    result = OrgImport(report)
    rows = _Rows(actor, kind, source, filename, report)
    run = {
        "departments": _departments,
        "users": _users,
        "roles": _roles,
        "liaisons": _liaisons,
    }[kind]
    with transaction.atomic():
        run(rows, result)
        if dry_run or report.problems:
            transaction.set_rollback(True)
            result.accounts = []  # the passwords of a rolled-back run mean nothing
    if report.problems:
        raise report.error()
    return result


def _count(report: sheets.ImportReport, what: str) -> None:
    report.created[what] = report.created.get(what, 0) + 1


def _savepoint(rows: _Rows, row, column_of: dict[str, str], func):
    """Run one row's writes in a savepoint; a refusal becomes the row's problem."""
    try:
        with transaction.atomic():
            return func()
    except DomainError as exc:
        rows.error(row, exc, column_of)
        return None


def _departments(rows: _Rows, result: OrgImport) -> None:
    report = result.report
    seen: dict[tuple[int, str], tuple[str, int]] = {}
    for row, v, _merged in rows.sheet.data_rows():
        report.rows_read += 1
        j = rows.jurisdiction(row, v.get("jurisdiction", ""))
        name = sheets.clean_name_text(v["name"])
        kind = _choice(v["kind"], DepartmentKind, KIND_ALIASES)
        if not name:
            rows.problem(row, "name", "required", "请填写部门名称")
        if kind is None:
            rows.problem(row, "kind", "bad_kind", f"部门类型“{v['kind'][:20]}”无效")
        order_text = sheets.key(v.get("sort_order", ""))
        if order_text and not order_text.isdigit():
            rows.problem(row, "sort_order", "bad_sort_order", "排序须为非负整数")
        if j is None or not name or kind is None:
            continue
        divisions = [sheets.clean_name_text(x) for x in _SPLIT.split(v.get("divisions", ""))]
        first = seen.get((j.pk, name))
        if first is not None and first[0] != kind:
            rows.problem(row, "kind", "conflicting_kind", f"部门类型与第{first[1]}行不一致")
            continue
        seen.setdefault((j.pk, name), (kind, row.number))

        def write(j=j, name=name, kind=kind, v=v, order_text=order_text, divisions=divisions):
            d = Department.objects.filter(jurisdiction=j, name=name).first()
            if d is None:
                d = services.department_create(
                    actor=rows.actor,
                    jurisdiction=j,
                    name=name,
                    kind=kind,
                    short_name=sheets.clean_name_text(v.get("short_name", "")),
                    uscc=sheets.key(v.get("uscc", "")),
                    sort_order=int(order_text) if order_text else 100,
                )
                _count(report, "departments")
            elif d.kind != kind:
                kind_label = source_choice(DepartmentKind, d.kind)
                raise Conflict(
                    "conflicting_kind", f"部门“{name}”已存在，类型为{kind_label}", "kind"
                )
            for div in filter(None, divisions):
                if not Division.objects.filter(department=d, name=div).exists():
                    services.division_create(actor=rows.actor, department=d, name=div)
                    _count(report, "divisions")
            return d

        if _savepoint(rows, row, {"name": "name", "kind": "kind", "uscc": "uscc"}, write):
            report.records += 1


def _roles_of(rows: _Rows, row, text: str) -> set[str] | None:
    out = set()
    for part in filter(None, (p.strip() for p in _SPLIT.split(text or ""))):
        r = _choice(part, Role, {})
        if r is None:
            rows.problem(row, "roles", "bad_role", f"角色“{part[:20]}”无效")
            return None
        out.add(r)
    return out


def _users(rows: _Rows, result: OrgImport) -> None:
    report = result.report
    columns = {"username": "username", "full_name": "full_name", "phone": "phone"}
    columns.update({"division": "division", "password": "username", "department": "department"})
    for row, v, _merged in rows.sheet.data_rows():
        report.rows_read += 1
        j = rows.jurisdiction(row, v.get("jurisdiction", ""))
        d = rows.department(row, j, v["department"])
        div = rows.division(row, d, v.get("division", ""))
        roles = _roles_of(rows, row, v.get("roles", ""))
        username = sheets.key(v["username"])
        if d is None or roles is None or (sheets.key(v.get("division", "")) and div is None):
            continue
        existing = User.objects.filter(username=username).first()

        def write(v=v, d=d, div=div, username=username, existing=existing):
            if existing is not None:
                if existing.department_id != d.pk:
                    raise Conflict(
                        "username_taken", f"用户名“{username}”已被其他部门的账号使用", "username"
                    )
                services.user_update(
                    actor=rows.actor,
                    user=existing,
                    full_name=v["full_name"],
                    phone=sheets.key(v.get("phone", "")),
                    division=div,
                )
                _count(report, "users_updated")
                return existing
            password = secrets.token_urlsafe(12)
            u = services.user_create(
                actor=rows.actor,
                username=username,
                full_name=v["full_name"],
                department=d,
                password=password,
                phone=sheets.key(v.get("phone", "")),
                division=div,
                must_change_password=True,
            )
            result.accounts.append({"username": username, "password": password})
            _count(report, "users")
            return u

        if _savepoint(rows, row, columns, write) is not None:
            report.records += 1


def _roles(rows: _Rows, result: OrgImport) -> None:
    report = result.report
    for row, v, _merged in rows.sheet.data_rows():
        report.rows_read += 1
        roles = _roles_of(rows, row, v.get("roles", ""))
        username = sheets.key(v["username"])
        user = User.objects.filter(username=username).first()
        if user is None:
            rows.problem(row, "username", "unknown_user", f"账号“{username}”不存在，请先导入账号")
            continue
        if roles is None:
            continue
        if not roles:
            continue  # no roles written: the account's roles stay as they are

        def write(user=user, roles=roles):
            if user.role_set == roles:
                return user
            services.user_set_roles(actor=rows.actor, user=user, roles=roles)
            _count(report, "role_grants")
            return user

        if _savepoint(rows, row, {"roles": "roles", "username": "username"}, write):
            report.records += 1


def _date(text: str) -> dt.date | None:
    t = sheets.key(text).replace("年", "-").replace("月", "-").replace("日", "")
    t = t.replace("/", "-").replace(".", "-")
    try:
        y, m, d = (int(p) for p in t.split("-")[:3])
        return dt.date(y, m, d)
    except ValueError:
        return None


def _liaisons(rows: _Rows, result: OrgImport) -> None:
    report = result.report
    for row, v, _merged in rows.sheet.data_rows():
        report.rows_read += 1
        j = rows.jurisdiction(row, v.get("jurisdiction", ""))
        d = rows.department(row, j, v["department"])
        div = rows.division(row, d, v.get("division", ""))
        kind = _choice(v["kind"], LiaisonKind, LIAISON_ALIASES)
        if kind is None:
            rows.problem(row, "kind", "bad_kind", f"类型“{v['kind'][:20]}”无效：填联络员或分管领导")
        valid_from = _date(v.get("valid_from", ""))
        if valid_from is None:
            rows.problem(row, "valid_from", "bad_date", "起始日期无效，如 2026-01-01")
        user = None
        username = sheets.key(v.get("username", ""))
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                rows.problem(row, "username", "unknown_user", f"账号“{username}”不存在")
        if d is None or kind is None or valid_from is None or (username and user is None):
            continue
        if (sheets.key(v.get("division", "")) and div is None) or (
            LiaisonAssignment.objects.filter(
                department=d, kind=kind, name=sheets.clean_name_text(v["name"]), valid_to=None
            ).exists()
        ):
            continue  # a bad division is reported; a current appointment stays as it is

        def write(v=v, d=d, div=div, kind=kind, valid_from=valid_from, user=user):
            la = services.liaison_appoint(
                actor=rows.actor,
                department=d,
                kind=kind,
                name=v["name"],
                phone=sheets.key(v["phone"]),
                valid_from=valid_from,
                division=div,
                user=user,
            )
            _count(report, "liaisons")
            return la

        columns = {"name": "name", "phone": "phone", "valid_from": "valid_from"}
        columns.update({"division": "division", "user": "username", "kind": "kind"})
        if _savepoint(rows, row, columns, write):
            report.records += 1
