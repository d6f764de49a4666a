"""Permission-matrix cases of the organisation: API and pages (see registry.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shenguan.org import services as org
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import Role

from .registry import (
    Case,
    api_items_contain,
    business_role_for,
    data_id,
    in_reach,
    link_to,
    register,
    text_contains,
    unique,
    users_only,
)

SYS, SEC, AUD = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN
API = "/api/v1/org"


# --- object factories: each makes an object owned by `dept` ----------------------------------


def make_jurisdiction(world, dept):
    return dept.jurisdiction


def make_department(world, dept):
    return dept


def make_division(world, dept):
    return org.division_create(actor=None, department=dept, name=unique("矩阵科"))


def make_user(world, dept):
    return org.user_create(
        actor=None,
        username=unique("matrix_u"),
        full_name="矩阵用户",
        department=dept,
        password="Shenguan#2026-matrix",
    )


def make_liaison(world, dept):
    return org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name=unique("联络员"),
        phone="13800138000",
        valid_from=dt.date(2025, 1, 1),
    )


def make_token(world, dept):
    tok, _ = org.token_create(
        actor=None,
        department=dept,
        name=unique("矩阵系统"),
        roles={business_role_for(dept)},
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return tok


# --- scope rules -----------------------------------------------------------------------------


def directory_visible(actor, obj, world):
    """Jurisdictions, departments, divisions and liaisons: the jurisdiction rule only."""
    if isinstance(obj, Jurisdiction):
        return in_reach(actor, obj)
    if isinstance(obj, Department):
        return in_reach(actor, obj.jurisdiction)
    return in_reach(actor, obj.department.jurisdiction)  # divisions, liaisons


def user_visible(actor, obj, world):
    """Administrators see accounts in their reach; everyone else their own department's."""
    if actor.has(SYS, SEC, AUD):
        return in_reach(actor, obj.department.jurisdiction)
    return obj.department_id == actor.department.pk


def token_visible(actor, obj, world):
    """The security and audit administrators see tokens in their reach; nobody else."""
    return actor.has(SEC, AUD) and in_reach(actor, obj.department.jurisdiction)


def lockout_visible(actor, obj, world):
    """The security administrator sees login failures of accounts in its reach."""
    return actor.has(SEC) and in_reach(actor, obj.department.jurisdiction)


def holds(*roles):
    def allowed(actor) -> bool:
        return actor.kind == "user" and actor.has(*roles)

    return allowed


# --- API -------------------------------------------------------------------------------------

for name, path, make in (
    ("jurisdiction", "jurisdictions", make_jurisdiction),
    ("department", "departments", make_department),
    ("liaison", "liaisons", make_liaison),
):
    register(
        Case(
            name=f"org.api.{name}.list",
            kind="list",
            channel="api",
            url=lambda o, p=path: f"{API}/{p}?page_size=500",
            make=make,
            visible=directory_visible,
            present=api_items_contain(),
        )
    )
    register(
        Case(
            name=f"org.api.{name}.detail",
            kind="detail",
            channel="api",
            url=lambda o, p=path: f"{API}/{p}/{o.pk}",
            make=make,
            visible=directory_visible,
        )
    )

register(
    Case(
        name="org.api.division.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/divisions?page_size=500",
        make=make_division,
        visible=directory_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="org.api.user.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/users?q={o.username}",
        make=make_user,
        visible=user_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="org.api.user.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/users/{o.pk}",
        make=make_user,
        visible=user_visible,
    )
)
register(
    Case(
        name="org.api.token.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/tokens?page_size=500",
        make=make_token,
        visible=token_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="org.api.token.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/tokens/{o.pk}",
        make=make_token,
        visible=token_visible,
    )
)

# --- pages -----------------------------------------------------------------------------------

register(
    Case(
        name="org.page.department.list",
        kind="list",
        channel="page",
        url=lambda o: f"/org/departments/?q={o.name}",
        make=make_department,
        visible=directory_visible,
        allowed=users_only,
        present=link_to("org:department_detail"),
    )
)
register(
    Case(
        name="org.page.department.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/departments/{o.pk}/",
        make=make_department,
        visible=directory_visible,
        allowed=users_only,
    )
)
register(
    Case(
        name="org.page.department.edit",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/departments/{o.pk}/edit/",
        make=make_department,
        visible=directory_visible,
        allowed=holds(SYS),
    )
)
register(
    Case(
        name="org.page.liaison.list",
        kind="list",
        channel="page",
        url=lambda o: "/org/liaisons/?history=on",
        make=make_liaison,
        visible=directory_visible,
        allowed=users_only,
        present=text_contains(data_id),
    )
)
register(
    Case(
        name="org.page.liaison.end",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/liaisons/{o.pk}/end/",
        make=make_liaison,
        visible=directory_visible,
        allowed=holds(SYS),
    )
)
register(
    Case(
        name="org.page.user.list",
        kind="list",
        channel="page",
        url=lambda o: f"/org/users/?q={o.username}",
        make=make_user,
        visible=user_visible,
        allowed=holds(SYS, SEC),
        present=text_contains(data_id),
    )
)
register(
    Case(
        name="org.page.user.edit",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/users/{o.pk}/",
        make=make_user,
        visible=user_visible,
        allowed=holds(SYS),
    )
)
register(
    Case(
        name="org.page.user.password",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/users/{o.pk}/password/",
        make=make_user,
        visible=user_visible,
        allowed=holds(SYS),
    )
)
register(
    Case(
        name="org.page.role.list",
        kind="list",
        channel="page",
        url=lambda o: f"/org/roles/?q={o.username}",
        make=make_user,
        visible=user_visible,
        allowed=holds(SEC),
        present=text_contains(data_id),
    )
)
register(
    Case(
        name="org.page.user.roles",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/users/{o.pk}/roles/",
        make=make_user,
        visible=user_visible,
        allowed=holds(SEC),
    )
)
register(
    Case(
        name="org.page.token.list",
        kind="list",
        channel="page",
        url=lambda o: "/org/tokens/?show=all",
        make=make_token,
        visible=token_visible,
        allowed=holds(SEC, AUD),
        present=link_to("org:token_detail"),
    )
)
register(
    Case(
        name="org.page.token.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/tokens/{o.pk}/",
        make=make_token,
        visible=token_visible,
        allowed=holds(SEC, AUD),
    )
)
register(
    Case(
        name="org.page.token.revoke",
        kind="detail",
        channel="page",
        url=lambda o: f"/org/tokens/{o.pk}/revoke/",
        make=make_token,
        visible=token_visible,
        allowed=holds(SEC),
    )
)


def make_lockout(world, dept):
    """A user of the department with five failed logins recorded by django-axes."""
    from axes.models import AccessAttempt

    u = make_user(world, dept)
    AccessAttempt.objects.create(
        username=u.username,
        ip_address="10.0.0.9",
        user_agent="matrix",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    return u


register(
    Case(
        name="org.page.lockout.list",
        kind="list",
        channel="page",
        url=lambda o: f"/org/lockouts/?q={o.username}",
        make=make_lockout,
        visible=lockout_visible,
        allowed=holds(SEC),
        present=text_contains(lambda o: f'name="username" value="{o.username}"'),
    )
)
