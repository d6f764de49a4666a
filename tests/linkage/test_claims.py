"""Claims (认领): manual, bulk, on push, on timeout by the sweep; exactly once; who answers from
when; the recompute of provisional push deadlines when a year's calendar is loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.calendar import workdays
from shenguan.core.errors import Conflict, NotFound, PermissionDenied
from shenguan.linkage import selectors as sel
from shenguan.linkage import services as svc
from shenguan.linkage.models import ClaimedMode, Push, PushOpen, PushState
from shenguan.linkage.sweeps import push_auto_claim_due, push_claims_materialize
from shenguan.outbox.models import OutboxEvent
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

SH = workdays.SHANGHAI


def local(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


def pushed(lk, case="LC-C-0001", item=None, at=None):
    rec = svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            item or lk.food, case, decided_on=dt.date(2026, 9, 28), accepted_on=dt.date(2026, 9, 1)
        ),
    )
    return svc.record_complete(actor=lk.users["approver"], record=rec, at=at)


def test_manual_claim_records_person_time_and_mode(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    liaison = lk.users["regulator_liaison"]
    at = local(2026, 10, 8, 9)
    p = svc.push_claim(actor=liaison, push=p, at=at)
    assert p.state == PushState.CLAIMED
    assert p.claimed_mode == ClaimedMode.MANUAL
    assert p.claimed_by_id == liaison.pk
    assert p.claimed_by_name == liaison.display_name
    assert p.claimed_at == at
    assert p.claim_late is False
    assert OutboxEvent.objects.filter(event_type="push.claimed", aggregate_id=str(p.pk)).exists()
    assert AuditEvent.objects.filter(action="push.claim", object_id=str(p.pk)).count() == 1


def test_second_claim_is_a_409_naming_the_first(lk):
    (p,) = pushed(lk)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=p)
    with pytest.raises(Conflict) as err:
        svc.push_claim(actor=lk.users["regulator_leader"], push=p)
    assert err.value.code == "already_claimed"
    assert lk.users["regulator_liaison"].display_name in err.value.message
    assert Push.objects.get(pk=p.pk).claimed_by_id == lk.users["regulator_liaison"].pk


def test_only_the_addressee_with_the_right_may_claim(lk):
    (p,) = pushed(lk)
    with pytest.raises(PermissionDenied):
        svc.push_claim(actor=lk.users["inspector"], push=p)  # no push.claim right
    with pytest.raises(PermissionDenied):
        svc.push_claim(actor=lk.users["reg_b_liaison"], push=p)  # another department
    with pytest.raises(PermissionDenied):
        svc.push_claim(actor=lk.users["bureau_liaison"], push=p)  # the sender
    # another department does not even see it
    with pytest.raises(NotFound):
        sel.push_get(user=lk.users["reg_b_liaison"], pk=p.pk)


def test_deadline_counts_working_days_over_national_day(lk):
    """Pushed Wednesday 2026-09-30: 1–7 October are holidays, so 2 working days end on Friday
    9 October; pushed Thursday 8 October: the make-up Saturday 10 October is the 2nd day."""
    import chinese_calendar

    def oracle(start: dt.date, n: int) -> dt.date:  # independent count with chinese-calendar
        d, left = start, n
        while left:
            d += dt.timedelta(days=1)
            if chinese_calendar.is_workday(d):
                left -= 1
        return d

    (p1,) = pushed(lk, "LC-ND-1", at=local(2026, 9, 30))
    assert p1.claim_due_date == oracle(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    (p2,) = pushed(lk, "LC-ND-2", at=local(2026, 10, 8))
    assert p2.claim_due_date == oracle(dt.date(2026, 10, 8), 2) == dt.date(2026, 10, 10)
    assert p2.claim_due_at == dt.datetime(2026, 10, 11, 0, 0, tzinfo=SH)
    assert not p2.claim_provisional


def test_timeout_sweep_claims_at_the_deadline_counted_late(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    before = p.claim_due_at - dt.timedelta(seconds=1)
    assert push_auto_claim_due(now=before) == {"claimed": 0, "batches": 0}
    res = push_auto_claim_due(now=p.claim_due_at)
    assert res["claimed"] == 1
    assert not PushOpen.objects.filter(push_id=p.pk).exists()
    # readers see it claimed at once (the row is rewritten by the follow-up sweep)
    p = Push.objects.with_claim().get(pk=p.pk)
    assert (p.state, p.claimed_mode, p.claim_late) == ("claimed", "timeout", True)
    assert Push.objects.values_list("state", flat=True).get(pk=p.pk) == PushState.PENDING
    assert push_claims_materialize(now=p.claim_due_at) == {"materialized": 1}
    assert push_claims_materialize(now=p.claim_due_at) == {"materialized": 0}
    p.refresh_from_db()
    assert p.state == PushState.CLAIMED
    assert p.claimed_mode == ClaimedMode.TIMEOUT
    assert p.claim_late is True
    assert p.claimed_at == p.claim_due_at
    assert p.claimed_by_id is None
    ev = OutboxEvent.objects.get(event_type="push.auto_claimed")
    assert ev.payload["push_ids"] == [p.pk]
    audit = AuditEvent.objects.get(action="push.auto_claim")
    assert audit.after["push_ids"] == [p.pk]
    # idempotent: a second run claims nothing and writes nothing
    assert push_auto_claim_due(now=p.claim_due_at + dt.timedelta(days=3))["claimed"] == 0
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == 1
    with pytest.raises(Conflict):
        svc.push_claim(actor=lk.users["regulator_liaison"], push=p)


def test_sweep_batches_and_audits_one_event_per_batch(lk):
    made = []
    for i in range(7):
        made += pushed(lk, f"LC-SW-{i}", at=local(2026, 9, 30, 9, i))
    res = push_auto_claim_due(now=local(2026, 11, 1), batch=3)
    assert res == {"claimed": 7, "batches": 3}
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == 3
    ids = set()
    for ev in AuditEvent.objects.filter(action="push.auto_claim"):
        ids |= set(ev.after["push_ids"])
    assert ids == {p.pk for p in made}


def test_late_manual_claim_before_the_sweep_is_late(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    p = svc.push_claim(
        actor=lk.users["regulator_liaison"], push=p, at=p.claim_due_at + dt.timedelta(minutes=5)
    )
    assert p.claim_late is True
    assert push_auto_claim_due(now=local(2026, 11, 1))["claimed"] == 0


def test_manual_mode_is_never_auto_claimed(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    Push.objects.filter(pk=p.pk).update(claim_policy="manual")
    PushOpen.objects.filter(push_id=p.pk).update(claim_policy="manual")
    assert push_auto_claim_due(now=local(2026, 11, 1))["claimed"] == 0
    assert (
        sel.push_list(
            user=lk.users["regulator_liaison"], box="to_claim", filters={"overdue": True}
        ).count()
        == 1
    )


def test_bulk_claim_reports_what_it_skipped(lk):
    p1, p2, p3 = (pushed(lk, f"LC-BK-{i}")[0] for i in range(3))
    svc.push_claim(actor=lk.users["regulator_leader"], push=p2)
    res = svc.push_claim_bulk(
        actor=lk.users["regulator_liaison"], push_ids=[p1.pk, p2.pk, p3.pk, 999999]
    )
    assert res["claimed"] == sorted([p1.pk, p3.pk])
    assert {s["id"]: s["reason"] for s in res["skipped"]} == {
        p2.pk: "already_claimed",
        999999: "not_found",
    }
    assert AuditEvent.objects.filter(action="push.claim_bulk").count() == 1


def test_bulk_claim_ignores_pushes_of_other_departments(lk):
    pushes = pushed(lk, "LC-OTHER", item=lk.building)
    target = next(p for p in pushes if p.addressee_department_id == lk.reg_b.pk)
    res = svc.push_claim_bulk(actor=lk.users["regulator_liaison"], push_ids=[target.pk])
    assert res["claimed"] == []
    assert Push.objects.get(pk=target.pk).state == PushState.PENDING


def test_responsibility_moves_at_the_push(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    p = sel.push_get(user=lk.users["regulator_liaison"], pk=p.pk)
    r = sel.responsibility(p)
    assert r["after"] == lk.reg_a.name
    assert r["before"] == lk.bureau.name
    assert r["from"] == local(2026, 9, 30)


def test_inbox_boxes(lk):
    a, b, c = (pushed(lk, f"LC-IB-{i}", at=local(2026, 9, 30, 9, i))[0] for i in range(3))
    liaison = lk.users["regulator_liaison"]
    svc.push_claim(actor=liaison, push=a, at=local(2026, 10, 8))
    push_auto_claim_due(now=local(2026, 11, 1))
    to_claim = sel.push_list(user=liaison, box="to_claim")
    assert list(to_claim) == []
    assert [x.pk for x in sel.push_list(user=liaison, box="claimed")] == [a.pk]
    assert sorted(x.pk for x in sel.push_list(user=liaison, box="auto_claimed")) == sorted(
        [b.pk, c.pk]
    )
    assert sel.push_list(user=liaison, box="sent").count() == 0
    bureau = lk.users["bureau_liaison"]
    assert sel.push_list(user=bureau, box="sent").count() == 3
    # filters
    assert [x.pk for x in sel.push_list(user=liaison, filters={"case_number": "LC-IB-1"})] == [b.pk]
    assert sel.push_list(user=liaison, filters={"claimant": liaison.display_name}).count() == 1
    assert sel.push_list(user=liaison, filters={"late": True}).count() == 2
    # oversight reads everything of its jurisdiction
    assert sel.push_list(user=lk.users["discipline_inspector"]).count() == 3


def test_countdown_in_working_days(lk):
    (p,) = pushed(lk, at=local(2026, 9, 30))
    c = sel.countdown(p, today=dt.date(2026, 10, 8))
    assert c["days"] == 1  # the 9th is left
    assert c["provisional"] is False


def test_provisional_deadline_recomputed_when_the_year_is_loaded(lk):
    """A push near the end of the last loaded year reaches into an unloaded year: provisional;
    importing that year's calendar moves it and clears the flag, audited."""
    from shenguan.calendar.models import CalendarYear
    from shenguan.calendar.services import DayEntry, calendar_import_year

    last = CalendarYear.objects.order_by("-year").first().year
    nxt = last + 1
    at = dt.datetime(last, 12, 31, 10, tzinfo=SH)
    while not workdays.is_working_day(at.date()):
        at -= dt.timedelta(days=1)
    (p,) = pushed(lk, "LC-PROV", at=at)
    p.refresh_from_db()
    assert p.claim_provisional is True
    weekend_due = p.claim_due_date
    # the first working days of the new year become holidays
    entries = [DayEntry(dt.date(nxt, 1, d), "holiday", "元旦", "测试数据") for d in range(1, 8)]
    calendar_import_year(actor=None, year=nxt, entries=entries, source="测试数据（非真实通知）")
    p.refresh_from_db()
    assert p.claim_provisional is False
    assert p.claim_due_date > weekend_due
    assert p.claim_due_date >= dt.date(nxt, 1, 8)
    ev = AuditEvent.objects.filter(action="deadline.recompute", object_type="linkage.push").last()
    assert ev.after["pushes"][0]["id"] == p.pk


