"""Usability faults of the linkage pages (issue 12 item 10): the clerk is not offered to complete
a record without the right to complete it."""

from __future__ import annotations

import pytest
from django.test import Client

from shenguan.linkage.models import ApprovalRecord
from shenguan.org.roles import Perm
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

OFFER = "登记后立即办结并推送"
IMPORT_OFFER = "导入后立即办结并推送"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_complete_is_offered_only_with_the_right_to_complete(lk):
    clerk, approver = lk.users["window_clerk"], lk.users["approver"]
    assert clerk.can(Perm.APPROVAL_RECORD) and not clerk.can(Perm.APPROVAL_COMPLETE)
    assert approver.can(Perm.APPROVAL_RECORD) and approver.can(Perm.APPROVAL_COMPLETE)
    c = login(clerk)
    assert OFFER not in c.get("/linkage/records/new").content.decode()
    assert IMPORT_OFFER not in c.get("/linkage/records/import").content.decode()
    a = login(approver)
    assert OFFER in a.get("/linkage/records/new").content.decode()
    assert IMPORT_OFFER in a.get("/linkage/records/import").content.decode()


def test_a_forged_complete_from_the_clerk_registers_only(lk):
    data = record_data(lk.food, "LC-U-1")
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    post["complete"] = "on"
    r = login(lk.users["window_clerk"]).post("/linkage/records/new", post)
    assert r.status_code == 302
    assert ApprovalRecord.objects.get(case_number="LC-U-1").state == "draft"


def test_public_pages_link_to_licence_verification(lk):
    anon = Client()
    for url in ("/public/", "/accounts/login/", f"/public/{lk.j.code}/"):
        r = anon.get(url)
        if r.status_code == 200:
            assert "/public/licences/verify" in r.content.decode(), url
    assert "/public/licences/verify" in anon.get("/public/").content.decode()


def test_licence_lookup_ignores_case_and_full_width_forms(lk):
    from shenguan.linkage import services as svc
    from shenguan.linkage.models import Licence

    rec = svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(lk.food, "LC-V-9", licence_number="JY13715020001X"),
    )
    svc.record_complete(actor=lk.users["approver"], record=rec)
    assert Licence.objects.filter(number="JY13715020001X").exists()
    for typed in ("jy13715020001x", "ＪＹ１３７１５０２０００１ｘ", " JY13715020001X "):
        html = Client().get("/public/licences/verify", {"number": typed}).content.decode()
        assert 'data-testid="verify-none"' not in html, typed
        assert "JY13715020001X" in html


def test_demo_applicants_match_the_trade_of_the_item():
    """No restaurant is given a medical-institution licence (the oracle: the applicant's name
    names its trade)."""
    from types import SimpleNamespace

    from shenguan.linkage.demo import applicant_for as linkage_applicant
    from shenguan.oversight.demo import applicant_for as oversight_applicant

    clinic = SimpleNamespace(name="医疗机构执业登记")
    build = SimpleNamespace(name="建筑工程施工许可证核发")
    food = SimpleNamespace(name="食品经营许可")
    for pick in (linkage_applicant, oversight_applicant):
        for n in range(24):
            assert any(w in pick(clinic, n)[1] for w in ("医院", "诊所")), pick(clinic, n)
            assert "建" in pick(build, n)[1]
            assert not any(w in pick(food, n)[1] for w in ("医院", "诊所", "建设", "建筑"))
