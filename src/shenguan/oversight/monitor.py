"""The e-monitoring sweep (电子监察): one monitor over every registered deadline kind.

For each open deadline it derives a level: red once the due date has ended; yellow from the
working day on which the profile's threshold of the budget is used (`yellow_threshold`, 90 %
by default, counted in working days: with a budget of n and k = ⌈threshold·n⌉, yellow from
the k-th working day after the day of receipt, i.e. while at most n − k working days remain);
otherwise normal. A deadline closed after its due date is red and closed late; one closed in
time closes its alerts on time. Levels are stored as `Alert` rows, one per object, kind and
level (a unique key; inserts skip existing rows), raised within a minute by the worker.

Every kind is read through its `rows()` (core.deadlines); the high-volume kinds have set-based
paths (`fastpaths.FAST_PATHS`). Each pass writes its alerts, one audit event per jurisdiction
and the outbox events (notifications to the department's liaisons and leaders in charge, and
for red alerts to oversight accounts) in one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core.deadlines import DeadlineRow
from shenguan.outbox.services import outbox_emit_many

from .models import Alert, AlertLevel

INSERT_CHUNK = 500
DEFAULT_LOOKBACK = dt.timedelta(days=30)
MARGIN = dt.timedelta(minutes=5)

# Every column of the alert table, in the order the raw inserts give them.
ALERT_COLUMNS = (
    "jurisdiction_id",
    "kind",
    "object_type",
    "object_id",
    "level",
    "department_id",
    "title",
    "url",
    "start_date",
    "budget_days",
    "due_date",
    "provisional",
    "suspended_days",
    "raised_at",
    "closed_at",
    "closed_late",
    "explanation",
    "explained_at",
    "explained_by_name",
    "review",
    "review_note",
    "reviewed_at",
    "reviewed_by_name",
)
RETURNING = "RETURNING id, jurisdiction_id, department_id, kind, level, closed_at"


def yellow_remaining(budget: int, threshold: float) -> int:
    """The working days left when yellow starts: n − ⌈threshold·n⌉ (never negative)."""
    k = math.ceil(round(threshold * budget, 9))
    return max(0, budget - k)


def level_on(
    due: dt.date, budget: int, threshold: float, today: dt.date, *, cal=None
) -> str | None:
    """The level of an open deadline on a day: red after its due date, yellow once at most
    n − ⌈threshold·n⌉ working days remain (today not counted), else None (normal)."""
    if today > due:
        return AlertLevel.RED
    left = workdays.working_days_between(today, due, cal=cal)
    if left <= yellow_remaining(budget, threshold):
        return AlertLevel.YELLOW
    return None


def closed_late(closed_at: dt.datetime, due: dt.date) -> bool:
    """Whether a deadline closed after the end of its due date."""
    return closed_at >= workdays.end_of_day(due)


@dataclass
class Run:
    """One monitor run: the moment, the calendar, per-jurisdiction thresholds, what changed."""

    now: dt.datetime
    since: dt.datetime
    today: dt.date = field(init=False)
    cal: object = field(init=False)
    thresholds: dict[int, float] = field(default_factory=dict)
    stats: dict = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self):
        self.today = workdays.local_date(self.now)
        self.cal = workdays.calendar()

    def threshold(self, jid: int) -> float:
        if jid not in self.thresholds:
            from shenguan.policy.selectors import params_for_jurisdiction

            self.thresholds[jid] = float(params_for_jurisdiction(jid)[0].yellow_threshold)
        return self.thresholds[jid]


def default_since(now: dt.datetime) -> dt.datetime:
    """Closures to look at: since the last run of the monitor sweep (minus a margin), or the
    last 30 days when it never ran."""
    from shenguan.outbox.models import SweepState

    last = (
        SweepState.objects.filter(name=SWEEP_NAME, last_error="")
        .values_list("last_run_at", flat=True)
        .first()
    )
    return (last - MARGIN) if last else now - DEFAULT_LOOKBACK


SWEEP_NAME = "oversight.monitor"


# --- writing alerts ------------------------------------------------------------------------------


def alert_values(row: DeadlineRow, level: str, now: dt.datetime) -> tuple:
    """The column values of a new alert for a deadline row (ALERT_COLUMNS order)."""
    closed = row.closed_at
    return (
        row.jurisdiction_id,
        row.kind,
        row.object_type[:48],
        row.object_id,
        level,
        row.department_id,
        (row.title or "")[:300],
        (row.url or "")[:200],
        row.start,
        row.budget_days,
        row.due_date,
        bool(row.provisional),
        row.suspended_days or 0,
        now,
        closed,
        closed_late(closed, row.due_date) if closed else None,
        "",
        None,
        "",
        "",
        "",
        None,
        "",
    )


def insert_alerts(values: list[tuple]) -> list[tuple]:
    """Insert alerts, skipping those that exist (object, kind, level); returns the new ones as
    (id, jurisdiction, department, kind, level, closed_at)."""
    if not values:
        return []
    table = Alert._meta.db_table
    cols = ", ".join(ALERT_COLUMNS)
    out: list[tuple] = []
    ops = connection.ops
    with connection.cursor() as cur:
        for i in range(0, len(values), INSERT_CHUNK):
            chunk = values[i : i + INSERT_CHUNK]
            marks = ", ".join(["(" + ", ".join(["%s"] * len(ALERT_COLUMNS)) + ")"] * len(chunk))
            params = []
            for v in chunk:
                params.extend(_adapt(v, ops))
            cur.execute(
                f"INSERT INTO {table} ({cols}) VALUES {marks} "  # noqa: S608 - names from the model
                "ON CONFLICT (jurisdiction_id, kind, object_id, level) DO NOTHING " + RETURNING,
                params,
            )
            out.extend(cur.fetchall())
    return out


def _adapt(v: tuple, ops) -> list:
    out = []
    for x in v:
        if isinstance(x, dt.datetime):
            out.append(ops.adapt_datetimefield_value(x))
        elif isinstance(x, dt.date):
            out.append(ops.adapt_datefield_value(x))
        else:
            out.append(x)
    return out


def close_alerts(updates: list[tuple[int, dt.datetime, bool]]) -> None:
    """Close alerts: (id, closed_at, late)."""
    objs = [Alert(pk=pk, closed_at=at, closed_late=late) for pk, at, late in updates]
    Alert.objects.bulk_update(objs, ["closed_at", "closed_late"], batch_size=500)


# --- the generic path: any kind through rows() ----------------------------------------------------


def generic_pass(run: Run, kind) -> tuple[list[tuple], list[tuple]]:
    """Alerts of one kind read through its rows(): new ones inserted, finished ones closed.
    Returns (new alerts, closed alerts) for the report."""
    candidates: list[tuple] = []
    open_keys: set[tuple[int, int]] = set()
    closed_rows: dict[tuple[int, int], DeadlineRow] = {}
    for row in kind.rows(jurisdiction_ids=None, open_only=False, closed_since=run.since):
        key = (row.jurisdiction_id, row.object_id)
        if row.closed_at is None:
            open_keys.add(key)
            level = level_on(
                row.due_date,
                row.budget_days,
                run.threshold(row.jurisdiction_id),
                run.today,
                cal=run.cal,
            )
            if level:
                candidates.append(alert_values(row, level, run.now))
        else:
            closed_rows[key] = row
            if closed_late(row.closed_at, row.due_date):
                candidates.append(alert_values(row, AlertLevel.RED, run.now))
    run.stats[f"{kind.code}:open"] += len(open_keys)
    new = insert_alerts(_not_raised(kind.code, candidates))
    updates: list[tuple] = []
    closed_out: list[tuple] = []
    for pk, jid, dept, obj_id, due, level in Alert.objects.filter(
        kind=kind.code, closed_at__isnull=True
    ).values_list("pk", "jurisdiction_id", "department_id", "object_id", "due_date", "level"):
        key = (jid, obj_id)
        if key in open_keys:
            continue
        row = closed_rows.get(key)
        at = row.closed_at if row is not None else run.now  # finished unseen (or withdrawn)
        late = closed_late(at, due)
        updates.append((pk, at, late))
        closed_out.append((pk, jid, dept, kind.code, level, late))
    close_alerts(updates)
    return new, closed_out


def _not_raised(code: str, candidates: list[tuple]) -> list[tuple]:
    """The candidate alerts that do not exist yet (read by key in chunks, so that a steady
    sweep writes nothing)."""
    out: list[tuple] = []
    for i in range(0, len(candidates), 2000):
        chunk = candidates[i : i + 2000]
        have = set(
            Alert.objects.filter(kind=code, object_id__in={c[3] for c in chunk}).values_list(
                "jurisdiction_id", "object_id", "level"
            )
        )
        out += [c for c in chunk if (c[0], c[3], c[4]) not in have]
    return out


# --- reporting: audit, notifications -------------------------------------------------------------


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as [first, last] ranges (a batch of inserted alerts is mostly contiguous)."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def report(run: Run, kind_code: str, new: list[tuple], closed: list[tuple]) -> None:
    """One audit event per jurisdiction for the alerts raised and one for those closed; one
    outbox event per department and level with a notification to its liaisons and leaders in
    charge, and one per jurisdiction for red alerts to oversight accounts (in the caller's
    transaction)."""
    from shenguan.core.deadlines import deadline_kind
    from shenguan.linkage.services import liaison_user_ids, oversight_user_ids

    if not new and not closed:
        return
    kind = deadline_kind(kind_code)
    label = str(kind.label) if kind else kind_code
    raised_by_j: dict[int, list] = defaultdict(list)
    by_dept: dict[tuple, list[int]] = defaultdict(list)
    for pk, jid, dept, _kind, level, closed_at in new:
        raised_by_j[jid].append((pk, level, closed_at is not None))
        if closed_at is None:  # a deadline already closed late needs no reminder
            by_dept[(jid, dept, level)].append(pk)
    for jid, items in sorted(raised_by_j.items()):
        audit_record(
            actor=None,
            action="alert.raise",
            obj=("oversight.alert", f"{min(i[0] for i in items)}..{max(i[0] for i in items)}"),
            jurisdiction_id=jid,
            after={
                "kind": kind_code,
                "count": len(items),
                "yellow": sum(1 for i in items if i[1] == AlertLevel.YELLOW),
                "red": sum(1 for i in items if i[1] == AlertLevel.RED),
                "closed_late": sum(1 for i in items if i[2]),
                "alert_ids": id_ranges([i[0] for i in items]),
            },
        )
    closed_by_j: dict[int, list] = defaultdict(list)
    for pk, jid, _dept, _kind, _level, late in closed:
        closed_by_j[jid].append((pk, late))
    for jid, items in sorted(closed_by_j.items()):
        audit_record(
            actor=None,
            action="alert.close",
            obj=("oversight.alert", f"{min(i[0] for i in items)}..{max(i[0] for i in items)}"),
            jurisdiction_id=jid,
            after={
                "kind": kind_code,
                "count": len(items),
                "late": sum(1 for i in items if i[1]),
                "alert_ids": id_ranges([i[0] for i in items]),
            },
        )
    if not by_dept:
        return
    liaisons = liaison_user_ids({k[1] for k in by_dept}, run.today)
    events = []
    red_by_j: dict[int, int] = defaultdict(int)
    for (jid, dept, level), ids in sorted(by_dept.items()):
        word = "红灯" if level == AlertLevel.RED else "黄灯"
        if level == AlertLevel.RED:
            red_by_j[jid] += len(ids)
        events.append(
            {
                "event_type": f"alert.{level}",
                "jurisdiction_id": jid,
                "payload": {
                    "kind": kind_code,
                    "level": level,
                    "department_id": dept,
                    "count": len(ids),
                    "alert_ids": id_ranges(ids),
                },
                "department_ids": [dept],
                "notify_user_ids": liaisons.get(dept, []),
                "notify": {
                    "title": f"{len(ids)}条{label}{word}预警",
                    "body": (
                        "时限已届满，请立即办理并提交情况说明。"
                        if level == AlertLevel.RED
                        else "时限即将届满，请及时办理。"
                    ),
                    "link": f"/oversight/alerts/?level={level}&kind={kind_code}&open=1",
                },
            }
        )
    for jid, n in sorted(red_by_j.items()):
        events.append(
            {
                "event_type": "alert.red_summary",
                "jurisdiction_id": jid,
                "payload": {"kind": kind_code, "count": n},
                "notify_user_ids": oversight_user_ids(jid),
                "notify": {
                    "title": f"电子监察：新增{n}条{label}红灯预警",
                    "body": "请在电子监察页面查看并核查。",
                    "link": f"/oversight/alerts/?level=red&kind={kind_code}&open=1",
                },
            }
        )
    outbox_emit_many(events=events)
