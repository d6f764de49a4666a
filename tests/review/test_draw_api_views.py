"""The expert pool and draws over HTTP: phones masked, the bureau draws for its case, declines
draw replacements, the audit administrator replays; pages render with their forms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from shenguan.review.models import DrawnExpert, ExpertDraw

from .test_draws import legal_case, pool

pytestmark = pytest.mark.django_db
API = "/api/v1/review"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, data=json.dumps(body), content_type="application/json")


def test_pool_and_draw_through_the_api(lk, steps):
    world = lk.extra["world"]
    keeper = client(lk.users["regulator_liaison"])
    body = {
        "name": "钱工",
        "title": "associate",
        "employer": "聊城市建筑设计院",
        "phone": "13806359999",
        "review_due": (dt.date.today() + dt.timedelta(days=200)).isoformat(),
        "specialities": ["消防"],
    }
    r = post(keeper, f"{API}/experts", body)
    assert r.status_code == 201, r.content
    assert r.json()["phone"] == "138****9999" and r.json()["specialities"] == ["fire"]
    bad = post(keeper, f"{API}/experts", {**body, "specialities": ["占卜"]})
    assert bad.status_code == 422 and bad.json()["field"] == "specialities"
    assert post(client(lk.users["inspector"]), f"{API}/experts", body).status_code == 403
    pool(lk, n=6, specs=("fire",))
    rec = legal_case(lk)
    approver = client(lk.users["approver"])
    r = post(
        approver,
        f"{API}/draws",
        {"record_id": rec.pk, "needs": {"fire": 2}, "purpose": "消防专家评审"},
    )
    assert r.status_code == 201, r.content
    d = r.json()
    assert len(d["members"]) == 2 and len(d["candidates"]["fire"]) == 7
    m = d["members"][0]
    r = post(
        approver,
        f"{API}/draws/{d['id']}/members/{m['id']}/respond",
        {"accept": False, "reason": "回避"},
    )
    assert r.status_code == 200 and len(r.json()["members"]) == 3
    url = f"{API}/draws/{d['id']}/members/{m['id']}/respond"
    assert post(keeper, url, {"accept": True}).status_code == 404
    auditor = client(world.users["audit_admin"])
    replay = auditor.get(f"{API}/draws/{d['id']}/replay")
    assert replay.status_code == 200 and replay.json()["matches"] is True
    assert approver.get(f"{API}/draws/{d['id']}/replay").status_code == 403
    assert client(world.users["reg_b_liaison"]).get(f"{API}/draws/{d['id']}").status_code == 404


def test_pages_of_the_pool_and_a_draw(lk, steps):
    pool(lk, n=4, specs=("fire",))
    rec = legal_case(lk)
    approver = client(lk.users["approver"])
    page = approver.get(f"/linkage/records/{rec.pk}/").content.decode()
    assert 'data-testid="draw-form"' in page
    r = approver.post(
        f"/review/records/{rec.pk}/draw",
        {"purpose": "消防评审", "need_fire": "2", "related_usccs": ""},
    )
    assert r.status_code == 302
    d = ExpertDraw.objects.get(record=rec)
    member = DrawnExpert.objects.filter(draw=d).first()
    r = approver.post(
        f"/review/draws/{d.pk}/members/{member.pk}", {"action": "decline", "reason": "出差"}
    )
    assert r.status_code == 302 and DrawnExpert.objects.filter(draw=d).count() == 3
    page = approver.get(f"/review/draws/{d.pk}/").content.decode()
    assert d.seed in page and "补抽" in page
    auditor = client(lk.extra["world"].users["audit_admin"])
    assert (
        'data-testid="replay-result"'
        in auditor.get(f"/review/draws/{d.pk}/?replay=1").content.decode()
    )
    liaison = client(lk.users["bureau_liaison"])
    assert liaison.get("/review/experts/").status_code == 200
    expert = member.expert
    detail = liaison.get(f"/review/experts/{expert.pk}/").content.decode()
    assert expert.phone not in detail and expert.name in detail
