"""The monitor over every deadline kind: levels on the right working days (real calendars, a
holiday in between), suspensions excluded from approval time limits, failed supervision."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shenguan.core.deadlines import deadline_kinds
from shenguan.linkage import services as lsvc
from shenguan.oversight import kinds as K
from shenguan.oversight.models import Alert, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .helpers import approve, at, push_of, record_data

pytestmark = pytest.mark.django_db


def workdays_after(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start`, by chinese-calendar (the oracle, not our table)."""
    d, k = start, 0
    while k < n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            k += 1
    return d


def alerts(kind, obj_id):
    return {a.level: a for a in Alert.objects.filter(kind=kind, object_id=obj_id).order_by("level")}


def test_every_linkage_kind_is_registered():
    codes = {k.code for k in deadline_kinds()}
    assert {
        K.APPROVAL_PROMISED,
        K.APPROVAL_STATUTORY,
        K.PUSH_CLAIM,
        K.FEEDBACK_SEND,
        K.FEEDBACK_CLAIM,
        K.CORRECTION_REPLY,
        K.DISPOSAL,
        K.SUPERVISION_START,
        K.ESCALATION_STEP,
    } <= codes


def test_unclaimed_push_turns_yellow_then_red_across_national_day(lk):
    # Tuesday 30 September 2025, before office close: received that day. 1–8 October are
    # holidays, Saturday 11 October a make-up working day (国办发明电〔2024〕12号).
    rec = approve(lk, when=at(2025, 9, 30, 10))
    p = push_of(rec, lk.reg_a)
    due = workdays_after(dt.date(2025, 9, 30), 2)
    assert due == dt.date(2025, 10, 10) == p.claim_due_date
    monitor_sweep(now=at(2025, 10, 8, 23, 59), since=at(2025, 9, 1))
    assert alerts(K.PUSH_CLAIM, p.pk) == {}
    monitor_sweep(now=at(2025, 10, 9, 16), since=at(2025, 9, 1))
    assert alerts(K.PUSH_CLAIM, p.pk) == {}  # one working day left: still normal
    monitor_sweep(now=at(2025, 10, 10, 0, 1), since=at(2025, 9, 1))
    got = alerts(K.PUSH_CLAIM, p.pk)
    assert set(got) == {"yellow"} and got["yellow"].department_id == lk.reg_a.pk
    monitor_sweep(now=at(2025, 10, 10, 23, 59), since=at(2025, 9, 1))
    assert set(alerts(K.PUSH_CLAIM, p.pk)) == {"yellow"}  # the last day itself is not over
    monitor_sweep(now=at(2025, 10, 11, 0, 1), since=at(2025, 9, 1))
    got = alerts(K.PUSH_CLAIM, p.pk)
    assert set(got) == {"yellow", "red"} and got["red"].closed_at is None
    # running again changes nothing (one row per object and level)
    monitor_sweep(now=at(2025, 10, 11, 0, 2), since=at(2025, 9, 1))
    assert Alert.objects.filter(kind=K.PUSH_CLAIM, object_id=p.pk).count() == 2
    # a late manual claim closes both alerts, late
    lsvc.push_claim(actor=lk.users["regulator_liaison"], push=p, at=at(2025, 10, 13, 9))
    monitor_sweep(now=at(2025, 10, 13, 9, 1), since=at(2025, 9, 1))
    got = alerts(K.PUSH_CLAIM, p.pk)
    assert all(a.closed_at == at(2025, 10, 13, 9) and a.closed_late for a in got.values())


def test_claim_on_time_closes_yellow_on_time(lk):
    rec = approve(lk, when=at(2025, 9, 30, 10))
    p = push_of(rec, lk.reg_a)
    monitor_sweep(now=at(2025, 10, 10, 8), since=at(2025, 9, 1))
    lsvc.push_claim(actor=lk.users["regulator_liaison"], push=p, at=at(2025, 10, 10, 9))
    monitor_sweep(now=at(2025, 10, 10, 9, 1), since=at(2025, 9, 1))
    (a,) = Alert.objects.filter(kind=K.PUSH_CLAIM, object_id=p.pk)
    assert a.level == "yellow" and a.closed_late is False