def test_manual_only_profile_keeps_overdue_pushes_open_and_flagged(lk):
    """A jurisdiction whose profile says 仅人工认领: pushes wait past their deadline (flagged
    overdue in the countdown and the overdue filter), the sweep never claims them, and a late
    manual claim is counted late. The feedback direction follows its own rule (timeout)."""
    from shenguan.policy import services as pol
    from shenguan.policy.models import PolicyProfile

    prof = pol.policy_clone(
        actor=None,
        source=PolicyProfile.objects.get(code="liaocheng-2021"),
        code="manual-claims",
        name="仅人工认领",
    )
    pol.policy_update(actor=None, profile=prof, params={"claim_mode": "manual"})
    lk.j.refresh_from_db()
    pol.policy_assign(actor=None, jurisdiction=lk.j, profile=prof)
    (p,) = pushed(lk, "LC-MAN-1", at=local(2026, 9, 30))
    assert (p.claim_policy, p.state, p.claim_budget_days) == ("manual", PushState.PENDING, 2)
    assert p.claim_due_date == dt.date(2026, 10, 9)
    assert PushOpen.objects.filter(push_id=p.pk).exists()
    assert push_auto_claim_due(now=local(2026, 12, 1))["claimed"] == 0
    c = sel.countdown(p, today=dt.date(2026, 10, 12))
    assert c["overdue"] is True
    liaison = lk.users["regulator_liaison"]
    overdue = sel.push_list(user=liaison, box="to_claim", filters={"overdue": True})
    assert [x.pk for x in overdue] == [p.pk]
    p = svc.push_claim(actor=liaison, push=p, at=local(2026, 10, 12))
    assert (p.claimed_mode, p.claim_late) == (ClaimedMode.MANUAL, True)
    # the bureau's claim of feedback keeps the profile's bureau rule
    rec = Push.objects.get(pk=p.pk).record
    fb = svc.feedback_create(
        actor=liaison,
        kind="reward",
        title="诚信经营表彰",
        content="年度诚信经营单位。",
        published_on=dt.date(2026, 10, 12),
        record=rec,
        at=local(2026, 10, 12),
    )
    assert Push.objects.get(feedback=fb).claim_policy == "timeout"
