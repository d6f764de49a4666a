"""The figures of a bulletin (通报数据, 002 §23), computed from the rows, and the exact daily
pre-aggregation of pushes (PushDayStat) that keeps a bulletin over ten million pushes fast.

A push counts in the period of the day it was pushed (Asia/Shanghai) and in the department it
was addressed to. Its claim is classed as on time (by hand in time, or claimed on push), late by
hand, auto-claimed on timeout, or still open — pending within its window or overdue at the
cut-off. Its claim time in working days is counted from its day of receipt (ADR 0004) to the
day it was claimed: 0 on push, the budget on timeout. The other figures count deadlines that
fell due in the period (corrections, supervision windows), feedback sent in it, cases decided
in it and cases still undecided past their limit, and red alerts open at its end.

A day of a jurisdiction is rolled up (PushDayStat) once it is over; if some of its pushes were
still open then, it is read live and rolled again later. Once none is open its rows never
change: a claim is final, and a calendar change drops the days it may touch (ADR 0031).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.calendar import workdays
from shenguan.core.bulk import db_datetime

from .models import ClaimStatus, PushDayStat, PushRollup

ROLLUP_WINDOW_DAYS = 400
CLAIM_STATUSES = (ClaimStatus.ON_TIME, ClaimStatus.LATE, ClaimStatus.TIMEOUT)

# --- periods -------------------------------------------------------------------------------------


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period (month, quarter or year) that contains a day: (first day, last day)."""
    if period == "month":
        start = day.replace(day=1)
    elif period == "year":
        start = day.replace(month=1, day=1)
    else:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    months = {"month": 1, "quarter": 3, "year": 12}.get(period, 3)
    m = start.month - 1 + months
    nxt = dt.date(start.year + m // 12, m % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def previous_period(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete period before the one that contains `day`."""
    start, _end = period_bounds(period, day)
    return period_bounds(period, start - dt.timedelta(days=1))


def period_label(period: str, start: dt.date) -> str:
    """A period as the bulletin names it: 2026年第三季度, 2026年9月, 2026年度."""
    if period == "month":
        return f"{start.year}年{start.month}月"
    if period == "year":
        return f"{start.year}年度"
    return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"


# --- claims: the grouped read shared by the roll-up and the live part -------------------------


def _local(column: str) -> tuple[str, str]:
    """SQL for the Asia/Shanghai date and minute of the day of a stored moment."""
    if connection.vendor == "postgresql":
        lt = f"({column} AT TIME ZONE 'Asia/Shanghai')"
        return f"{lt}::date", f"(EXTRACT(HOUR FROM {lt}) * 60 + EXTRACT(MINUTE FROM {lt}))::int"
    return (
        f"date({column}, '+8 hours')",
        f"(CAST(strftime('%%H', {column}, '+8 hours') AS INTEGER) * 60"
        f" + CAST(strftime('%%M', {column}, '+8 hours') AS INTEGER))",
    )


def _as_date(v) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def push_groups(
    jurisdiction_id: int,
    department_ids: list[int],
    day_from: dt.date,
    day_to: dt.date,
    as_of: dt.datetime,
) -> list[tuple]:
    """Pushes addressed to the departments, pushed from `day_from` to `day_to` (local days),
    grouped: (department, direction, day, after office close, mode, claimed day, budget,
    overdue at `as_of`, n) — mode is open / on_push / manual / late / timeout."""
    from shenguan.linkage.models import Push, PushOpen

    if not department_ids:
        return []
    push, opened = Push._meta.db_table, PushOpen._meta.db_table
    day_sql, minute_sql = _local("p.pushed_at")
    claimed_sql, _m = _local("p.claimed_at")
    marks = ", ".join(["%s"] * len(department_ids))
    sql = f"""
        SELECT p.addressee_department_id, p.direction, {day_sql},
            ({minute_sql} >= %s) AS late_in_day,
            CASE WHEN o.push_id IS NOT NULL THEN 'open'
                 WHEN p.claimed_mode = 'on_push' THEN 'on_push'
                 WHEN p.claimed_mode = 'manual' AND p.claim_late THEN 'late'
                 WHEN p.claimed_mode = 'manual' THEN 'manual'
                 ELSE 'timeout' END AS mode,
            CASE WHEN o.push_id IS NULL AND p.claimed_mode = 'manual' THEN {claimed_sql} END,
            CASE WHEN o.push_id IS NULL AND p.claimed_mode IN ('timeout', '')
                 THEN p.claim_budget_days END,
            CASE WHEN o.push_id IS NOT NULL AND p.claim_due_at <= %s THEN 1 ELSE 0 END,
            COUNT(*)
        FROM {push} p LEFT JOIN {opened} o ON o.push_id = p.id
        WHERE p.jurisdiction_id = %s AND p.addressee_department_id IN ({marks})
          AND p.pushed_at >= %s AND p.pushed_at < %s
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    """  # noqa: S608 - table names come from the models
    close = workdays._office_close()
    params = [
        close.hour * 60 + close.minute,
        db_datetime(as_of),
        jurisdiction_id,
        *department_ids,
        db_datetime(_day_start(day_from)),
        db_datetime(_day_start(day_to + dt.timedelta(days=1))),
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [
            (d, direction, _as_date(day), bool(after), mode, _as_date(cd), budget, bool(od), n)
            for d, direction, day, after, mode, cd, budget, od, n in cur.fetchall()
        ]


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0, 0), tzinfo=workdays.SHANGHAI)


