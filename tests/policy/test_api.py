"""The policy API under /api/v1/policy/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.org import services as org
from shenguan.org.roles import Role
from shenguan.policy.models import PolicyProfile
from shenguan.policy.params import PolicyParams

BASE = "/api/v1/policy"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def put(c, url, body):
    return c.put(url, body, content_type="application/json")


def post(c, url, body):
    return c.post(url, body, content_type="application/json")


@pytest.mark.django_db
def test_read_profiles(world):
    assert Client().get(f"{BASE}/profiles").status_code == 401
    c = client_for(world.users["regulator_liaison"])
    r = c.get(f"{BASE}/profiles")
    assert r.status_code == 200
    assert {p["code"] for p in r.json()} >= {
        "wuhai-2018",
        "laiyang-2018",
        "liaocheng-2021",
        "yiyang-2023",
        "dalate-2023",
    }
    r = c.get(f"{BASE}/profiles/liaocheng-2021")
    body = r.json()
    params = {p["param"]: p for p in body["params"]}
    assert len(params) == len(PolicyParams.model_fields) == 36
    assert params["claim_window_days"]["value"] == 2
    assert params["claim_window_days"]["title"] == "监管部门认领时限（工作日）"
    assert params["claim_window_days"]["display"] == "2 个工作日"
    assert params["claim_window_days"]["source"].startswith("002 §17(一)")
    assert body["jurisdictions"] == ["371500"]  # the county is not visible to a city liaison
    assert c.get(f"{BASE}/profiles/no-such").status_code == 404
    token = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="监管系统",
        roles={Role.REGULATOR_LIAISON},
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )[1]
    r = Client().get(f"{BASE}/jurisdictions/371500", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["profile"] == "liaocheng-2021"
    assert r.json()["params"]["credit_push_days"] == 7
    r = Client().get(f"{BASE}/jurisdictions/371521", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404  # another jurisdiction


@pytest.mark.django_db
def test_clone_edit_history_assign_recompute(world, purpose):
    from shenguan.policy.services import deadline_open_by_policy

    c = client_for(world.users["system_admin"])
    r = post(
        c,
        f"{BASE}/profiles/liaocheng-2021/clone",
        {"code": "liaocheng-county", "name": "阳谷县配置"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["based_on"] == "liaocheng-2021" and r.json()["version"] == 1
    assert all(p["source"] == "" for p in r.json()["params"])  # not a built-in
    r = post(c, f"{BASE}/profiles/liaocheng-2021/clone", {"code": "liaocheng-county", "name": "x"})
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = put(c, f"{BASE}/profiles/liaocheng-2021/params", {"params": {"claim_window_days": 3}})
    assert r.status_code == 409 and r.json()["code"] == "builtin_readonly"
    r = post(c, f"{BASE}/profiles/liaocheng-county/assign", {"jurisdiction": "371521"})
    assert r.status_code == 200 and r.json()["profile"] == "liaocheng-county"
    start = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    d = deadline_open_by_policy(
        jurisdiction_id=world.county.pk,
        subject_type="t",
        subject_id=1,
        purpose=purpose,
        start_at=start,
    )
    r = put(
        c,
        f"{BASE}/profiles/liaocheng-county/params",
        {"params": {"claim_window_days": 4, "credit_push_days": None}, "note": "测试"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2
    d.refresh_from_db()
    assert d.budget_days == 2  # not moved by the edit
    r = c.get(f"{BASE}/profiles/liaocheng-county/versions")
    [v2, v1] = r.json()
    assert v2["current"] and v2["note"] == "测试"
    assert not v1["current"] and v1["changes"] == [] and v1["params"]["claim_window_days"] == 2
    assert {ch["param"]: (ch["before"], ch["after"]) for ch in v2["changes"]} == {
        "claim_window_days": (2, 4),
        "credit_push_days": (7, None),
    }
    r = post(c, f"{BASE}/profiles/liaocheng-county/recompute", {"dry_run": True})
    assert r.json() == {
        "dry_run": True,
        "version": 2,
        "candidates": 1,
        "rebudgeted": 1,
        "changed": None,
    }
    d.refresh_from_db()
    assert d.budget_days == 2
    r = post(c, f"{BASE}/profiles/liaocheng-county/recompute", {})
    assert r.json()["changed"] == 1
    d.refresh_from_db()
    assert (d.budget_days, d.due_date) == (4, dt.date(2026, 11, 27))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"params": {"claim_window_days": 99}}, "claim_window_days", 422),
        ({"params": {"yellow_threshold": "high"}}, "yellow_threshold", 422),
        ({"params": {"made_up": 1}}, "made_up", 422),
        ({"params": "x"}, "params", 422),
        ({}, "params", 422),
    ],
)
def test_bad_parameters_answer_422_naming_the_parameter(world, custom, body, field, status):
    r = put(client_for(world.users["system_admin"]), f"{BASE}/profiles/{custom.code}/params", body)
    assert r.status_code == status and r.json()["field"] == field, r.content
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert custom.versions.count() == 1


@pytest.mark.django_db
def test_only_policy_administrators_write(world, custom):
    for role in ("approver", "regulator_leader", "security_admin", "audit_admin", "reform_staff"):
        c = client_for(world.users[role])
        assert (
            post(
                c,
                f"{BASE}/profiles/wuhai-2018/clone",
                {"code": "x-" + role.replace("_", "-"), "name": "x"},
            ).status_code
            == 403
        )
        assert (
            put(
                c, f"{BASE}/profiles/{custom.code}/params", {"params": {"claim_window_days": 3}}
            ).status_code
            == 403
        )
        assert (
            post(c, f"{BASE}/profiles/wuhai-2018/assign", {"jurisdiction": "371500"}).status_code
            == 403
        )
        assert post(c, f"{BASE}/profiles/{custom.code}/recompute", {}).status_code == 403
    assert PolicyProfile.objects.count() == 6
    assert not AuditEvent.objects.filter(action__in=["policy.update", "policy.recompute"]).exists()
    # A county administrator cannot reach the city.
    c = client_for(world.county_users["system_admin"])
    r = post(c, f"{BASE}/profiles/wuhai-2018/assign", {"jurisdiction": "371500"})
    assert r.status_code == 404
    r = post(c, f"{BASE}/profiles/wuhai-2018/assign", {"jurisdiction": "37150"})
    assert r.status_code == 422
