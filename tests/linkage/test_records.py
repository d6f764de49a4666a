"""Approval records (办件): validation of the applicant, the handler check, completion and the
pushes it creates in the same transaction, supervision gaps and manual routing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as svc
from shenguan.linkage.models import (
    ApprovalRecord,
    Licence,
    LicenceState,
    Push,
    PushDirection,
    PushKind,
    PushState,
    RecordState,
)
from shenguan.outbox.models import OutboxEvent
from tests.linkage.conftest import COMPANY_USCC, PERSON_ID, record_data

pytestmark = pytest.mark.django_db


def test_record_create_stores_normalised_fields(lk):
    clerk = lk.users["window_clerk"]
    data = record_data(
        lk.food,
        case_number="ＬＣ－２０２６－０００１",  # full-width, normalised to half-width
        applicant_id_number=PERSON_ID.lower().replace("x", "x"),
        contact_phone="１３８０６３５１２３４",
    )
    rec = svc.record_create(actor=clerk, data=data)
    rec.refresh_from_db()
    assert rec.case_number == "LC-2026-0001"
    assert rec.contact_phone == "13806351234"
    assert rec.applicant_id_number == PERSON_ID
    assert rec.state == RecordState.DRAFT
    assert rec.department_id == lk.bureau.pk
    assert AuditEvent.objects.filter(action="approval.record", object_id=str(rec.pk)).exists()


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        (
            {"applicant_id_number": PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1")},
            "applicant_id_number",
            "bad_id_number",
        ),
        ({"applicant_id_number": "3715021998"}, "applicant_id_number", "bad_id_number"),
        ({"applicant_id_number": ""}, "applicant_id_number", "required"),
        (
            {
                "applicant_kind": "legal",
                "applicant_uscc": COMPANY_USCC[:-1] + "0",
                "legal_representative": "李四",
            },
            "applicant_uscc",
            "bad_uscc",
        ),
        (
            {"applicant_kind": "legal", "applicant_uscc": COMPANY_USCC},
            "legal_representative",
            "required",
        ),
        ({"applicant_kind": "alien"}, "applicant_kind", "bad_choice"),
        ({"applicant_name": "   "}, "applicant_name", "required"),
        ({"contact_phone": "12345"}, "contact_phone", "bad_phone"),
        ({"accepted_on": "2026-02-30"}, "accepted_on", "bad_date"),
        ({"decided_on": dt.date.today() + dt.timedelta(days=3)}, "decided_on", "date_in_future"),
        (
            {"accepted_on": dt.date.today(), "decided_on": dt.date.today() - dt.timedelta(days=1)},
            "decided_on",
            "decided_before_accepted",
        ),
        ({"result": "refused"}, "licence_number", "licence_on_refusal"),
        ({"licence_valid_until": dt.date(2001, 1, 1)}, "licence_valid_until", "bad_validity"),
        ({"case_number": "A B"}, "case_number", "bad_case_number"),
        ({"case_number": "X" * 65}, "case_number", "too_long"),
        ({"item": 999999}, "item", "bad_item"),
    ],
)
def test_record_create_refuses_bad_input_naming_the_field(lk, over, field, code):
    before = ApprovalRecord.objects.count()
    with pytest.raises(ValidationFailed) as err:
        data = record_data(lk.food)
        data.update(over)
        svc.record_create(actor=lk.users["window_clerk"], data=data)
    assert err.value.field == field
    assert err.value.code == code
    assert any("\u4e00" <= c <= "\u9fff" for c in err.value.message)
    assert ApprovalRecord.objects.count() == before


def test_legal_person_with_valid_credit_code(lk):
    rec = svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            lk.food,
            applicant_kind="法人",
            applicant_name="聊城市某某餐饮有限公司",
            applicant_id_number="",
            applicant_uscc=COMPANY_USCC.lower(),
            legal_representative="李四",
        ),
    )
    assert rec.applicant_uscc == COMPANY_USCC
    assert rec.applicant_id_number == ""


def test_item_not_handled_by_the_bureau_is_refused(lk):
    with pytest.raises(ValidationFailed) as err:
        svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.hall))
    assert err.value.code == "item_not_handled"
    assert err.value.field == "item"
    assert lk.reg_a.name in err.value.message


def test_item_transferred_later_is_refused_before_the_transfer(lk):
    from shenguan.catalog import services as cat

    today = dt.date.today()
    cat.transfer_record(actor=None, item=lk.hall, status="transferred", effective_on=today)
    lk.hall.refresh_from_db()
    before = record_data(lk.hall, "LC-OLD", decided_on=today - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        svc.record_create(actor=lk.users["window_clerk"], data=before)
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.hall, "LC-NEW"))
    assert rec.pk


def test_duplicate_case_number_is_a_conflict(lk):
    svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))
    with pytest.raises(Conflict) as err:
        svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))
    assert err.value.field == "case_number"


def test_regulator_cannot_record_approvals(lk):
    with pytest.raises(PermissionDenied):
        svc.record_create(actor=lk.users["regulator_liaison"], data=record_data(lk.food))


def _complete(lk, item, case="LC-2026-0001", **over):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(item, case, **over))
    pushes = svc.record_complete(actor=lk.users["approver"], record=rec)
    rec.refresh_from_db()
    return rec, pushes


def test_complete_pushes_to_the_regulator_with_a_frozen_snapshot(lk):
    rec, pushes = _complete(lk, lk.food)
    assert rec.state == RecordState.COMPLETED
    assert [p.addressee_department_id for p in pushes] == [lk.reg_a.pk]
    p = Push.objects.select_related("snapshot").get(pk=pushes[0].pk)
    assert p.kind == PushKind.APPROVAL
    assert p.direction == PushDirection.TO_REGULATOR
    assert p.state == PushState.PENDING  # liaocheng-2021: 2 working days, auto-claim
    assert p.claim_policy == "timeout"
    assert p.claim_budget_days == 2
    assert p.pushed_at == rec.completed_at
    snap = p.snapshot.data
    assert snap["record"]["applicant"]["id_number"] == PERSON_ID
    assert snap["record"]["applicant"]["contact_phone"] == "13806351234"
    assert snap["record"]["applicant"]["address"].startswith("聊城市")
    assert snap["record"]["risk_points"].startswith("经营场所")
    assert snap["record"]["decision_number"] == "聊审批食许〔2026〕1号"
    assert snap["licence"]["number"] == "XK-LC-2026-0001"
    assert snap["route"]["regulator"]["id"] == lk.reg_a.pk
    assert snap["route"]["entries"][0]["supervision_items"][0]["code"] == "371500101W00"
    lic = Licence.objects.get(record=rec)
    assert lic.state == LicenceState.VALID
    assert p.licence_id == lic.pk
    ev = OutboxEvent.objects.get(event_type="push.created", aggregate_id=str(p.pk))
    assert ev.payload["snapshot"]["record"]["case_number"] == "LC-2026-0001"
    assert sorted(ev.department_ids) == sorted([lk.reg_a.pk, lk.bureau.pk])


def test_snapshot_is_frozen_against_later_changes(lk):
    rec, pushes = _complete(lk, lk.food)
    ApprovalRecord.objects.filter(pk=rec.pk).update(applicant_name="改名")
    p = Push.objects.select_related("snapshot").get(pk=pushes[0].pk)
    assert p.snapshot.data["record"]["applicant"]["name"] == "张三"
    assert p.applicant_name == "张三"


def test_two_entries_of_two_regulators_give_two_pushes(lk):
    rec, pushes = _complete(lk, lk.building, "LC-2026-0002")
    assert sorted(p.addressee_department_id for p in pushes) == sorted([lk.reg_a.pk, lk.reg_b.pk])
    assert Push.objects.filter(record=rec).count() == 2
    ev = AuditEvent.objects.get(action="approval.complete", object_id=str(rec.pk))
    assert sorted(ev.after["push_ids"]) == sorted(p.pk for p in pushes)


def test_completion_is_atomic_when_a_push_cannot_be_written(lk, monkeypatch):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))

    def boom(*a, **kw):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(svc.pushes, "outbox_emit_many", boom)
    with pytest.raises(RuntimeError):
        svc.record_complete(actor=lk.users["approver"], record=rec)
    rec.refresh_from_db()
    assert rec.state == RecordState.DRAFT
    assert not Push.objects.filter(record=rec).exists()
    assert not Licence.objects.filter(record=rec).exists()


def test_complete_twice_is_a_conflict(lk):
    rec, _ = _complete(lk, lk.food)
    with pytest.raises(Conflict):
        svc.record_complete(actor=lk.users["approver"], record=rec)


def test_completion_needs_decision_fields(lk):
    rec = svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            lk.food,
            decided_on=None,
            decision_number="",
            result="",
            licence_number="",
            licence_valid_until=None,
        ),
    )
    with pytest.raises(ValidationFailed) as err:
        svc.record_complete(actor=lk.users["approver"], record=rec)
    assert err.value.field == "decided_on"


def test_clerk_cannot_complete(lk):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))
    with pytest.raises(PermissionDenied):
        svc.record_complete(actor=lk.users["window_clerk"], record=rec)


def test_refused_record_pushes_without_licence(lk):
    rec, pushes = _complete(
        lk, lk.food, result="refused", licence_number="", licence_valid_until=None
    )
    assert len(pushes) == 1
    assert not Licence.objects.filter(record=rec).exists()


def test_supervision_gap_is_flagged_and_alerted(lk):
    rec, pushes = _complete(lk, lk.orphan, "LC-GAP-1")
    assert pushes == []
    assert rec.supervision_gap is True
    ev = OutboxEvent.objects.get(event_type="approval.supervision_gap", aggregate_id=str(rec.pk))
    notify = ev.deliveries.get(channel="notify")
    users = set(notify.target["user_ids"])
    assert lk.users["bureau_liaison"].pk in users
    assert lk.users["discipline_inspector"].pk in users
    assert lk.users["reform_staff"].pk in users


def test_gap_routed_by_hand_is_audited(lk):
    rec, _ = _complete(lk, lk.orphan, "LC-GAP-2")
    with pytest.raises(ValidationFailed):
        svc.record_route_manually(
            actor=lk.users["bureau_liaison"], record=rec, regulator=lk.reg_a, note=""
        )
    push = svc.record_route_manually(
        actor=lk.users["bureau_liaison"],
        record=rec,
        regulator=lk.reg_a,
        note="特种设备由市场监管局监管",
    )
    rec.refresh_from_db()
    assert rec.supervision_gap is False
    assert push.addressee_department_id == lk.reg_a.pk
    snap = Push.objects.select_related("snapshot").get(pk=push.pk).snapshot.data
    assert snap["route"]["manual"]["note"] == "特种设备由市场监管局监管"
    assert AuditEvent.objects.filter(action="approval.route_manual", object_id=str(rec.pk)).exists()
    with pytest.raises(Conflict):
        svc.record_route_manually(
            actor=lk.users["bureau_liaison"], record=rec, regulator=lk.reg_b, note="再次分派"
        )


def test_batch_completion_in_one_transaction(lk):
    recs = [
        svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, f"B-{i:04d}"))
        for i in range(5)
    ]
    pushes = svc.complete_records(actor=lk.users["approver"], records=recs)
    assert len(pushes) == 5
    with connection.cursor() as cur:  # independent oracle: a plain SQL count
        cur.execute(
            "SELECT COUNT(*) FROM linkage_push WHERE record_id >= %s AND record_id <= %s",
            [recs[0].pk, recs[-1].pk],
        )
        assert cur.fetchone()[0] == 5


def test_update_draft_and_frozen_after_completion(lk):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))
    rec = svc.record_update(actor=lk.users["window_clerk"], record=rec, data={"address": "新地址"})
    assert rec.address == "新地址"
    svc.record_complete(actor=lk.users["approver"], record=rec)
    with pytest.raises(Conflict):
        svc.record_update(actor=lk.users["window_clerk"], record=rec, data={"address": "再改"})