def classify(group: tuple, cal=None) -> tuple[str, int, bool]:
    """(status, claim working days or -1 when open, overdue) of a grouped row."""
    _d, _dir, day, after_close, mode, claimed_day, budget, overdue, _n = group
    if mode == "open":
        return ClaimStatus.OPEN, -1, overdue
    if mode == "on_push":
        return ClaimStatus.ON_TIME, 0, False
    if mode == "timeout":
        return ClaimStatus.TIMEOUT, int(budget or 0), False
    received = day
    if after_close or not workdays.is_working_day(day, cal=cal):
        received = workdays.next_working_day(day, cal=cal)
    wd = max(0, workdays.working_days_between(received, claimed_day, cal=cal))
    return (ClaimStatus.LATE if mode == "late" else ClaimStatus.ON_TIME), wd, False


# --- the roll-up --------------------------------------------------------------------------------


def _claim_departments(jurisdiction_id: int) -> list[int]:
    """Departments that receive pushes: the bureau, regulators, enforcement agencies."""
    from shenguan.org.models import Department
    from shenguan.org.roles import DepartmentKind

    return list(
        Department.objects.filter(
            jurisdiction_id=jurisdiction_id,
            kind__in=[DepartmentKind.BUREAU, DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT],
        )
        .order_by("sort_order", "id")
        .values_list("pk", flat=True)
    )


def rollup_days(
    jurisdiction_id: int, day_from: dt.date, day_to: dt.date, now: dt.datetime | None = None
) -> int:
    """Roll the pushes of finished days into PushDayStat (exact counts by department, status
    and claim working days), replacing what was there; returns the days written."""
    now = now or timezone.now()
    day_to = min(day_to, workdays.local_date(now) - dt.timedelta(days=1))
    if day_to < day_from:
        return 0
    cal = workdays.calendar()
    depts = _claim_departments(jurisdiction_id)
    groups = push_groups(jurisdiction_id, depts, day_from, day_to, now)
    stats: Counter = Counter()
    open_left: Counter = Counter()
    for g in groups:
        status, wd, _od = classify(g, cal)
        stats[(g[0], g[1], g[2], status, wd)] += g[8]
        if status == ClaimStatus.OPEN:
            open_left[g[2]] += g[8]
    with transaction.atomic():
        PushDayStat.objects.filter(
            jurisdiction_id=jurisdiction_id, day__gte=day_from, day__lte=day_to
        ).delete()
        PushRollup.objects.filter(
            jurisdiction_id=jurisdiction_id, day__gte=day_from, day__lte=day_to
        ).delete()
        PushDayStat.objects.bulk_create(
            [
                PushDayStat(
                    jurisdiction_id=jurisdiction_id,
                    department_id=d,
                    direction=direction,
                    day=day,
                    status=status,
                    claim_wd=wd,
                    n=n,
                )
                for (d, direction, day, status, wd), n in stats.items()
            ],
            batch_size=2000,
        )
        days = []
        d = day_from
        while d <= day_to:
            days.append(
                PushRollup(
                    jurisdiction_id=jurisdiction_id, day=d, open_left=open_left[d], rolled_at=now
                )
            )
            d += dt.timedelta(days=1)
        PushRollup.objects.bulk_create(days, batch_size=2000)
    return len(days)


