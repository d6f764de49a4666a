"""The oversight API: writes through the services (explain, review, start supervision), the
indicators scoped by role, bad input answered 4xx with the field named, nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from shenguan.linkage import services as lsvc
from shenguan.oversight.models import Alert, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .helpers import approve, at, push_of

pytestmark = pytest.mark.django_db
API = "/api/v1/oversight"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def red(lk):
    rec = approve(lk, lk.food, when=at(2026, 3, 2, 10))
    monitor_sweep(since=at(2026, 3, 1))
    return Alert.objects.get(object_id=push_of(rec, lk.reg_a).pk, level="red")


def test_explain_and_review_through_the_api(lk, red):
    world = lk.extra["world"]
    liaison, other = client(world.users["regulator_liaison"]), client(world.users["reg_b_liaison"])
    r = post(liaison, f"{API}/alerts/{red.pk}/explain", {"explanation": ""})
    assert r.status_code == 422 and r.json()["field"] == "explanation"
    assert post(other, f"{API}/alerts/{red.pk}/explain", {"explanation": "x"}).status_code == 404
    r = post(liaison, f"{API}/alerts/{red.pk}/explain", {"explanation": "系统故障未收到提醒"})
    assert r.status_code == 200 and r.json()["explanation"] == "系统故障未收到提醒"
    assert r.json()["kind_label"] == "监管部门认领推送信息"
    r = post(liaison, f"{API}/alerts/{red.pk}/review", {"review": "verified"})
    assert r.status_code == 403
    d = client(world.users["discipline_inspector"])
    r = post(d, f"{API}/alerts/{red.pk}/review", {"review": "excused", "note": ""})
    assert r.status_code == 422 and r.json()["field"] == "review_note"
    r = post(d, f"{API}/alerts/{red.pk}/review", {"review": "excused", "note": "系统故障属实"})
    assert r.status_code == 200 and r.json()["review"] == "excused"
    assert post(d, f"{API}/alerts/{red.pk}/review", {"review": "verified"}).status_code == 409
    r = liaison.get(f"{API}/alerts?level=red&open=true")
    assert [a["id"] for a in r.json()["items"]] == [red.pk]
    assert other.get(f"{API}/alerts").json()["items"] == []


def test_start_supervision_through_the_api(lk):
    world = lk.extra["world"]
    rec = approve(lk, lk.food)
    p = push_of(rec, lk.reg_a)
    lsvc.push_claim(actor=world.users["regulator_liaison"], push=p)
    monitor_sweep()
    t = SupervisionTask.objects.get(push=p)
    inspector = client(world.users["inspector"])
    r = post(inspector, f"{API}/supervision/{t.pk}/start", {"kind": "no_inspection", "note": ""})
    assert r.status_code == 422 and r.json()["field"] == "start_note"
    r = post(inspector, f"{API}/supervision/{t.pk}/start", {"kind": "inspection"})
    assert r.status_code == 200 and r.json()["state"] == "started"
    assert r.json()["start_late"] is False
    r = post(inspector, f"{API}/supervision/{t.pk}/start", {"kind": "inspection"})
    assert r.status_code == 409


def test_indicators_show_every_department_to_the_dashboard_roles_only(lk, red):
    world = lk.extra["world"]
    url = f"{API}/indicators?period_start=2026-01-01&period_end=2026-03-31"
    head = client(world.users["bureau_head"]).get(url).json()
    depts = {r["department_id"] for r in head["rows"]}
    assert {lk.bureau.pk, lk.reg_a.pk, lk.reg_b.pk} <= depts
    a = next(r for r in head["rows"] if r["department_id"] == lk.reg_a.pk)
    assert a["pushes_received"] == 1 and a["unclaimed_overdue"] == 1
    own = client(world.users["regulator_liaison"]).get(url).json()
    assert [r["department_id"] for r in own["rows"]] == [lk.reg_a.pk]
    admin = client(world.users["system_admin"]).get(url).json()
    assert admin["rows"] == []
    county = world.county.pk
    d = client(world.users["discipline_inspector"])
    assert d.get(f"{url}&jurisdiction_id={county}").status_code == 200
    c = client(world.county_users["discipline_inspector"])
    assert c.get(f"{url}&jurisdiction_id={lk.j.pk}").status_code == 404
    r = d.get(f"{API}/indicators?period_start=2026-03-31&period_end=2026-01-01")
    assert r.status_code == 422 and r.json()["field"] == "period_end"
    r = d.get(f"{API}/indicators?period_start=2020-01-01&period_end=2026-01-01")
    assert r.status_code == 422


def test_bulletin_json_and_xlsx(lk, red):
    from shenguan.oversight import services as osvc

    world = lk.extra["world"]
    reform = world.users["reform_staff"]
    b = osvc.bulletin_generate(
        actor=reform, jurisdiction=lk.j, period_start=dt.date(2026, 1, 1), as_of=at(2026, 4, 1)
    )
    liaison = client(world.users["regulator_liaison"])
    assert liaison.get(f"{API}/bulletins/{b.pk}").status_code == 404  # a draft
    body = client(reform).get(f"{API}/bulletins/{b.pk}").json()
    assert body["state"] == "draft" and any(r["department_id"] == lk.reg_a.pk for r in body["rows"])
    osvc.bulletin_review(actor=reform, bulletin=b, remarks="ok")
    osvc.bulletin_publish(actor=reform, bulletin=b)
    r = liaison.get(f"{API}/bulletins/{b.pk}/xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert liaison.get(f"{API}/bulletins?state=published").json()["items"][0]["id"] == b.pk
