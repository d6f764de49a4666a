"""The organisation API: what each operation does, through the API, checked in the database."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from shenguan.audit.models import AuditEvent
from shenguan.org import services as org
from shenguan.org.models import ApiToken, Department, LiaisonAssignment, User
from shenguan.org.roles import Role
from shenguan.org.services import hash_secret
from shenguan.outbox.models import OutboxEvent

SYS, SEC, AUD = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN


def api(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(f"/api/v1/org/{url}", json.dumps(body), content_type="application/json")


def patch(c, url, body):
    return c.patch(f"/api/v1/org/{url}", json.dumps(body), content_type="application/json")


def get(c, url):
    return c.get(f"/api/v1/org/{url}")


# --- jurisdictions and departments -------------------------------------------------------------


def test_jurisdictions_below_are_visible_to_the_city_admin_only(world):
    city_ids = {j["id"] for j in get(api(world.users[SYS]), "jurisdictions").json()["items"]}
    assert city_ids == {world.city.pk, world.county.pk}
    clerk_ids = {
        j["id"] for j in get(api(world.users[Role.WINDOW_CLERK]), "jurisdictions").json()["items"]
    }
    assert clerk_ids == {world.city.pk}
    r = get(api(world.county_users[SYS]), f"jurisdictions/{world.city.pk}")
    assert r.status_code == 404


def test_department_list_filters_by_jurisdiction_and_kind(world):
    c = api(world.users[SYS])
    items = get(c, f"departments?jurisdiction_id={world.county.pk}&kind=REGULATOR").json()["items"]
    assert {d["id"] for d in items} == {
        world.county_depts["reg_a"].pk,
        world.county_depts["reg_b"].pk,
    }
    page = get(c, "departments?page_size=3&with_total=true").json()
    assert len(page["items"]) == 3 and page["has_next"] and page["total"] == 14


def test_department_create_update_and_detail(world):
    c = api(world.users[SYS])
    r = post(
        c,
        "departments",
        {
            "jurisdiction_id": world.city.pk,
            "name": "  市大数据局 ",
            "kind": "REGULATOR",
            "short_name": "数据局",
        },
    )
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["name"] == "市大数据局" and d["divisions"] == [] and d["current_liaisons"] == []
    assert OutboxEvent.objects.filter(
        event_type="org.department.created", aggregate_id=str(d["id"])
    ).exists()
    r = patch(c, f"departments/{d['id']}", {"short_name": "大数据局", "sort_order": 5})
    assert r.status_code == 200 and r.json()["short_name"] == "大数据局"
    ev = AuditEvent.objects.filter(action="org.department.update", object_id=str(d["id"])).get()
    assert ev.before["short_name"] == "数据局" and ev.after["short_name"] == "大数据局"
    # a duplicate name is a 409 naming the field
    r = patch(c, f"departments/{d['id']}", {"name": world.depts["reg_a"].name})
    assert r.status_code == 409 and r.json()["field"] == "name"
    # null is not "unchanged"
    r = patch(c, f"departments/{d['id']}", {"name": None})
    assert r.status_code == 422 and r.json()["field"] == "name"


def test_a_second_bureau_is_refused(world):
    r = post(
        api(world.users[SYS]),
        "departments",
        {"jurisdiction_id": world.city.pk, "name": "第二审批局", "kind": "BUREAU"},
    )
    assert r.status_code == 409 and r.json()["code"] == "bureau_exists"


def test_county_admin_cannot_create_in_the_city(world):
    before = Department.objects.count()
    r = post(
        api(world.county_users[SYS]),
        "departments",
        {"jurisdiction_id": world.city.pk, "name": "越权局", "kind": "REGULATOR"},
    )
    assert r.status_code == 404
    assert Department.objects.count() == before


def test_divisions_are_created_and_listed_with_the_department(world):
    c = api(world.users[SYS])
    dept = world.depts["reg_a"]
    r = post(c, "divisions", {"department_id": dept.pk, "name": "许可科"})
    assert r.status_code == 201
    assert [d["name"] for d in get(c, f"divisions?department_id={dept.pk}").json()["items"]] == [
        "许可科"
    ]
    assert [d["name"] for d in get(c, f"departments/{dept.pk}").json()["divisions"]] == ["许可科"]


# --- users -----------------------------------------------------------------------------------


def test_user_create_then_roles_by_the_security_admin(world):
    dept = world.depts["reg_a"]
    r = post(
        api(world.users[SYS]),
        "users",
        {
            "username": "li.si",
            "full_name": "李四",
            "department_id": dept.pk,
            "password": "Shenguan#2026-li",
            "phone": "13912345678",
        },
    )
    assert r.status_code == 201, r.content
    u = r.json()
    assert u["roles"] == [] and u["phone"] == "139****5678"
    row = User.objects.get(pk=u["id"])
    assert row.check_password("Shenguan#2026-li") and row.password.startswith(("md5", "argon2"))
    r = post(
        api(world.users[SEC]),
        f"users/{u['id']}/set-roles",
        {"roles": ["inspector", "regulator_liaison"]},
    )
    assert r.status_code == 200 and r.json()["roles"] == ["inspector", "regulator_liaison"]
    ev = AuditEvent.objects.filter(action="org.user.set_roles", object_id=str(u["id"])).get()
    assert ev.before == {"roles": []} and ev.after == {"roles": ["inspector", "regulator_liaison"]}
    assert ev.actor_id == world.users[SEC].pk


def test_a_role_must_fit_the_department_kind(world):
    target = world.users[Role.INSPECTOR]  # a regulator
    r = post(api(world.users[SEC]), f"users/{target.pk}/set-roles", {"roles": ["approver"]})
    assert r.status_code == 422 and r.json()["code"] == "role_department_mismatch"


def test_user_update_and_deactivate(world):
    target = world.users[Role.INSPECTOR]
    c = api(world.users[SYS])
    r = patch(c, f"users/{target.pk}", {"full_name": "王监管", "phone": "0635-8888888"})
    assert r.status_code == 200 and r.json()["full_name"] == "王监管"
    assert r.json()["phone"] == "0635****8888"
    r = patch(c, f"users/{target.pk}", {"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False
    # a deactivated user's session no longer authenticates
    assert get(api(User.objects.get(pk=target.pk)), "departments").status_code == 401


def test_admin_cannot_deactivate_itself(world):
    me = world.users[SYS]
    r = patch(api(me), f"users/{me.pk}", {"is_active": False})
    assert r.status_code == 409 and r.json()["code"] == "self_deactivate"


def test_set_password_by_admin_and_by_oneself(world):
    target = world.users[Role.INSPECTOR]
    r = post(
        api(world.users[SYS]), f"users/{target.pk}/set-password", {"password": "Shenguan#2026-new1"}
    )
    assert r.status_code == 204
    target.refresh_from_db()
    assert target.check_password("Shenguan#2026-new1")
    r = post(api(target), f"users/{target.pk}/set-password", {"password": "Shenguan#2026-new2"})
    assert r.status_code == 204
    # a colleague cannot
    r = post(
        api(world.users["regulator_liaison"]),
        f"users/{target.pk}/set-password",
        {"password": "Shenguan#2026-new3"},
    )
    assert r.status_code == 403


def test_users_outside_ones_department_are_404(world):
    c = api(world.users[Role.INSPECTOR])
    ids = {u["id"] for u in get(c, "users?page_size=500").json()["items"]}
    assert ids == set(
        User.objects.filter(department=world.depts["reg_a"]).values_list("pk", flat=True)
    )
    assert get(c, f"users/{world.users[Role.APPROVER].pk}").status_code == 404


def test_unmasking_needs_the_right_and_is_audited(world):
    org.user_update(actor=None, user=world.users[Role.APPROVER], phone="13700001234")
    clerk = world.users[Role.WINDOW_CLERK]  # holds UNMASK, same department (bureau)
    c = api(clerk)
    masked = get(c, f"users/{world.users[Role.APPROVER].pk}").json()
    assert masked["phone"] == "137****1234"
    full = get(c, f"users/{world.users[Role.APPROVER].pk}?unmask=true").json()
    assert full["phone"] == "13700001234"
    ev = AuditEvent.objects.filter(action="personal.unmask", actor_id=clerk.pk).get()
    assert ev.after["ids"] == [world.users[Role.APPROVER].pk]
    # an inspector has no unmask right
    r = get(api(world.users[Role.INSPECTOR]), "users?unmask=true")
    assert r.status_code == 403 and r.json()["code"] == "forbidden_unmask"


# --- liaison persons -------------------------------------------------------------------------


def test_liaison_history_current_and_end(world):
    c = api(world.users[SYS])
    dept = world.depts["reg_a"]
    first = post(
        c,
        "liaisons",
        {
            "department_id": dept.pk,
            "kind": "liaison",
            "name": "张三",
            "phone": "13800000001",
            "valid_from": "2025-03-01",
        },
    ).json()
    second = post(
        c,
        "liaisons",
        {
            "department_id": dept.pk,
            "kind": "liaison",
            "name": "李四",
            "phone": "13800000002",
            "valid_from": "2026-01-05",
        },
    ).json()
    leader = post(
        c,
        "liaisons",
        {
            "department_id": dept.pk,
            "kind": "leader_in_charge",
            "name": "王局",
            "phone": "13800000003",
            "valid_from": "2025-01-01",
        },
    ).json()
    hist = get(c, f"liaisons?department_id={dept.pk}&kind=liaison").json()["items"]
    assert [(h["name"], h["valid_from"], h["valid_to"]) for h in hist] == [
        ("李四", "2026-01-05", None),
        ("张三", "2025-03-01", "2026-01-05"),
    ]
    on = get(c, f"liaisons?department_id={dept.pk}&on_date=2025-06-01").json()["items"]
    assert {h["name"] for h in on} == {"张三", "王局"}
    detail = get(c, f"departments/{dept.pk}").json()
    assert {la["id"] for la in detail["current_liaisons"]} == (
        {second["id"], leader["id"]}
        if timezone.localdate() >= dt.date(2026, 1, 5)
        else {first["id"], leader["id"]}
    )
    r = post(c, f"liaisons/{leader['id']}/end", {"valid_to": "2024-12-31"})
    assert r.status_code == 422 and r.json()["field"] == "valid_to"
    r = post(c, f"liaisons/{leader['id']}/end", {"valid_to": "2026-02-01"})
    assert r.status_code == 200 and r.json()["valid_to"] == "2026-02-01"
    r = post(c, f"liaisons/{leader['id']}/end", {"valid_to": "2026-02-02"})
    assert r.status_code == 409
    # an appointment dated before the current holder's start is refused
    r = post(
        c,
        "liaisons",
        {
            "department_id": dept.pk,
            "kind": "liaison",
            "name": "赵五",
            "phone": "13800000004",
            "valid_from": "2025-12-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "valid_from"
    assert LiaisonAssignment.objects.filter(department=dept).count() == 3


def test_liaison_phone_is_masked_for_other_departments_too(world):
    org.liaison_appoint(
        actor=None,
        department=world.depts["reg_a"],
        kind="liaison",
        name="张三",
        phone="13800000001",
        valid_from=dt.date(2025, 1, 1),
    )
    items = get(api(world.users[Role.APPROVER]), "liaisons?current=true").json()["items"]
    assert [i["phone"] for i in items] == ["138****0001"]


# --- API tokens ------------------------------------------------------------------------------


def test_token_is_returned_once_and_stored_hashed(world):
    c = api(world.users[SEC])
    r = post(
        c,
        "tokens",
        {
            "department_id": world.depts["reg_a"].pk,
            "name": "市监系统",
            "roles": ["inspector"],
            "expires_in_days": 30,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    plain = body["token"]
    assert plain.startswith(f"sg_{body['prefix']}_")
    row = ApiToken.objects.get(pk=body["id"])
    assert plain not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert row.secret_hash == hash_secret(plain[len("sg_") + 9 :])
    assert "token" not in get(c, f"tokens/{body['id']}").json()
    assert all("token" not in t for t in get(c, "tokens").json()["items"])
    # the audit event does not hold the secret either
    ev = AuditEvent.objects.filter(action="org.token.create", object_id=str(row.pk)).get()
    assert plain[len("sg_") + 9 :] not in json.dumps(ev.after)
    # the token works, then is revoked
    tc = Client()
    assert tc.get("/api/v1/core/whoami", headers={"Authorization": f"Bearer {plain}"}).json()[
        "roles"
    ] == ["inspector"]
    r = post(c, f"tokens/{row.pk}/revoke", {})
    assert r.status_code == 200 and r.json()["active"] is False
    assert (
        tc.get("/api/v1/core/whoami", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 401
    )
    assert post(c, f"tokens/{row.pk}/revoke", {}).status_code == 409


def test_token_list_filters_active(world):
    c = api(world.users[SEC])
    a, _ = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="甲",
        roles={"inspector"},
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    b, _ = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="乙",
        roles={"inspector"},
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    org.token_revoke(actor=None, token=b)
    assert {t["id"] for t in get(c, "tokens?active=true").json()["items"]} == {a.pk}
    assert {t["id"] for t in get(c, "tokens?active=false").json()["items"]} == {b.pk}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["approver"]}, "roles"),  # not a regulator's role
        ({"expires_in_days": 400}, "expires_in_days"),
        ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
    ],
)
def test_token_create_refusals(world, body, field):
    base = {"department_id": world.depts["reg_a"].pk, "name": "系统", "roles": ["inspector"]}
    r = post(api(world.users[SEC]), "tokens", {**base, **body})
    assert r.status_code == 422 and r.json()["field"] == field, r.content
    assert not ApiToken.objects.exists()
