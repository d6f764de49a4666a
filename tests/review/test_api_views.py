"""The review API and pages: the whole flow request → claim → opinion → claim → decision through
HTTP, scoping (another regulator gets 404), bad input answered 4xx with the field, nothing
written; the case page shows the panel and the timeline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from shenguan.linkage.models import ApprovalRecord, Push
from shenguan.review.models import OpinionRequest

pytestmark = pytest.mark.django_db
API = "/api/v1/review"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, data=json.dumps(body), content_type="application/json")


def test_flow_through_the_api(lk, case):
    world = lk.extra["world"]
    approver, liaison = client(lk.users["approver"]), client(lk.users["regulator_liaison"])
    other = client(world.users["reg_b_liaison"])
    r = post(approver, f"{API}/requests", {"record_id": case.pk, "step_kind": "听证"})
    assert r.status_code == 422 and r.json()["field"] == "step_kind"
    r = post(approver, f"{API}/requests", {"record_id": case.pk, "step_kind": "现场勘验"})
    assert r.status_code == 201, r.content
    req = r.json()
    assert req["state"] == "requested" and req["department_id"] == lk.reg_a.pk
    assert other.get(f"{API}/requests/{req['id']}").status_code == 404
    assert other.get(f"{API}/requests").json()["items"] == []
    assert [x["id"] for x in liaison.get(f"{API}/requests?state=requested").json()["items"]] == [
        req["id"]
    ]
    body = {
        "conclusion": "agree",
        "performers": "李勘验",
        "signing_leader": "赵局长",
        "opinion_date": dt.date.today().isoformat(),
    }
    assert post(other, f"{API}/requests/{req['id']}/answer", body).status_code == 404
    bad = post(liaison, f"{API}/requests/{req['id']}/answer", {**body, "signing_leader": ""})
    assert bad.status_code == 422 and bad.json()["field"] == "signing_leader"
    assert OpinionRequest.objects.get(pk=req["id"]).state == "requested"
    r = post(liaison, f"{API}/requests/{req['id']}/answer", body)
    assert r.status_code == 200 and r.json()["state"] == "answered"
    assert post(liaison, f"{API}/requests/{req['id']}/answer", body).status_code == 409
    op = Push.objects.get(pk=r.json()["opinion_push_id"])
    claim = post(client(lk.users["bureau_liaison"]), f"/api/v1/linkage/pushes/{op.pk}/claim", {})
    assert claim.status_code == 200, claim.content


def test_step_table_api(lk):
    head = client(lk.users["bureau_liaison"])
    body = {
        "item_id": lk.food.pk,
        "step_kind": "expert_review",
        "performer": "regulator",
        "department_id": lk.reg_a.pk,
        "procedure": "从专家库随机抽取3名专家评审",
        "time_limit_days": 10,
        "valid_from": "2026-01-01",
    }
    r = post(head, f"{API}/steps", body)
    assert r.status_code == 201 and r.json()["step_label"] == "专家评审"
    r2 = post(head, f"{API}/steps", {**body, "time_limit_days": 8, "valid_from": "2026-06-01"})
    assert r2.status_code == 201
    assert (
        client(lk.users["inspector"]).get(f"{API}/steps/{r.json()['id']}").json()["valid_to"]
        == "2026-06-01"
    )
    assert post(client(lk.users["approver"]), f"{API}/steps", body).status_code == 403
    bad = post(head, f"{API}/steps", {**body, "performer": "bureau", "valid_from": "2026-07-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "department"
    cur = head.get(f"{API}/steps?current=true&item_id={lk.food.pk}").json()["items"]
    assert [s["time_limit_days"] for s in cur] == [8]


def test_pages_request_answer_and_decide(lk, case):
    approver = client(lk.users["approver"])
    page = approver.get(f"/linkage/records/{case.pk}/")
    assert page.status_code == 200 and 'data-testid="request-form"' in page.content.decode()
    r = approver.post(
        f"/review/records/{case.pk}/request", {"step_kind": "site_inspection", "question": "勘验"}
    )
    assert r.status_code == 302
    req = OpinionRequest.objects.get(record_id=case.pk)
    liaison = client(lk.users["regulator_liaison"])
    push_page = liaison.get(f"/linkage/pushes/{req.request_push_id}/").content.decode()
    assert 'data-testid="open-request"' in push_page
    detail = liaison.get(f"/review/requests/{req.pk}/").content.decode()
    assert 'data-testid="answer-form"' in detail
    r = liaison.post(
        f"/review/requests/{req.pk}/answer",
        {
            "conclusion": "conditional",
            "reasons": "整改排烟设施",
            "performers": "李勘验",
            "signing_leader": "赵局长",
            "opinion_date": dt.date.today().isoformat(),
        },
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.state == "answered"
    page = approver.get(f"/linkage/records/{case.pk}/").content.decode()
    assert "附条件同意" in page and "书面意见" in page and "整改排烟设施" in page
    assert approver.get("/review/requests/").status_code == 200
    assert client(lk.users["bureau_liaison"]).get("/review/steps/").status_code == 200
    assert ApprovalRecord.objects.get(pk=case.pk).decided_on is None
