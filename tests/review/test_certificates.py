"""Certificates issued by regulators (002 §13): completion opens the task with the statutory
limit (行政许可法第四十四条, 10 working days; chinese-calendar is the oracle); a task past its
limit is overdue and visible to the regulator and oversight (list and red alert); issuance
updates the licence register; disagreement opens a coordination thread."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from shenguan.catalog.models import LicensingItem
from shenguan.core.errors import Conflict, PermissionDenied
from shenguan.linkage import services as lk_svc
from shenguan.linkage.models import Licence
from shenguan.oversight.models import Alert
from shenguan.oversight.sweeps import monitor_sweep
from shenguan.review import services as svc
from shenguan.review.models import CertificateTask
from tests.linkage.conftest import record_data

from .conftest import moment
from .test_opinions import oracle_add

pytestmark = pytest.mark.django_db


def complete(lk, case="CT-1", at=None):
    LicensingItem.objects.filter(pk=lk.food.pk).update(regulator_issues_certificate=True)
    lk.food.refresh_from_db()
    rec = lk_svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, case))
    lk_svc.record_complete(actor=lk.users["approver"], record=rec, at=at)
    return rec, CertificateTask.objects.get(record=rec)


def test_completion_opens_the_task_with_the_statutory_limit(lk):
    at = moment(dt.date(2026, 9, 28))
    rec, t = complete(lk, at=at)
    assert t.department_id == lk.reg_a.pk and t.bureau_id == lk.bureau.pk
    assert t.budget_days == 10 and t.basis == "《中华人民共和国行政许可法》第四十四条"
    assert t.due_date == oracle_add(dt.date(2026, 9, 28), 10)
    assert t.licence_id == Licence.objects.get(record=rec).pk


def test_overdue_task_is_visible_to_the_regulator_and_oversight(lk):
    _rec, t = complete(lk, at=moment(dt.date(2026, 3, 2)))
    world = lk.extra["world"]
    for user in (lk.users["regulator_liaison"], world.users["discipline_inspector"]):
        c = Client()
        c.force_login(user)
        r = c.get("/api/v1/review/certificates?overdue=true")
        assert [x["id"] for x in r.json()["items"]] == [t.pk]
        assert 'data-testid="overdue"' in c.get(f"/review/certificates/{t.pk}/").content.decode()
    other = Client()
    other.force_login(world.users["reg_b_liaison"])
    assert other.get(f"/api/v1/review/certificates/{t.pk}").status_code == 404
    monitor_sweep()
    alert = Alert.objects.get(kind="review.certificate_issue", object_id=t.pk, level="red")
    assert alert.department_id == lk.reg_a.pk


def test_issue_updates_the_licence_register_and_is_late(lk):
    rec, t = complete(lk, at=moment(dt.date(2026, 3, 2)))
    with pytest.raises(PermissionDenied):
        svc.certificate_issue(
            actor=lk.users["approver"], task=t, number="X", issued_on=dt.date(2026, 3, 20)
        )
    t = svc.certificate_issue(
        actor=lk.users["regulator_liaison"],
        task=t,
        number="JY33715020012345",
        issued_on=dt.date(2026, 3, 20),
    )
    assert t.state == "issued" and t.issued_late
    lic = Licence.objects.get(record=rec)
    assert lic.number == "JY33715020012345" and lic.issued_on == dt.date(2026, 3, 20)
    assert lic.department_id == lk.bureau.pk
    with pytest.raises(Conflict):
        svc.certificate_issue(
            actor=lk.users["regulator_liaison"], task=t, number="Y", issued_on=dt.date(2026, 3, 20)
        )


def test_disagreement_opens_a_thread_instead_of_silence(lk):
    rec, t = complete(lk)
    reg = Client()
    reg.force_login(lk.users["regulator_liaison"])
    url = f"/api/v1/review/certificates/{t.pk}/messages"
    bureau = Client()
    bureau.force_login(lk.users["bureau_liaison"])
    r = bureau.post(url, data=json.dumps({"text": "催办"}), content_type="application/json")
    assert r.status_code == 409  # the bureau cannot open a dispute
    body = {"text": "申请人经营场所不符合食品安全要求，对准予许可有异议"}
    r = reg.post(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "disputed"
    with pytest.raises(Conflict):
        svc.certificate_issue(
            actor=lk.users["regulator_liaison"], task=t, number="Z", issued_on=dt.date.today()
        )
    body = {"text": "已复核现场，申请人已整改到位", "resolves": True}
    r = bureau.post(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "open"
    assert [m["resolves"] for m in r.json()["messages"]] == [False, True]
    page = bureau.get(f"/linkage/records/{rec.pk}/").content.decode()
    assert "发证协调" in page and "下达配发证照任务" in page
