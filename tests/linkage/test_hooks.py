"""The extension points of the case lifecycle (linkage.hooks): each event fires once at its
place with what it promises, inside the change's transaction, and a refusing callback leaves
nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.core.errors import ValidationFailed
from shenguan.linkage import hooks
from shenguan.linkage import services as svc
from shenguan.linkage.models import ApprovalRecord, Push, PushSnapshot
from shenguan.linkage.sweeps import push_auto_claim_due
from shenguan.outbox.models import OutboxEvent
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """Register one recorder per event; yield the list of (event, kwargs) seen."""
    seen: list[tuple[str, dict]] = []
    funcs = {}
    for event in hooks.EVENTS:
        if event in (hooks.SNAPSHOT_EXTRAS, hooks.RECORD_TIMELINE):
            continue

        def rec(_event=event, **kw):
            record = kw.get("record")
            seen.append((_event, {**kw, "record_pk_then": getattr(record, "pk", None)}))

        rec.__qualname__ = f"recorder_{event}"
        funcs[event] = rec
        hooks.register(event, rec)
    yield seen
    for event, func in funcs.items():
        hooks.unregister(event, func)


def events(seen):
    return [e for e, _ in seen]


def test_create_and_complete_fire_validate_created_completed(lk, calls):
    rec = svc.record_create(
        actor=lk.users["approver"], data=record_data(lk.building, "HK-1"), complete=True
    )
    assert events(calls) == [
        hooks.RECORD_VALIDATE,
        hooks.RECORD_CREATED,
        hooks.RECORD_VALIDATE,
        hooks.RECORDS_COMPLETED,
    ]
    assert calls[0][1]["phase"] == "create" and calls[0][1]["record_pk_then"] is None
    assert calls[2][1]["phase"] == "complete"
    done = calls[3][1]
    assert [r.pk for r in done["records"]] == [rec.pk]
    assert sorted(p.addressee_department_id for p in done["pushes"]) == sorted(
        [lk.reg_a.pk, lk.reg_b.pk]
    )
    assert all(p.pk for p in done["pushes"])
    assert set(done["licences"]) == {rec.pk}


def test_refusing_validate_writes_nothing(lk):
    def refuse(**kw):
        if kw["phase"] == "create":
            raise ValidationFailed("refused_by_test", "测试拒绝", "acceptance_mode")

    hooks.register(hooks.RECORD_VALIDATE, refuse)
    try:
        before = OutboxEvent.objects.count()
        with pytest.raises(ValidationFailed):
            svc.record_create(actor=lk.users["approver"], data=record_data(lk.food, "HK-2"))
        assert not ApprovalRecord.objects.filter(case_number="HK-2").exists()
        assert OutboxEvent.objects.count() == before
    finally:
        hooks.unregister(hooks.RECORD_VALIDATE, refuse)


def test_refusing_completion_rolls_back_the_pushes(lk):
    rec = svc.record_create(actor=lk.users["approver"], data=record_data(lk.food, "HK-3"))

    def refuse(**kw):
        if kw["phase"] == "complete":
            raise ValidationFailed("refused_by_test", "测试拒绝", None)

    hooks.register(hooks.RECORD_VALIDATE, refuse)
    try:
        with pytest.raises(ValidationFailed):
            svc.record_complete(actor=lk.users["approver"], record=rec)
    finally:
        hooks.unregister(hooks.RECORD_VALIDATE, refuse)
    assert not Push.objects.filter(record_id=rec.pk).exists()
    assert ApprovalRecord.objects.get(pk=rec.pk).state == "draft"


def test_claims_fire_with_mode(lk, calls):
    rec = svc.record_create(actor=lk.users["approver"], data=record_data(lk.building, "HK-4"))
    pushes = svc.record_complete(actor=lk.users["approver"], record=rec)
    calls.clear()
    mine = next(p for p in pushes if p.addressee_department_id == lk.reg_a.pk)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=mine)
    assert events(calls) == [hooks.PUSHES_CLAIMED]
    assert calls[0][1]["mode"] == "manual" and calls[0][1]["push_ids"] == [mine.pk]
    calls.clear()
    other = next(p for p in pushes if p.addressee_department_id == lk.reg_b.pk)
    push_auto_claim_due(now=other.claim_due_at + dt.timedelta(minutes=1))
    assert events(calls) == [hooks.PUSHES_CLAIMED]
    kw = calls[0][1]
    assert kw["mode"] == "timeout" and kw["pushes"] is None and kw["push_ids"] == [other.pk]


def test_snapshot_extras_are_frozen_into_the_push(lk):
    def extras(*, records, **_):
        return {r.pk: {"credit": {"checked": True, "case": r.case_number}} for r in records}

    hooks.register(hooks.SNAPSHOT_EXTRAS, extras)
    try:
        rec = svc.record_create(
            actor=lk.users["approver"], data=record_data(lk.food, "HK-5"), complete=True
        )
    finally:
        hooks.unregister(hooks.SNAPSHOT_EXTRAS, extras)
    (p,) = Push.objects.filter(record_id=rec.pk)
    snap = PushSnapshot.objects.get(push_id=p.pk).data
    # other apps (the credit app's look-up) may add their own sections beside it
    assert snap["extensions"]["credit"] == {"checked": True, "case": "HK-5"}


def test_feedback_and_licence_events(lk, calls):
    rec = svc.record_create(
        actor=lk.users["approver"], data=record_data(lk.food, "HK-6"), complete=True
    )
    lic = rec.licence
    calls.clear()
    svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="revocation_opinion",
        title="建议吊销",
        content="严重违法",
        published_on=dt.date.today(),
        licence=lic,
    )
    assert events(calls)[-1] == hooks.FEEDBACK_CREATED
    calls.clear()
    svc.licence_transition(
        actor=lk.users["approver"],
        licence=lic,
        to_state="suspended",
        effective_on=dt.date.today(),
        reason="整改",
    )
    assert events(calls) == [hooks.LICENCE_TRANSITIONED]
    assert calls[0][1]["from_state"] == "valid" and calls[0][1]["to_state"] == "suspended"


def test_unknown_event_is_refused():
    with pytest.raises(ValueError):
        hooks.register("no.such.event", lambda **kw: None)
