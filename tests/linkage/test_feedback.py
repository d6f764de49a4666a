"""Feedback, disposals, correction answers, notices (catalogue change notices included),
licence states, expiry and the daily digest."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.calendar import workdays
from shenguan.calendar.models import DeadlineState
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as svc
from shenguan.linkage.models import (
    DigestLog,
    FeedbackState,
    Licence,
    LicenceState,
    Notice,
    Push,
    PushKind,
)
from shenguan.linkage.sweeps import (
    change_notices_sync,
    daily_digest_send,
    licences_expire_due,
)
from shenguan.outbox.models import OutboxDelivery
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db
SH = workdays.SHANGHAI


def completed(lk, case="FB-1", **over):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, case, **over))
    svc.record_complete(actor=lk.users["approver"], record=rec)
    return rec


def test_feedback_requires_what_its_kind_needs(lk):
    rec = completed(lk)
    reg = lk.users["regulator_liaison"]
    common = {"title": "t", "content": "c", "published_on": dt.date.today()}
    with pytest.raises(ValidationFailed) as e:
        svc.feedback_create(actor=reg, kind="inspection", record=rec, **common)
    assert e.value.field == "abnormal"
    with pytest.raises(ValidationFailed) as e:
        svc.feedback_create(actor=reg, kind="revocation_opinion", **common)
    assert e.value.field == "licence"
    with pytest.raises(ValidationFailed) as e:
        svc.feedback_create(actor=reg, kind="correction_request", **common)
    assert e.value.field == "record"
    with pytest.raises(ValidationFailed) as e:
        svc.feedback_create(
            actor=reg,
            kind="reward",
            record=rec,
            title="t",
            content="c",
            published_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert e.value.code == "date_in_future"
    with pytest.raises(PermissionDenied):
        svc.feedback_create(actor=lk.users["approver"], kind="reward", record=rec, **common)


def test_normal_result_is_pushed_where_the_profile_wants_all_results(lk):
    rec = completed(lk)
    fb = svc.feedback_create(
        actor=lk.users["inspector"],
        kind="inspection",
        abnormal=False,
        title="正常",
        content="检查正常",
        published_on=dt.date.today(),
        record=rec,
    )
    assert fb.state == FeedbackState.PUSHED  # liaocheng-2021 is not abnormal-only
    p = Push.objects.get(feedback=fb)
    assert p.addressee_department_id == lk.bureau.pk
    assert p.claim_budget_days == 2


def test_law_change_without_record_goes_to_the_bureau(lk):
    fb = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="law_policy_change",
        title="新标准",
        content="GB 31654 修订",
        published_on=dt.date.today(),
    )
    assert Push.objects.get(feedback=fb).addressee_department_id == lk.bureau.pk


def test_correction_reply_within_the_deadline_and_pushed_back(lk):
    rec = completed(lk)
    fb = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="correction_request",
        title="许可条件把关不严",
        content="现场与材料不符",
        record=rec,
        published_on=dt.date.today(),
    )
    assert fb.reply_deadline is not None
    assert fb.reply_deadline.budget_days == 2  # correction_reply_days
    with pytest.raises(PermissionDenied):
        svc.correction_reply(
            actor=lk.users["window_clerk"], feedback=fb, outcome="corrected", text="x"
        )
    fb = svc.correction_reply(
        actor=lk.users["bureau_liaison"],
        feedback=fb,
        outcome="explained",
        text="经核查，材料齐全，现场已整改。",
    )
    assert fb.reply_late is False
    fb.reply_deadline.refresh_from_db()
    assert fb.reply_deadline.state == DeadlineState.MET
    back = Push.objects.get(kind=PushKind.CORRECTION_REPLY, feedback=fb)
    assert back.addressee_department_id == lk.reg_a.pk
    assert back.snapshot.data["reply"]["outcome"] == "explained"
    # the bureau's push of the request was claimed by answering it
    assert Push.objects.get(kind=PushKind.FEEDBACK, feedback=fb).state == "claimed"
    with pytest.raises(Conflict):
        svc.correction_reply(
            actor=lk.users["bureau_liaison"], feedback=fb, outcome="corrected", text="再答"
        )


def test_declined_disposal_keeps_the_licence(lk):
    rec = completed(lk)
    lic = Licence.objects.get(record=rec)
    fb = svc.feedback_create(
        actor=lk.users["regulator_leader"],
        kind="revocation_opinion",
        title="建议撤销",
        content="以欺骗手段取得许可",
        licence=lic,
        published_on=dt.date.today(),
    )
    with pytest.raises(ValidationFailed) as e:
        svc.disposal_record(
            actor=lk.users["approver"], feedback=fb, outcome="decline", decided_on=dt.date.today()
        )
    assert e.value.field == "reason"
    d = svc.disposal_record(
        actor=lk.users["approver"],
        feedback=fb,
        outcome="decline",
        decided_on=dt.date.today(),
        reason="经核查，不存在欺骗情形",
    )
    lic.refresh_from_db()
    assert lic.state == LicenceState.VALID
    assert d.outcome == "decline"
    with pytest.raises(Conflict):
        svc.disposal_record(
            actor=lk.users["approver"],
            feedback=fb,
            outcome="annul",
            decided_on=dt.date.today(),
            decision_number="X",
        )


def test_licence_transition_table(lk):
    rec = completed(lk)
    lic = Licence.objects.get(record=rec)
    head = lk.users["bureau_head"]
    today = dt.date.today()
    svc.licence_transition(
        actor=head,
        licence=lic,
        to_state="revoked",
        effective_on=today,
        decision_number="吊〔2026〕1号",
        reason="吊销",
    )
    lic.refresh_from_db()
    with pytest.raises(Conflict) as e:
        svc.licence_transition(
            actor=head, licence=lic, to_state="valid", effective_on=today, reason="恢复"
        )
    assert e.value.code == "bad_transition"
    with pytest.raises(ValidationFailed):
        svc.licence_transition(
            actor=head, licence=lic, to_state="cancelled", effective_on=today, reason="注销"
        )  # needs a decision number
    assert [e.to_state for e in lic.events.order_by("id")] == ["valid", "revoked"]


def test_expiry_sweep_is_set_based_and_idempotent(lk):
    rec = completed(
        lk,
        licence_valid_until=dt.date.today() - dt.timedelta(days=1),
        licence_valid_from=dt.date.today() - dt.timedelta(days=400),
        decided_on=dt.date.today() - dt.timedelta(days=5),
        accepted_on=dt.date.today() - dt.timedelta(days=9),
    )
    assert licences_expire_due() == {"expired": 1}
    assert licences_expire_due() == {"expired": 0}
    lic = Licence.objects.get(record=rec)
    assert lic.state == LicenceState.EXPIRED
    assert lic.events.last().reason == "有效期届满"


def test_catalogue_change_notices_become_claimable_pushes(lk):
    from shenguan.catalog import services as cat

    change_notices_sync()  # the notices of setting the catalogue up
    cn = cat.change_notice_create(
        actor=lk.users["bureau_liaison"],
        jurisdiction=lk.j,
        kind="item_change",
        summary="食品经营许可承诺时限由7个工作日压缩为5个工作日",
        effective_on=dt.date.today() + dt.timedelta(days=30),
        departments=[lk.reg_a, lk.reg_b],
        item=lk.food,
    )
    assert change_notices_sync() == {"notices": 1}
    assert change_notices_sync() == {"notices": 0}  # idempotent
    n = Notice.objects.get(change_notice=cn)
    assert n.kind == "item_change"
    pushes = Push.objects.filter(notice=n)
    assert sorted(p.addressee_department_id for p in pushes) == sorted([lk.reg_a.pk, lk.reg_b.pk])
    p = pushes.get(addressee_department=lk.reg_a)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=p)


def test_notice_addressee_rules(lk):
    with pytest.raises(ValidationFailed):
        svc.notice_create(
            actor=lk.users["regulator_liaison"],
            kind="document_copy",
            title="t",
            content="c",
            published_on=dt.date.today(),
            addressees=[lk.reg_b],
        )
    with pytest.raises(ValidationFailed):
        svc.notice_create(
            actor=lk.users["bureau_liaison"],
            kind="item_change",
            title="t",
            content="c",
            published_on=dt.date.today(),
            addressees=[lk.reg_a],
        )


def test_daily_digest_on_working_days_once_with_sms(lk):
    completed(lk, "DG-1")
    monday = dt.datetime(2026, 10, 12, 9, 0, tzinfo=SH)
    holiday = dt.datetime(2026, 10, 5, 9, 0, tzinfo=SH)
    assert daily_digest_send(now=holiday)["skipped"] == "not_a_working_day"
    assert daily_digest_send(now=monday.replace(hour=7))["skipped"] == "too_early"
    res = daily_digest_send(now=monday)
    assert res["sent"] == 2  # the regulator's and the bureau's liaison
    assert daily_digest_send(now=monday.replace(hour=15)) == {"sent": 0}
    log = DigestLog.objects.get(department=lk.reg_a)
    assert log.counts["pending"] == 1
    sms = OutboxDelivery.objects.filter(channel="sms", event__event_type="linkage.digest")
    assert sms.count() == 2
    assert "待认领1条" in sms.get(event__payload__department_id=lk.reg_a.pk).target["text"]
    # the make-up Saturday of National Day is a working day
    assert daily_digest_send(now=dt.datetime(2026, 10, 10, 9, tzinfo=SH))["sent"] == 2


def test_auto_claim_audit_lists_every_push(lk):
    from shenguan.linkage.sweeps import push_auto_claim_due

    completed(lk, "AC-1")
    completed(lk, "AC-2")
    push_auto_claim_due(now=dt.datetime(2100, 1, 1, tzinfo=SH))
    ev = AuditEvent.objects.get(action="push.auto_claim")
    assert len(ev.after["push_ids"]) == 2


@pytest.mark.parametrize(
    ("outcome", "state"),
    [("cancel", "cancelled"), ("annul", "annulled"), ("revoke", "revoked")],
)
def test_disposal_changes_the_licence_and_goes_back_to_the_regulator(lk, outcome, state):
    rec = completed(lk, f"DS-{outcome}")
    lic = Licence.objects.get(record=rec)
    fb = svc.feedback_create(
        actor=lk.users["regulator_leader"],
        kind="revocation_opinion",
        title="处置意见",
        content="存在应予处置的情形",
        licence=lic,
        published_on=dt.date.today(),
    )
    d = svc.disposal_record(
        actor=lk.users["bureau_head"],
        feedback=fb,
        outcome=outcome,
        decided_on=dt.date.today(),
        decision_number=f"聊审批〔2026〕{outcome}号",
    )
    lic.refresh_from_db()
    assert lic.state == state and lic.state_since == dt.date.today()
    ev = lic.events.order_by("id").last()
    assert (ev.from_state, ev.to_state, ev.feedback_id) == ("valid", state, fb.pk)
    back = Push.objects.get(kind=PushKind.DISPOSAL, feedback=fb)
    assert back.addressee_department_id == lk.reg_a.pk and back.direction == "to_regulator"
    assert back.snapshot.data["disposal"]["id"] == d.pk
    # the regulator claims the outcome like any push
    svc.push_claim(actor=lk.users["regulator_liaison"], push=back)
    # a final state cannot be disposed of again
    fb2 = svc.feedback_create(
        actor=lk.users["regulator_leader"],
        kind="revocation_opinion",
        title="再次处置意见",
        content="重复",
        licence=lic,
        published_on=dt.date.today(),
    )
    with pytest.raises(Conflict) as err:
        svc.disposal_record(
            actor=lk.users["bureau_head"],
            feedback=fb2,
            outcome="cancel",
            decided_on=dt.date.today(),
            decision_number="X",
        )
    assert err.value.code == "bad_transition"


def test_correction_answered_after_its_deadline_is_late(lk):
    rec = completed(lk, "CR-LATE")
    asked = dt.datetime(2026, 10, 12, 10, tzinfo=SH)  # Monday: 2 working days → end of Wed 14th
    fb = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="correction_request",
        title="许可条件把关不严",
        content="现场与材料不符",
        record=rec,
        published_on=dt.date(2026, 10, 12),
        at=asked,
    )
    assert fb.reply_deadline.due_date == dt.date(2026, 10, 14)
    from django.utils import timezone

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: dt.datetime(2026, 10, 15, 9, tzinfo=SH))
        fb = svc.correction_reply(
            actor=lk.users["bureau_liaison"], feedback=fb, outcome="corrected", text="已重新核查"
        )
    assert fb.reply_late is True
    fb.reply_deadline.refresh_from_db()
    assert fb.reply_deadline.state == DeadlineState.LATE
    back = Push.objects.get(kind=PushKind.CORRECTION_REPLY, feedback=fb)
    assert back.snapshot.data["reply"]["late"] is True


def test_daily_digest_reaches_the_sms_gateway(lk, settings):
    """The digest's SMS goes through the configured gateway (pluggable; the shipped one logs)."""
    from shenguan.outbox import delivery
    from tests.outbox import gateways

    completed(lk, "DG-SMS")
    settings.SHENGUAN_SMS_GATEWAY = "tests.outbox.gateways.RecordingGateway"
    settings.SHENGUAN_WORKER_IDLE_SLEEP = 0.01
    gateways.SENT.clear()
    daily_digest_send(now=dt.datetime(2026, 10, 12, 9, tzinfo=SH))
    # sweeps off: today's own digest (a working day) is not this test's
    delivery.run_worker(worker_id="digest-test", until_empty=True, max_seconds=30, sweeps=False)
    texts = [m["text"] for m in gateways.SENT]
    assert len(texts) == 2  # the regulator's and the bureau's liaison
    assert {m["phone"] for m in gateways.SENT} == {"13806350001"}
    assert all(t.startswith("【审管联动】") for t in texts)
    assert any("待认领1条" in t for t in texts)
    from shenguan.outbox.models import Notification

    liaison = lk.users["regulator_liaison"]
    note = Notification.objects.filter(user=liaison, title__startswith="审管联动每日提醒").get()
    assert "待认领1条" in note.body
