"""Test data built through the services (actor=None is the system itself)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from shenguan.org import services as org
from shenguan.org.models import Department, Jurisdiction, User
from shenguan.org.roles import ROLE_DEPARTMENT_KINDS, DepartmentKind, Role
from shenguan.policy.models import PolicyProfile

PASSWORD = "Shenguan#2026"
_seq = itertools.count(1)


def profile(code: str = "liaocheng-2021") -> PolicyProfile:
    """A built-in profile by code."""
    return PolicyProfile.objects.get(code=code)


def jurisdiction(
    code: str | None = None,
    name: str | None = None,
    *,
    parent=None,
    level: str = "county",
    profile_code: str = "liaocheng-2021",
) -> Jurisdiction:
    """A jurisdiction with a unique code."""
    n = next(_seq)
    code = code or f"{371500 + n:06d}"
    return org.jurisdiction_create(
        actor=None,
        code=code,
        name=name or f"测试区{n}",
        level=level,
        profile=profile(profile_code),
        parent=parent,
    )


def department(
    j: Jurisdiction, kind: str = DepartmentKind.REGULATOR, name: str | None = None
) -> Department:
    """A department of a kind in a jurisdiction."""
    return org.department_create(
        actor=None, jurisdiction=j, name=name or f"测试部门{next(_seq)}", kind=kind
    )


def user(dept: Department, *roles: str, username: str | None = None) -> User:
    """An account in a department holding the given roles."""
    u = org.user_create(
        actor=None,
        username=username or f"u{next(_seq)}",
        full_name="测试用户",
        department=dept,
        password=PASSWORD,
    )
    if roles:
        org.user_set_roles(actor=None, user=u, roles=set(roles))
    return User.objects.select_related("department").get(pk=u.pk)


def default_kind_for(role: str) -> str:
    """The natural department kind for a role."""
    order = [
        DepartmentKind.BUREAU,
        DepartmentKind.REGULATOR,
        DepartmentKind.ENFORCEMENT,
        DepartmentKind.DISCIPLINE,
        DepartmentKind.REFORM_OFFICE,
        DepartmentKind.GOV_OFFICE,
    ]
    kinds = ROLE_DEPARTMENT_KINDS[role]
    for k in order:
        if k in kinds:
            return k
    return next(iter(kinds))


@dataclass
class World:
    """A city with a county, the city's departments (bureau, two regulators, enforcement,
    discipline, reform office, government office) and one user per role in the city."""

    city: Jurisdiction
    county: Jurisdiction
    depts: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    county_depts: dict[str, Department] = field(default_factory=dict)
    county_users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def build(cls) -> World:
        city = jurisdiction("371500", "聊城市", level="city")
        county = jurisdiction("371521", "阳谷县", parent=city)
        w = cls(city=city, county=county)
        for j, depts, users in ((city, w.depts, w.users), (county, w.county_depts, w.county_users)):
            prefix = j.name
            depts["bureau"] = department(j, DepartmentKind.BUREAU, f"{prefix}行政审批服务局")
            depts["reg_a"] = department(j, DepartmentKind.REGULATOR, f"{prefix}市场监督管理局")
            depts["reg_b"] = department(j, DepartmentKind.REGULATOR, f"{prefix}住房和城乡建设局")
            depts["enforcement"] = department(
                j, DepartmentKind.ENFORCEMENT, f"{prefix}综合行政执法局"
            )
            depts["discipline"] = department(j, DepartmentKind.DISCIPLINE, f"{prefix}纪委监委")
            depts["reform"] = department(j, DepartmentKind.REFORM_OFFICE, f"{prefix}审改办")
            depts["gov"] = department(j, DepartmentKind.GOV_OFFICE, f"{prefix}政府办公室")
            tag = j.code
            for role in Role:
                kind = default_kind_for(role)
                dept = {
                    DepartmentKind.BUREAU: depts["bureau"],
                    DepartmentKind.REGULATOR: depts["reg_a"],
                    DepartmentKind.ENFORCEMENT: depts["enforcement"],
                    DepartmentKind.DISCIPLINE: depts["discipline"],
                    DepartmentKind.REFORM_OFFICE: depts["reform"],
                    DepartmentKind.GOV_OFFICE: depts["gov"],
                }[kind]
                users[role.value] = user(dept, role, username=f"{role.value}_{tag}")
            users["reg_b_liaison"] = user(
                depts["reg_b"], Role.REGULATOR_LIAISON, username=f"reg_b_liaison_{tag}"
            )
        return w
