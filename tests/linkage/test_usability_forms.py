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