def _case(lk, *, accepted: dt.date, decided: dt.date, promised: int, name: str):
    lk.food.promised_days = promised
    lk.food.statutory_days = 20
    lk.food.save(update_fields=["promised_days", "statutory_days"])
    data = {"accepted_on": accepted, "decided_on": decided}
    return lsvc.record_create(
        actor=lk.users["approver"],
        department=lk.bureau,
        data=record_data(lk.food, case_number=name, **data),
    )


def test_expert_review_is_excluded_from_the_approval_time_limit(lk):
    accepted = dt.date(2026, 3, 2)
    decided = workdays_after(accepted, 14)  # 4 working days over a promise of 10
    assert decided == dt.date(2026, 3, 20)
    excluded = _case(lk, accepted=accepted, decided=decided, promised=10, name="OV-SUSP-1")
    counted = _case(lk, accepted=accepted, decided=decided, promised=10, name="OV-SUSP-2")
    lsvc.suspension_start(
        actor=lk.users["approver"],
        record=excluded,
        kind="expert_review",
        started_on=dt.date(2026, 3, 9),
        ended_on=dt.date(2026, 3, 13),  # Monday to Friday: 5 working days
        reason="专家评审",
    )
    monitor_sweep(now=at(2026, 3, 25, 10), since=at(2026, 1, 1))
    assert alerts(K.APPROVAL_PROMISED, excluded.pk) == {}
    red = alerts(K.APPROVAL_PROMISED, counted.pk)["red"]
    assert red.closed_late is True and red.due_date == workdays_after(accepted, 10)
    assert red.department_id == lk.bureau.pk
    # within the statutory 20 working days either way
    assert alerts(K.APPROVAL_STATUTORY, counted.pk) == {}


def test_open_case_with_open_suspension_is_not_overdue(lk):
    accepted = dt.date(2026, 3, 2)
    case = _case(lk, accepted=accepted, decided=None, promised=5, name="OV-SUSP-3")
    lsvc.suspension_start(
        actor=lk.users["approver"],
        record=case,
        kind="testing",
        started_on=dt.date(2026, 3, 4),
        reason="检验检测",
    )
    # 9 working days after acceptance, 7 of them suspended: 2 of 5 used
    monitor_sweep(now=at(2026, 3, 13, 10), since=at(2026, 1, 1))
    assert alerts(K.APPROVAL_PROMISED, case.pk) == {}


def test_claimed_push_without_supervision_raises_failed_supervision(lk):
    rec = approve(lk, when=at(2026, 3, 2, 9))
    p = push_of(rec, lk.reg_a)
    claimed = at(2026, 3, 3, 10)
    lsvc.push_claim(actor=lk.users["regulator_liaison"], push=p, at=claimed)
    monitor_sweep(now=at(2026, 3, 3, 10, 1), since=at(2026, 3, 1))
    task = SupervisionTask.objects.get(push=p)
    due = workdays_after(dt.date(2026, 3, 3), 20)
    assert task.start_due_date == due and task.start_budget_days == 20
    yellow_day = workdays_after(dt.date(2026, 3, 3), 18)  # ⌈90 % × 20⌉ = 18
    before_yellow = yellow_day - dt.timedelta(days=1)
    monitor_sweep(
        now=dt.datetime.combine(before_yellow, dt.time(23, 59), tzinfo=at(2026, 1, 1).tzinfo)
    )
    assert alerts(K.SUPERVISION_START, task.pk) == {}
    monitor_sweep(now=dt.datetime.combine(yellow_day, dt.time(0, 1), tzinfo=at(2026, 1, 1).tzinfo))
    assert set(alerts(K.SUPERVISION_START, task.pk)) == {"yellow"}
    monitor_sweep(now=dt.datetime.combine(due, dt.time(23, 59), tzinfo=at(2026, 1, 1).tzinfo))
    assert set(alerts(K.SUPERVISION_START, task.pk)) == {"yellow"}
    day_after = due + dt.timedelta(days=1)
    monitor_sweep(now=dt.datetime.combine(day_after, dt.time(0, 1), tzinfo=at(2026, 1, 1).tzinfo))
    got = alerts(K.SUPERVISION_START, task.pk)
    assert set(got) == {"yellow", "red"} and got["red"].department_id == lk.reg_a.pk
