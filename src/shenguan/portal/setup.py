"""First run of a real deployment (首次初始化): the top jurisdiction under its policy profile, the
approval bureau, and the three administrators (系统/安全/审计管理员, 三权分立) with one-time
passwords — everything else (departments, accounts, liaisons) is imported by them afterwards.
Used by `shenguan setup`; refuses to run on a database that already holds a jurisdiction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org import services as org
from shenguan.org.models import Jurisdiction
from shenguan.org.roles import DepartmentKind, Role
from shenguan.policy.selectors import profile_list

ADMINS = (
    (Role.SYSTEM_ADMIN, "系统管理员"),
    (Role.SECURITY_ADMIN, "安全管理员"),
    (Role.AUDIT_ADMIN, "审计管理员"),
)


@dataclass(frozen=True)
class SetupResult:
    """What the first run created: the jurisdiction, the bureau and (username, role,
    one-time password) of each administrator — the passwords exist nowhere else."""

    jurisdiction: Jurisdiction
    bureau_name: str
    accounts: tuple[tuple[str, str, str], ...]


def one_time_password() -> str:
    """A random password for a first login (16 URL-safe characters, changed at once)."""
    return secrets.token_urlsafe(12)


def platform_setup(
    *,
    code: str,
    name: str,
    level: str,
    profile_code: str,
    bureau_name: str = "",
    usernames: dict[str, str] | None = None,
) -> SetupResult:
    """Create the top jurisdiction, its approval bureau and the three administrators, each with
    a one-time password to be changed at the first login (首次初始化). Refuses a second run."""
    usernames = usernames or {}
    profile = profile_list().filter(code=profile_code).first()
    if profile is None:
        known = ", ".join(profile_list().order_by("code").values_list("code", flat=True))
        raise ValidationFailed(
            "bad_profile", f"政策配置“{profile_code}”不存在；可选：{known}", "profile"
        )
    names = [usernames.get(role, role.replace("_admin", "admin")) for role, _label in ADMINS]
    if len(set(names)) != len(names):
        raise ValidationFailed("duplicate_username", "三个管理员的用户名必须互不相同", "username")
    with transaction.atomic():
        if Jurisdiction.objects.select_for_update().exists():
            raise Conflict(
                "already_set_up", "平台已经初始化（数据库中已有行政区划）：setup 只能运行一次"
            )
        j = org.jurisdiction_create(
            actor=None, code=code, name=name, level=level, profile=profile, parent=None
        )
        bureau = org.department_create(
            actor=None,
            jurisdiction=j,
            name=bureau_name or f"{j.name}行政审批服务局",
            kind=DepartmentKind.BUREAU,
            sort_order=10,
        )
        accounts = []
        for (role, label), username in zip(ADMINS, names, strict=True):
            password = one_time_password()
            user = org.user_create(
                actor=None,
                username=username,
                full_name=label,
                department=bureau,
                password=password,
                must_change_password=True,
            )
            org.user_set_roles(actor=None, user=user, roles={role})
            accounts.append((username, role, password))
    return SetupResult(j, bureau.name, tuple(accounts))