def rollup_sweep(*, now: dt.datetime | None = None, window_days: int = ROLLUP_WINDOW_DAYS) -> dict:
    """Roll up every jurisdiction's finished days not rolled yet (within the window) and roll
    again the days that still had open pushes; idempotent."""
    from shenguan.org.models import Jurisdiction

    now = now or timezone.now()
    yesterday = workdays.local_date(now) - dt.timedelta(days=1)
    first = yesterday - dt.timedelta(days=window_days)
    written = 0
    for jid in Jurisdiction.objects.order_by("id").values_list("pk", flat=True):
        rolled = set(
            PushRollup.objects.filter(
                jurisdiction_id=jid, day__gte=first, day__lte=yesterday, open_left=0
            ).values_list("day", flat=True)
        )
        d = first
        start = None
        while d <= yesterday + dt.timedelta(days=1):
            todo = d <= yesterday and d not in rolled
            if todo and start is None:
                start = d
            if not todo and start is not None:
                written += rollup_days(jid, start, d - dt.timedelta(days=1), now)
                start = None
            d += dt.timedelta(days=1)
    return {"days": written}


def rollup_invalidate(*, actor=None, dates, include_provisional: bool, reason: str, **_kw) -> int:
    """A calendar change may change the claim working days of pushes around the changed days:
    drop their roll-up (re-rolled by the sweep). A deadline source of calendar.services."""
    dates = sorted(set(dates))
    q = Q(pk__in=[])
    if dates:
        q |= Q(day__gte=dates[0] - dt.timedelta(days=120), day__lte=dates[-1])
    if include_provisional:
        years = workdays.loaded_years()
        q |= ~Q(day__year__in=list(years)) if years else Q()
    with transaction.atomic():
        PushRollup.objects.filter(q).delete()
        PushDayStat.objects.filter(q).delete()
    return 0  # no deadline moved; the days dropped are rolled again by the sweep


# --- claim figures of a period ------------------------------------------------------------------


def claim_stats(
    jurisdiction_id: int, start: dt.date, end: dt.date, as_of: dt.datetime
) -> dict[int, dict]:
    """Per department: counts by status (open split into pending and overdue at `as_of`) and
    the histogram of claim working days — from the roll-up for finished days without open
    pushes, live for the rest of the period."""
    cal = workdays.calendar()
    depts = _claim_departments(jurisdiction_id)
    final = set(
        PushRollup.objects.filter(
            jurisdiction_id=jurisdiction_id, day__gte=start, day__lte=end, open_left=0
        ).values_list("day", flat=True)
    )
    out: dict[int, dict] = defaultdict(
        lambda: {"counts": Counter(), "hist": Counter(), "pending": 0, "overdue": 0}
    )
    for d, status, wd, n in (
        PushDayStat.objects.filter(jurisdiction_id=jurisdiction_id, day__in=final)
        .values_list("department_id", "status", "claim_wd", "n")
        .iterator(chunk_size=5000)
    ):
        out[d]["counts"][status] += n
        if status in CLAIM_STATUSES:
            out[d]["hist"][wd] += n
    # the days not rolled up (or still open when rolled): live, in runs of consecutive days
    live_runs: list[tuple[dt.date, dt.date]] = []
    d = start
    while d <= end:
        if d not in final:
            if live_runs and live_runs[-1][1] == d - dt.timedelta(days=1):
                live_runs[-1] = (live_runs[-1][0], d)
            else:
                live_runs.append((d, d))
        d += dt.timedelta(days=1)
    for a, b in live_runs:
        for g in push_groups(jurisdiction_id, depts, a, b, as_of):
            status, wd, overdue = classify(g, cal)
            o = out[g[0]]
            o["counts"][status] += g[8]
            if status in CLAIM_STATUSES:
                o["hist"][wd] += g[8]
            elif overdue:
                o["overdue"] += g[8]
            else:
                o["pending"] += g[8]
    return out


def quantile(hist: Counter, p: float) -> float | None:
    """The p-quantile of the values counted in a histogram, interpolated between order
    statistics at (n − 1)·p (as statistics.quantiles(method="inclusive")); None when empty."""
    n = sum(hist.values())
    if n == 0:
        return None
    h = (n - 1) * p
    lo_i, frac = int(h), h - int(h)

    def nth(k: int) -> int:
        seen = 0
        for value in sorted(hist):
            seen += hist[value]
            if seen > k:
                return value
        raise IndexError(k)

    lo = nth(lo_i)
    if frac == 0:
        return float(lo)
    hi = nth(lo_i + 1)
    return lo + frac * (hi - lo)
