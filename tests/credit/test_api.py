"""The credit API and pages: look-ups, case checks, records and exports, warnings, import,
commitments, overrides — through HTTP with sessions."""

from __future__ import annotations

from django.test import Client

from shenguan.credit.models import CommitmentTask, CreditRecord, ListEntry
from shenguan.linkage import services as lsvc

from .helpers import DISHONEST_USCC, GOOD_USCC, company_case, dishonest_rows, list_file

API = "/api/v1/credit"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_import_lookup_and_case_flow(lk):
    head = client_for(lk.users["bureau_head"])
    f = list_file(dishonest_rows())
    f.name = "名单.csv"
    r = head.post(f"{API}/list-entries/import", {"file": f, "dry_run": "true"})
    assert r.status_code == 200 and r.json()["rows"] == 2 and ListEntry.objects.count() == 0
    f = list_file(dishonest_rows())
    f.name = "名单.csv"
    r = head.post(f"{API}/list-entries/import", {"file": f, "dry_run": "false"})
    assert r.status_code == 201 and r.json()["created"] == 2
    clerk = client_for(lk.users["window_clerk"])
    r = clerk.post(f"{API}/lookups", {"code": DISHONEST_USCC}, content_type="application/json")
    assert r.status_code == 200 and r.json()["hits"][0]["list_name"] == "失信被执行人"
    r = clerk.post(f"{API}/lookups", {"code": "123"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "code"
    # a clerk cannot import; a regulator cannot grant an exception
    f = list_file(dishonest_rows())
    f.name = "x.csv"
    assert clerk.post(f"{API}/list-entries/import", {"file": f}).status_code == 403
    reg = client_for(lk.users["regulator_liaison"])
    body = {"code": DISHONEST_USCC, "acceptance_mode": "green", "reason": "重点项目例外"}
    assert reg.post(f"{API}/overrides", body, content_type="application/json").status_code == 403
    assert head.post(f"{API}/overrides", body, content_type="application/json").status_code == 201
    rec = lsvc.record_create(
        actor=lk.users["window_clerk"], data=company_case(lk, DISHONEST_USCC, "green")
    )
    r = clerk.get(f"{API}/cases/{rec.pk}/checks")
    assert r.status_code == 200 and r.json()[0]["override_reason"] == "重点项目例外"
    page = clerk.get(f"/linkage/records/{rec.pk}/")
    assert "失信被执行人" in page.content.decode() and "重点项目例外" in page.content.decode()


def test_records_commitments_and_warnings_api(lk):
    rec = lsvc.record_create(
        actor=lk.users["approver"], data=company_case(lk, GOOD_USCC, "commitment"), complete=True
    )
    cr = CreditRecord.objects.get(record_id=rec.pk)
    head = client_for(lk.users["bureau_head"])
    r = head.get(f"{API}/records?kind=licence")
    assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == [cr.pk]
    r = head.get(f"{API}/records/export?kind=licence&format=csv")
    assert r.status_code == 200 and r.content.decode("utf-8-sig").startswith("行政相对人名称,")
    assert head.get(f"{API}/records/export?kind=x").status_code == 422
    task = CommitmentTask.objects.get(record_id=rec.pk)
    reg = client_for(lk.users["regulator_liaison"])
    other = client_for(lk.users["reg_b_liaison"])
    assert other.get(f"{API}/commitments/{task.pk}").status_code == 404
    r = reg.post(
        f"{API}/commitments/{task.pk}/verify",
        {"kept": False, "evidence": "未取得合格证明"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "not_kept"
    wid = r.json()["warning_id"]
    r = head.get(f"{API}/warnings?code={GOOD_USCC}")
    assert [i["id"] for i in r.json()["items"]] == [wid]
    r = head.post(
        f"{API}/warnings/{wid}/repair",
        {"decision": "聊信修〔2026〕1号", "reason": "已整改"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["removed_at"]
    for url in (
        "/credit/records/",
        "/credit/warnings/",
        "/credit/lists/",
        "/credit/commitments/",
        f"/credit/subjects/{GOOD_USCC}/",
        f"/credit/records/{cr.pk}/",
        f"/credit/commitments/{task.pk}/",
        f"/credit/warnings/{wid}/",
    ):
        assert head.get(url).status_code == 200, url


def test_public_credit_page_masks_persons_and_downloads(lk):
    from tests.linkage.conftest import PERSON_ID, record_data

    person = lsvc.record_create(
        actor=lk.users["approver"], data=record_data(lk.food, "PUB-1"), complete=True
    )
    company = lsvc.record_create(
        actor=lk.users["approver"], data=company_case(lk, GOOD_USCC), complete=True
    )
    assert CreditRecord.objects.filter(record_id__in=[person.pk, company.pk]).count() == 2
    anon = Client()
    home = anon.get("/public/").content.decode()
    assert f"/public/{lk.j.code}/credit/" in home and "/public/licences/verify" in home
    page = anon.get(f"/public/{lk.j.code}/credit/").content.decode()
    assert "聊城市某某商贸有限公司" in page and GOOD_USCC in page
    assert "张三" not in page and PERSON_ID not in page and "张*" in page
    r = anon.get(f"/public/{lk.j.code}/credit/?kind=licence&format=csv")
    text = r.content.decode("utf-8-sig")
    assert text.startswith("行政相对人名称,行政相对人类别,") and PERSON_ID not in text
