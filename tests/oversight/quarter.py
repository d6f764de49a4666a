"""A quarter of generated data (2026 Q1, liaocheng-2021) made through the services, and an
independent recomputation of every bulletin figure from the raw rows (the oracle): working
days by chinese-calendar, the receipt rule of ADR 0004 written out again, quantiles by
statistics.quantiles — none of the application's counting code."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import chinese_calendar

from shenguan.calendar.models import Deadline
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import ApprovalRecord, CaseSuspension, Feedback, Push, PushOpen
from shenguan.linkage.sweeps import push_auto_claim_due, push_claims_materialize
from shenguan.oversight import services as osvc
from shenguan.oversight.models import Alert, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .helpers import SH, approve, at, record_data

Q_START, Q_END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
AS_OF = at(2026, 4, 1, 10)


# --- the oracle's own working-day arithmetic ---------------------------------------------------


def is_wd(d: dt.date) -> bool:
    return chinese_calendar.is_workday(d)


def next_wd(d: dt.date) -> dt.date:
    d += dt.timedelta(days=1)
    while not is_wd(d):
        d += dt.timedelta(days=1)
    return d


def received(moment: dt.datetime) -> dt.date:
    local = moment.astimezone(SH)
    d = local.date()
    if local.time() >= dt.time(17, 30) or not is_wd(d):
        return next_wd(d)
    return d


def wd_between(a: dt.date, b: dt.date) -> int:
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        n += is_wd(d)
    return n


def nth_wd(start: dt.date, n: int) -> dt.date:
    d = start
    for _ in range(n):
        d = next_wd(d)
    return d


def day_start(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0), tzinfo=SH)


# --- the quarter ---------------------------------------------------------------------------------


def build_quarter(lk) -> dict:
    """Approvals, claims on time, late and on timeout, feedback on time and late, a correction,
    supervision started on time, late and never, overtime approvals, and red alerts."""
    reg_a = lk.reg_a
    liaison_a = lk.users["regulator_liaison"]
    lk.food.promised_days = 10
    lk.food.save(update_fields=["promised_days"])
    moments = [
        at(2026, 1, 5, 9),
        at(2026, 1, 9, 18),  # Friday after office close: received on Monday
        at(2026, 1, 17, 11),  # Saturday: received on Monday
        at(2026, 2, 3, 10),
        at(2026, 2, 13, 16),  # before the Spring Festival holiday
        at(2026, 3, 2, 9),
        at(2026, 3, 10, 14),
        at(2026, 3, 16, 10),
        at(2026, 3, 20, 17, 45),
        at(2026, 3, 31, 15),  # still in its claim window at the cut-off
    ]
    recs = []
    for i, when in enumerate(moments):
        item = lk.building if i % 3 == 0 else lk.food  # building: pushed to reg_b and reg_a
        accepted = when.astimezone(SH).date() - dt.timedelta(days=20 + 3 * (i % 4))
        rec = approve(
            lk, item, when=when, accepted_on=accepted, decided_on=when.astimezone(SH).date()
        )
        recs.append(rec)
    pushes = list(Push.objects.filter(record__in=recs, kind="approval").order_by("pushed_at", "id"))
    # claims: on time, late by hand, left to the timeout sweep
    plan = {}
    for n, p in enumerate(pushes):
        if p.addressee_department_id != reg_a.pk:
            plan[p.pk] = "timeout"
        elif n % 3 == 0:
            plan[p.pk] = "on_time"
        elif n % 3 == 1:
            plan[p.pk] = "late"
        else:
            plan[p.pk] = "timeout"
    # the monitor runs now and then during the quarter
    for when in (at(2026, 1, 20, 8), at(2026, 2, 27, 8), at(2026, 3, 25, 8)):
        _claims_until(when, pushes, plan, liaison_a)
        monitor_sweep(now=when, since=at(2025, 12, 1))
    _claims_until(AS_OF, pushes, plan, liaison_a)
    push_auto_claim_due(now=AS_OF)
    push_claims_materialize(now=AS_OF, limit=2)  # some rewritten, some not yet
    monitor_sweep(now=AS_OF, since=at(2025, 12, 1))
    # supervision: on time, late, never
    tasks = list(SupervisionTask.objects.filter(department=reg_a).order_by("start_due_date", "id"))
    for n, t in enumerate(tasks):
        if n % 3 == 0:
            osvc.supervision_start(
                actor=liaison_a, task=t, kind="inspection", at=t.claimed_at + dt.timedelta(days=3)
            )
        elif n % 3 == 1:
            osvc.supervision_start(
                actor=liaison_a,
                task=t,
                kind="no_inspection",
                note="经研究，该许可风险较低，本期不实施检查",
                at=t.start_due_at + dt.timedelta(days=2),
            )
    # feedback: on time and late; a correction request
    rec0 = recs[1]
    lsvc.feedback_create(
        actor=liaison_a,
        kind="inspection",
        title="日常检查结果",
        content="未发现问题",
        published_on=dt.date(2026, 2, 2),
        record=rec0,
        abnormal=False,
        at=at(2026, 2, 3, 10),
    )
    lsvc.feedback_create(
        actor=liaison_a,
        kind="penalty",
        title="行政处罚决定",
        content="罚款五千元",
        published_on=dt.date(2026, 3, 2),
        record=rec0,
        at=at(2026, 3, 12, 10),  # after the 3 working days of 002 §17(二)
    )
    lsvc.feedback_create(
        actor=liaison_a,
        kind="correction_request",
        title="许可条件审查有误",
        content="经营面积不符合要求",
        published_on=dt.date(2026, 3, 3),
        record=rec0,
        at=at(2026, 3, 3, 11),
    )
    # a case decided late in the quarter, one still undecided past its limit
    late_case = lsvc.record_create(
        actor=lk.users["approver"],
        department=lk.bureau,
        data=record_data(
            lk.food,
            case_number="OV-Q-LATE",
            accepted_on=dt.date(2026, 2, 2),
            decided_on=dt.date(2026, 3, 6),
        ),
    )
    lsvc.record_create(
        actor=lk.users["approver"],
        department=lk.bureau,
        data=record_data(
            lk.food, case_number="OV-Q-OPEN", accepted_on=dt.date(2026, 3, 2), decided_on=None
        ),
    )
    return {"records": recs, "late_case": late_case, "pushes": pushes}


def _claims_until(when, pushes, plan, liaison):
    for p in pushes:
        p.refresh_from_db()
        if not PushOpen.objects.filter(push_id=p.pk).exists():
            continue
        if plan[p.pk] == "on_time":
            moment = p.claim_start_at + dt.timedelta(hours=2)
        elif plan[p.pk] == "late":
            moment = p.claim_due_at + dt.timedelta(days=3, hours=10)
        else:
            continue
        if moment <= when:
            lsvc.push_claim(actor=liaison, push=p, at=moment)


# --- the oracle --------------------------------------------------------------------------------


def _quantile(values: list[int], p: float):
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    if p == 0.5:
        return float(statistics.median(values))
    return float(cuts[int(p * 100) - 1])


def oracle(j, start: dt.date, end: dt.date, as_of: dt.datetime) -> dict[int, dict]:
    """Every figure per department, recomputed from the raw rows."""
    out: dict[int, dict] = defaultdict(lambda: Counter())
    claim_days: dict[int, list[int]] = defaultdict(list)
    open_ids = set(PushOpen.objects.values_list("push_id", flat=True))
    for p in Push.objects.filter(jurisdiction=j):
        local = p.pushed_at.astimezone(SH).date()
        if not start <= local <= end:
            continue
        o = out[p.addressee_department_id]
        o["pushes_received"] += 1
        if p.pk in open_ids:
            if p.claim_due_at <= as_of:
                o["unclaimed_overdue"] += 1
            else:
                o["pending"] += 1
            continue
        if p.claimed_mode == "on_push":
            o["claimed_on_time"] += 1
            claim_days[p.addressee_department_id].append(0)
        elif p.claimed_mode == "manual":
            o["claimed_late" if p.claim_late else "claimed_on_time"] += 1
            days = max(0, wd_between(received(p.pushed_at), p.claimed_at.astimezone(SH).date()))
            claim_days[p.addressee_department_id].append(days)
        else:  # claimed by the timeout sweep (rewritten or not)
            o["auto_claimed"] += 1
            claim_days[p.addressee_department_id].append(p.claim_budget_days)
    for fb in Feedback.objects.filter(jurisdiction=j):
        o = out[fb.sender_department_id]
        if fb.sent_at and start <= fb.sent_at.astimezone(SH).date() <= end:
            o["feedback_late" if fb.send_late else "feedback_on_time"] += 1
        if (
            fb.state == "held"
            and start <= fb.send_due_date <= end
            and fb.send_due_date < (as_of.astimezone(SH).date())
        ):
            o["feedback_unsent_overdue"] += 1
    for dl in Deadline.objects.filter(jurisdiction=j, purpose="correction_reply"):
        if not start <= dl.due_date <= end:
            continue
        fb = Feedback.objects.get(pk=dl.subject_id)
        o = out[fb.addressee_department_id]
        o["corrections_due"] += 1
        if dl.state == "late" or (dl.state == "open" and dl.due_at <= as_of):
            o["corrections_late"] += 1
    today = as_of.astimezone(SH).date()
    for r in ApprovalRecord.objects.filter(jurisdiction=j).select_related("item"):
        budget = r.item.promised_days if r.item.promised_days is not None else r.item.statutory_days
        if budget is None:
            continue
        until = r.decided_on or dt.date.today()
        suspended = set()
        for s in CaseSuspension.objects.filter(record=r):
            d = s.started_on
            while d <= min(s.ended_on or until, until):
                if is_wd(d):
                    suspended.add(d)
                d += dt.timedelta(days=1)
        due = nth_wd(r.accepted_on, budget + len(suspended))
        if r.decided_on is not None:
            if not start <= r.decided_on <= end:
                continue
            late = r.decided_on > due
        else:
            if not (due < today and due <= end):
                continue
            late = True
        o = out[r.department_id]
        o["approvals_counted"] += 1
        o["approvals_overtime"] += int(late)
    for t in SupervisionTask.objects.filter(jurisdiction=j):
        due = nth_wd(received(t.claimed_at), 20)
        assert due == t.start_due_date, (t.pk, due, t.start_due_date)
        if not start <= due <= end:
            continue
        o = out[t.department_id]
        o["supervision_due"] += 1
        end_of_due = day_start(due + dt.timedelta(days=1))
        if t.started_at is not None and t.started_at >= end_of_due:
            o["supervision_late"] += 1
        if t.started_at is None and end_of_due <= as_of:
            o["supervision_never"] += 1
    cut = min(as_of, day_start(end + dt.timedelta(days=1)))
    for a in Alert.objects.filter(jurisdiction=j, level="red"):
        if a.raised_at < cut and (a.closed_at is None or a.closed_at >= cut):
            out[a.department_id]["open_red_alerts"] += 1
    result = {}
    for d, o in out.items():
        decided = o["pushes_received"] - o["pending"]
        figures = dict(o)
        figures["on_time_rate"] = round(o["claimed_on_time"] / decided, 6) if decided else None
        figures["median_claim_days"] = _quantile(claim_days[d], 0.5)
        figures["p90_claim_days"] = _quantile(claim_days[d], 0.9)
        result[d] = figures
    return result
