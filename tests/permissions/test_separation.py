"""三权分立: the system, security and audit administrators each do only their own work, on every
API operation and page, and nobody grants roles to themselves."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from shenguan.audit.models import AuditEvent
from shenguan.org import services as org
from shenguan.org.models import RoleAssignment, User
from shenguan.org.roles import Role

SYS, SEC, AUD = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(matrix_world, db):
    """The matrix world (built once per module) plus a liaison and a token to act on."""
    users = {
        a.label.split(":", 1)[1]: a.principal
        for a in matrix_world.actors
        if a.kind == "user" and a.label.startswith("city:")
    }
    w = SimpleNamespace(city=matrix_world.city, depts=matrix_world.depts, users=users)
    w.liaison = org.liaison_appoint(
        actor=None,
        department=w.depts["reg_a"],
        kind="liaison",
        name="赵六",
        phone="13900001111",
        valid_from=dt.date(2025, 1, 1),
    )
    w.token, _ = org.token_create(
        actor=None,
        department=w.depts["reg_a"],
        name="监管系统",
        roles={Role.INSPECTOR},
        expires_at=timezone.now() + dt.timedelta(days=10),
    )
    w.target = w.users["reg_b_liaison"]  # an ordinary account nobody here is
    return w


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# (name, method, url(w), json body(w) or form data(w)) — every write of the org API and pages
API_WRITES = {
    "user.create": (
        "post",
        lambda w: "/api/v1/org/users",
        lambda w: {
            "username": "brand_new",
            "full_name": "新人",
            "password": "Shenguan#2026-new",
            "department_id": w.depts["reg_a"].pk,
        },
    ),
    "user.update": (
        "patch",
        lambda w: f"/api/v1/org/users/{w.target.pk}",
        lambda w: {"full_name": "改名"},
    ),
    "user.set_password": (
        "post",
        lambda w: f"/api/v1/org/users/{w.target.pk}/set-password",
        lambda w: {"password": "Shenguan#2026-reset"},
    ),
    "user.set_roles": (
        "post",
        lambda w: f"/api/v1/org/users/{w.target.pk}/set-roles",
        lambda w: {"roles": ["inspector", "regulator_liaison"]},
    ),
    "department.create": (
        "post",
        lambda w: "/api/v1/org/departments",
        lambda w: {"jurisdiction_id": w.city.pk, "name": "新局", "kind": "REGULATOR"},
    ),
    "department.update": (
        "patch",
        lambda w: f"/api/v1/org/departments/{w.depts['reg_a'].pk}",
        lambda w: {"short_name": "市监"},
    ),
    "division.create": (
        "post",
        lambda w: "/api/v1/org/divisions",
        lambda w: {"department_id": w.depts["reg_a"].pk, "name": "新科"},
    ),
    "jurisdiction.create": (
        "post",
        lambda w: "/api/v1/org/jurisdictions",
        lambda w: {"code": "371522", "name": "莘县", "level": "county", "parent_id": w.city.pk},
    ),
    "liaison.appoint": (
        "post",
        lambda w: "/api/v1/org/liaisons",
        lambda w: {
            "department_id": w.depts["reg_a"].pk,
            "kind": "liaison",
            "name": "钱七",
            "phone": "13900002222",
            "valid_from": "2026-01-01",
        },
    ),
    "liaison.end": (
        "post",
        lambda w: f"/api/v1/org/liaisons/{w.liaison.pk}/end",
        lambda w: {"valid_to": "2026-06-01"},
    ),
    "token.create": (
        "post",
        lambda w: "/api/v1/org/tokens",
        lambda w: {"department_id": w.depts["reg_a"].pk, "name": "新系统", "roles": ["inspector"]},
    ),
    "token.revoke": ("post", lambda w: f"/api/v1/org/tokens/{w.token.pk}/revoke", lambda w: {}),
}

OWNER = {
    "user.create": SYS,
    "user.update": SYS,
    "user.set_password": SYS,
    "department.create": SYS,
    "department.update": SYS,
    "division.create": SYS,
    "jurisdiction.create": SYS,
    "liaison.appoint": SYS,
    "liaison.end": SYS,
    "user.set_roles": SEC,
    "token.create": SEC,
    "token.revoke": SEC,
}


@pytest.mark.parametrize("op", sorted(API_WRITES))
@pytest.mark.parametrize("role", [SYS, SEC, AUD])
def test_each_api_write_belongs_to_exactly_one_administrator(w, op, role):
    method, url, body = API_WRITES[op]
    c = client_for(w.users[role])
    r = getattr(c, method)(url(w), body(w), content_type="application/json")
    if OWNER[op] == role:
        assert r.status_code in (200, 201, 204), (op, role, r.content)
    elif op == "token.revoke" and role == SYS:
        assert r.status_code == 404, (op, role, r.status_code)  # tokens are not in its view
    else:
        assert r.status_code == 403, (op, role, r.status_code, r.content)
        ev = AuditEvent.objects.filter(outcome="denied", actor_id=w.users[role].pk).first()
        assert ev is not None  # the denied attempt is audited


@pytest.mark.parametrize("role", [r for r in Role if r not in (SYS, SEC, AUD)])
def test_business_roles_can_do_no_administration(w, role):
    c = client_for(w.users[role])
    for op, (method, url, body) in API_WRITES.items():
        r = getattr(c, method)(url(w), body(w), content_type="application/json")
        # another department's object is 404; everything else visible is 403
        assert r.status_code in (403, 404), (role, op, r.status_code)


PAGES = {
    # url -> owner role(s) for GET
    "/org/users/": {SYS, SEC},
    "/org/users/new/": {SYS},
    "/org/roles/": {SEC},
    "/org/tokens/": {SEC, AUD},
    "/org/tokens/new/": {SEC},
    "/org/lockouts/": {SEC},
    "/org/departments/new/": {SYS},
    "/org/jurisdictions/new/": {SYS},
    "/org/liaisons/new/": {SYS},
    "/org/import/": {SYS, SEC},
    "/audit/": {AUD},
    "/audit/export.csv": {AUD},
}


@pytest.mark.parametrize("url", sorted(PAGES))
@pytest.mark.parametrize("role", [SYS, SEC, AUD])
def test_each_admin_page_opens_for_its_owner_only(w, url, role):
    r = client_for(w.users[role]).get(url)
    assert r.status_code == (200 if role in PAGES[url] else 403), (url, role, r.status_code)


@pytest.mark.parametrize("role", [SYS, SEC, AUD])
def test_detail_pages_of_the_administrators(w, role):
    c = client_for(w.users[role])
    pages = {
        f"/org/users/{w.target.pk}/": {SYS},
        f"/org/users/{w.target.pk}/password/": {SYS},
        f"/org/users/{w.target.pk}/roles/": {SEC},
        f"/org/departments/{w.depts['reg_a'].pk}/edit/": {SYS},
        f"/org/liaisons/{w.liaison.pk}/end/": {SYS},
        f"/org/tokens/{w.token.pk}/": {SEC, AUD},
        f"/org/tokens/{w.token.pk}/revoke/": {SEC},
    }
    for url, owners in pages.items():
        assert c.get(url).status_code == (200 if role in owners else 403), (url, role)


def test_page_posts_are_refused_to_the_other_administrators(w):
    sec, aud, sys_ = (client_for(w.users[r]) for r in (SEC, AUD, SYS))
    # security and audit administrators cannot create accounts or edit departments
    for c in (sec, aud):
        r = c.post(
            "/org/users/new/",
            {
                "username": "x1",
                "full_name": "x",
                "department": w.depts["reg_a"].pk,
                "password1": "Shenguan#2026-x",
                "password2": "Shenguan#2026-x",
            },
        )
        assert r.status_code == 403
        r = c.post(f"/org/departments/{w.depts['reg_a'].pk}/edit/", {"name": "改", "sort_order": 1})
        assert r.status_code == 403
    assert not User.objects.filter(username="x1").exists()
    # the system and audit administrators cannot grant roles or revoke tokens
    for c in (sys_, aud):
        r = c.post(
            f"/org/users/{w.target.pk}/roles/", {"roles": ["inspector", "regulator_liaison"]}
        )
        assert r.status_code == 403
        assert c.post(f"/org/tokens/{w.token.pk}/revoke/", {"confirm": "on"}).status_code == 403
        assert c.post("/org/lockouts/unlock/", {"username": w.target.username}).status_code == 403
    roles = set(w.target.role_assignments.values_list("role", flat=True))
    assert roles == {Role.REGULATOR_LIAISON}


def test_nobody_grants_roles_to_themselves_api(w):
    sec = w.users[SEC]
    r = client_for(sec).post(
        f"/api/v1/org/users/{sec.pk}/set-roles",
        {"roles": ["system_admin"]},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "self_grant"
    assert set(RoleAssignment.objects.filter(user=sec).values_list("role", flat=True)) == {SEC}


def test_nobody_grants_roles_to_themselves_page(w):
    sec = w.users[SEC]
    c = client_for(sec)
    page = c.get(f"/org/users/{sec.pk}/roles/")
    assert page.status_code == 200 and "不能修改自己的角色" in page.content.decode()
    r = c.post(f"/org/users/{sec.pk}/roles/", {"roles": ["security_admin"]})
    assert r.status_code == 200 and "不能修改自己的角色" in r.content.decode()
    assert set(RoleAssignment.objects.filter(user=sec).values_list("role", flat=True)) == {SEC}
    assert AuditEvent.objects.filter(outcome="denied", actor_id=sec.pk).exists()


@pytest.mark.parametrize(
    "roles",
    [{SYS, SEC}, {SEC, AUD}, {SYS, AUD}, {AUD, Role.APPROVER}, {SYS, Role.WINDOW_CLERK}],
)
def test_administrator_roles_are_exclusive(w, roles):
    target = w.users[Role.APPROVER]
    r = client_for(w.users[SEC]).post(
        f"/api/v1/org/users/{target.pk}/set-roles",
        {"roles": sorted(roles)},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "separation_of_duties" and body["field"] == "roles"
    assert "三权分立" in body["message"]
    assert set(target.role_assignments.values_list("role", flat=True)) == {Role.APPROVER}


def test_the_rule_is_shown_on_the_role_pages(w):
    c = client_for(w.users[SEC])
    for url in ("/org/roles/", f"/org/users/{w.target.pk}/roles/"):
        assert "三权分立" in c.get(url).content.decode()


@pytest.mark.parametrize("other", [SEC, AUD])
def test_system_admin_cannot_take_over_another_administrators_account(w, other):
    victim = w.users[other]
    c = client_for(w.users[SYS])
    r = c.post(
        f"/api/v1/org/users/{victim.pk}/set-password",
        {"password": "Shenguan#2026-owned"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "separation_of_duties"
    r = c.patch(
        f"/api/v1/org/users/{victim.pk}", {"is_active": False}, content_type="application/json"
    )
    assert r.status_code == 403
    victim.refresh_from_db()
    assert victim.is_active and victim.check_password("Shenguan#2026")
    # the page refuses too, with the rule on the form
    r = c.post(
        f"/org/users/{victim.pk}/password/",
        {"password1": "Shenguan#2026-owned", "password2": "Shenguan#2026-owned"},
    )
    assert "三权分立" in r.content.decode()
    victim.refresh_from_db()
    assert victim.check_password("Shenguan#2026")


def test_tokens_cannot_carry_administrator_roles(w):
    r = client_for(w.users[SEC]).post(
        "/api/v1/org/tokens",
        {"department_id": w.depts["reg_a"].pk, "name": "后门", "roles": ["system_admin"]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "roles"


def test_a_deactivated_administrator_can_do_nothing(w):
    sec = w.users[SEC]
    c = client_for(sec)
    org.user_update(actor=w.users[SYS], user=w.users[Role.INSPECTOR], full_name="甲")
    User.objects.filter(pk=sec.pk).update(is_active=False)  # as if deactivated by the CLI
    r = c.post(
        f"/api/v1/org/users/{w.target.pk}/set-roles",
        {"roles": ["inspector"]},
        content_type="application/json",
    )
    assert r.status_code == 401


IMPORT_OWNER = {"departments": SYS, "users": SYS, "liaisons": SYS, "roles": SEC}


@pytest.mark.parametrize("kind", sorted(IMPORT_OWNER))
@pytest.mark.parametrize("role", [SYS, SEC, AUD])
def test_each_organisation_import_belongs_to_exactly_one_administrator(w, kind, role):
    from tests.org.test_imports import USER_HEADERS, xlsx

    sheet = xlsx(USER_HEADERS, [])
    c = client_for(w.users[role])
    r = c.post(f"/api/v1/org/import/{kind}", {"file": sheet, "dry_run": "true"})
    template = c.get(f"/api/v1/org/import/{kind}/template")
    if IMPORT_OWNER[kind] == role:
        assert r.status_code in (200, 422), (kind, role, r.content)  # the file is checked
        assert template.status_code == 200
    else:
        assert r.status_code == 403, (kind, role, r.status_code)
        assert template.status_code == 403
        assert AuditEvent.objects.filter(outcome="denied", actor_id=w.users[role].pk).exists()
