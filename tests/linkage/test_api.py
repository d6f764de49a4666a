"""The linkage API (002 §18): the province system posts records with Idempotency-Key; regulators'
systems list, claim and send feedback with bearer tokens; errors keep the one body."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from shenguan.linkage.models import ApprovalRecord, Push, PushState
from shenguan.org.roles import Role
from tests.api.conftest import Api, assert_error, issue_token
from tests.linkage.conftest import PERSON_ID

pytestmark = pytest.mark.django_db


def body(lk, case="API-0001", **over):
    today = dt.date.today()
    b = {
        "item_code": lk.food.code,
        "case_number": case,
        "applicant_kind": "person",
        "applicant_name": "赵六",
        "applicant_id_number": PERSON_ID,
        "contact_phone": "13806352222",
        "address": "聊城市",
        "accepted_on": (today - dt.timedelta(days=3)).isoformat(),
        "decided_on": today.isoformat(),
        "decision_number": f"聊审〔2026〕{case}",
        "result": "granted",
        "licence_number": f"XK-{case}",
        "complete": True,
    }
    b.update(over)
    return b


@pytest.fixture
def province(lk):
    _tok, plain = issue_token(lk.bureau, Role.WINDOW_CLERK, Role.APPROVER, name="省审批系统")
    return Api(token=plain)


@pytest.fixture
def regulator_system(lk):
    _tok, plain = issue_token(lk.reg_a, Role.REGULATOR_LIAISON, name="市场监管自建系统")
    return Api(token=plain)


def test_province_posts_a_completed_record_idempotently(lk, province):
    h = {"Idempotency-Key": "case-API-0001"}
    r1 = province.post("linkage/records", body(lk), headers=h)
    assert r1.status_code == 201, r1.content
    r2 = province.post("linkage/records", body(lk), headers=h)
    assert r2.status_code == 201
    assert r2["Idempotent-Replayed"] == "true"
    assert r1.json() == r2.json()
    assert ApprovalRecord.objects.filter(case_number="API-0001").count() == 1
    rec = r1.json()
    assert rec["state"] == "completed"
    assert rec["source"] == "api"
    assert rec["applicant_id_number"] != PERSON_ID  # masked on output
    assert Push.objects.filter(record_id=rec["id"]).count() == 1
    # same key, different body: refused, nothing run
    r3 = province.post("linkage/records", body(lk, "API-0002"), headers=h)
    assert r3.status_code == 422
    assert not ApprovalRecord.objects.filter(case_number="API-0002").exists()


def test_bad_input_names_the_field(lk, province):
    bad = "37150219980101001" + ("0" if PERSON_ID[-1] != "0" else "1")
    r = province.post("linkage/records", body(lk, applicant_id_number=bad))
    assert_error(r, 422, "bad_id_number", "applicant_id_number")
    r = province.post("linkage/records", body(lk, accepted_on="2026-02-30"))
    assert_error(r, 422, "invalid_input", "accepted_on")
    r = province.post("linkage/records", body(lk, item_code="NOPE"))
    assert_error(r, 422, "bad_item", "item_code")
    r = province.post("linkage/records", body(lk, item_code=lk.hall.code))
    assert_error(r, 422, "item_not_handled", "item")
    assert ApprovalRecord.objects.count() == 0


def test_regulator_system_lists_claims_and_sends_feedback(lk, province, regulator_system):
    rec = province.post("linkage/records", body(lk)).json()
    inbox = regulator_system.get("linkage/pushes?box=to_claim")
    assert inbox.status_code == 200
    items = inbox.json()["items"]
    assert [i["case_number"] for i in items] == ["API-0001"]
    pid = items[0]["id"]
    detail = regulator_system.get(f"linkage/pushes/{pid}").json()
    assert detail["snapshot"]["record"]["applicant"]["id_number"] != PERSON_ID
    assert detail["working_days_left"] is not None
    assert detail["timeline"]
    r = regulator_system.post(f"linkage/pushes/{pid}/claim")
    assert r.status_code == 200 and r.json()["state"] == "claimed"
    assert_error(regulator_system.post(f"linkage/pushes/{pid}/claim"), 409, "already_claimed")
    fb = regulator_system.post(
        "linkage/feedback",
        {
            "kind": "inspection",
            "abnormal": True,
            "title": "检查发现问题",
            "content": "责令整改",
            "published_on": dt.date.today().isoformat(),
            "record_id": rec["id"],
        },
    )
    assert fb.status_code == 201, fb.content
    assert fb.json()["state"] == "pushed"
    # unmasking needs the right
    assert_error(regulator_system.get(f"linkage/pushes/{pid}?unmask=true"), 403, "forbidden_unmask")


def test_bulk_claim_api(lk, province, regulator_system):
    for i in range(3):
        province.post("linkage/records", body(lk, f"API-B{i}"))
    ids = [p["id"] for p in regulator_system.get("linkage/pushes?box=to_claim").json()["items"]]
    r = regulator_system.post("linkage/pushes/claim", {"ids": [*ids, 987654]})
    assert r.status_code == 200
    assert sorted(r.json()["claimed"]) == sorted(ids)
    assert r.json()["skipped"] == [{"id": 987654, "reason": "not_found"}]
    assert_error(regulator_system.post("linkage/pushes/claim", {"ids": []}), 422)


def test_other_department_answers_404(lk, province):
    rec = province.post("linkage/records", body(lk)).json()
    pid = Push.objects.get(record_id=rec["id"]).pk
    _t, plain = issue_token(lk.reg_b, Role.REGULATOR_LIAISON)
    other = Api(token=plain)
    assert_error(other.get(f"linkage/pushes/{pid}"), 404)
    assert_error(other.post(f"linkage/pushes/{pid}/claim"), 404)
    assert_error(other.get(f"linkage/records/{rec['id']}"), 404)
    assert Push.objects.get(pk=pid).state == PushState.PENDING


def test_summary_and_public_verify(lk, province, regulator_system):
    province.post("linkage/records", body(lk))
    s = regulator_system.get("linkage/summary").json()
    assert s["to_claim"] == 1
    r = Api().get("linkage/verify?number=XK-API-0001")
    assert r.status_code == 200
    (lic,) = r.json()
    assert lic["state"] == "valid" and lic["holder"] == "赵*"
    assert Api().get("linkage/verify?number=nope").json() == []


def test_material_upload_and_import_api(lk, province):
    r = province.post("linkage/records", body(lk, complete=False))
    rid = r.json()["id"]
    pdf = io.BytesIO(b"%PDF-1.7 test")
    pdf.name = "决定书.pdf"
    resp = province.client.post(
        f"/api/v1/linkage/records/{rid}/materials",
        {"file": pdf, "kind": "legal_document", "name": "许可决定书"},
        headers=province.headers,
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["kind"] == "legal_document"
    csv_bad = (
        "办件编号,事项编码,申请人类型,申请人,身份证号码,受理日期\nX-1,NOPE,自然人,王,1,2026-01-01\n"
    )
    f = io.BytesIO(csv_bad.encode())
    f.name = "a.csv"
    resp = province.client.post(
        "/api/v1/linkage/records/import", {"file": f}, headers=province.headers
    )
    assert resp.status_code == 422, resp.content.decode()
    assert resp.json()["problems"][0]["row"] == 2
    r = province.post(f"linkage/records/{rid}/complete")
    assert r.status_code == 200 and len(r.json()["push_ids"]) == 1


def test_province_imports_a_csv_and_completes_it(lk, province):
    today = dt.date.today()
    head = (
        "办件编号,事项编码,申请人类型,申请人,身份证号码,"
        "受理日期,决定日期,决定文书号,审批结果,证照编号"
    )
    rows = [
        f"CSV-{i},{code},自然人,孙{i},{PERSON_ID},{today - dt.timedelta(days=4)},{today},"
        f"聊审〔2026〕C{i}号,准予,XK-CSV-{i}"
        for i, code in enumerate([lk.food.code, lk.building.code])
    ]
    f = io.BytesIO(("\n".join([head, *rows]) + "\n").encode("gb18030"))
    f.name = "办件.csv"
    resp = province.client.post(
        "/api/v1/linkage/records/import", {"file": f, "complete": "true"}, headers=province.headers
    )
    assert resp.status_code == 201, resp.content.decode()
    body = resp.json()
    assert (body["created"], body["pushes"], body["completed"]) == (2, 3, True)
    recs = ApprovalRecord.objects.filter(case_number__startswith="CSV-", state="completed")
    assert sorted(r.source for r in recs) == ["import", "import"]
    assert Push.objects.filter(record__in=recs).count() == 3
