"""Set-based monitor paths for the high-volume kinds: claims of pushes (a million open rows,
ADR 0014) and supervision windows; and the queue of claims linkage reports.

The open deadlines are first counted by (jurisdiction, due date, budget): the level is a
function of those three and of the day, so Python decides it once per group and one INSERT …
SELECT joins the open rows to the yellow and red groups, skipping alerts that exist (the unique
key). Finished deadlines close their open alerts in one UPDATE. Both statements run the same
on PostgreSQL and SQLite (3.35+: RETURNING, upsert).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction

from shenguan.calendar import workdays
from shenguan.core.bulk import db_date, db_datetime

from . import kinds as K
from .models import Alert, AlertLevel, ClaimQueue, SupervisionTask
from .monitor import (
    RETURNING,
    Run,
    alert_values,
    closed_late,
    insert_alerts,
    level_on,
    report,
    yellow_remaining,
)

QUEUE_ROWS_PER_RUN = 200


def _local_date_sql(column: str) -> str:
    """The Asia/Shanghai date of a stored moment, in SQL."""
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({column}, '+8 hours')"  # SQLite stores UTC text; Shanghai has no DST


def _groups_sql(groups: list[tuple]) -> tuple[str, list]:
    """A VALUES list of (jurisdiction, due date, budget, level) for the join."""
    pg = connection.vendor == "postgresql"
    row = "(%s::bigint, %s::date, %s::int, %s::text)" if pg else "(%s, %s, %s, %s)"
    params: list = []
    for jid, due, budget, level in groups:
        params += [jid, db_date(due), budget, level]
    return ", ".join([row] * len(groups)), params


def _levels(run: Run, counts) -> tuple[list[tuple], int]:
    """The yellow and red groups among (jurisdiction, due date, budget, n) counts."""
    out, total = [], 0
    for jid, due, budget, n in counts:
        total += n
        if isinstance(due, str):
            due = dt.date.fromisoformat(due)
        level = level_on(due, budget, run.threshold(jid), run.today, cal=run.cal)
        if level:
            out.append((jid, due, budget, level))
    return out, total


_ALERT_COLS = (
    "jurisdiction_id, kind, object_type, object_id, level, department_id, title, url, "
    "start_date, budget_days, due_date, provisional, suspended_days, raised_at, closed_at, "
    "closed_late, explanation, explained_at, explained_by_name, review, review_note, "
    "reviewed_at, reviewed_by_name"
)


def _insert_from_groups(groups: list[tuple], select_sql: str, params: list) -> list[tuple]:
    """INSERT … SELECT the alerts of the open rows in the given groups (`select_sql` joins the
    CTE `g(jid, due, budget, lvl)`), skipping existing ones; returns the new ones."""
    if not groups:
        return []
    values, gparams = _groups_sql(groups)
    table = Alert._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"WITH g(jid, due, budget, lvl) AS (VALUES {values}) "
            f"INSERT INTO {table} ({_ALERT_COLS}) {select_sql} "
            "ON CONFLICT (jurisdiction_id, kind, object_id, level) DO NOTHING " + RETURNING,
            gparams + params,
        )
        return cur.fetchall()


# --- claims of pushes --------------------------------------------------------------------------


MAX_BUDGET = 366  # no claim budget is longer than a year (the profile allows 30 working days)


def _min_budget(left: int, threshold: float) -> int | None:
    """The smallest budget n with n − ⌈threshold·n⌉ ≥ left: a deadline with `left` working
    days to go is yellow exactly when its budget is at least this (None: never)."""
    for n in range(left, 400):
        if yellow_remaining(n, threshold) >= left:
            return n
    return None


def _push_by_key(push: str, cond: str) -> str:
    """Join the push rows of the open rows by key: a LATERAL read on PostgreSQL, so that the
    wide push table is never scanned whole (a hash join would read ten million rows)."""
    if connection.vendor == "postgresql":
        return (
            "CROSS JOIN LATERAL (SELECT p.id, p.title, p.claim_start_at, p.claim_budget_days, "  # noqa: S608
            f"p.claim_due_date, p.claim_provisional FROM {push} p WHERE p.id = o.push_id "
            f"AND {cond}) p"
        )
    return f"JOIN {push} p ON p.id = o.push_id AND {cond}"


def _moment(value) -> dt.datetime:
    """A stored moment read by a raw query (SQLite gives UTC text)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _push_pass(run: Run, kind) -> tuple[list, list]:
    """Claims of pushes: the open rows are counted by (jurisdiction, claim deadline) on the
    narrow PushOpen table alone; a group past its day is red, a group due today yellow, a later
    one yellow for the pushes whose budget is at least `_min_budget` — so the wide push table
    is read only for the alerts to write."""
    from shenguan.linkage.models import Push, PushOpen

    feedback = kind.code == K.FEEDBACK_CLAIM
    op = "=" if feedback else "<>"
    push, opened, table = Push._meta.db_table, PushOpen._meta.db_table, Alert._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT jurisdiction_id, claim_due_at, COUNT(*) FROM {opened} "  # noqa: S608
            f"WHERE kind {op} 'feedback' GROUP BY jurisdiction_id, claim_due_at"
        )
        counts = cur.fetchall()
    groups, total, soon = [], 0, []
    for jid, due_at, n in counts:
        total += n
        moment = _moment(due_at)
        due = workdays.local_date(moment - dt.timedelta(microseconds=1))
        if due < run.today:
            groups.append((jid, due_at, None, AlertLevel.RED))
            continue
        left = workdays.working_days_between(run.today, due, cal=run.cal)
        least = 0 if left == 0 else _min_budget(left, run.threshold(jid))
        if least == 0:
            groups.append((jid, due_at, None, AlertLevel.YELLOW))
        elif least is not None and least <= MAX_BUDGET:
            soon.append((jid, due_at, least))
    if soon:
        # which budgets the pushes due in the next few working days have (yellow only for
        # long budgets): read for those rows alone, by key
        pg = connection.vendor == "postgresql"
        row = "(%s::bigint, %s::timestamptz, %s::int)" if pg else "(%s, %s, %s)"
        with connection.cursor() as cur:
            cur.execute(
                f"WITH g(jid, due_at, least) AS (VALUES {', '.join([row] * len(soon))}) "  # noqa: S608
                "SELECT o.jurisdiction_id, o.claim_due_at, p.claim_budget_days "
                f"FROM g JOIN {opened} o "
                "ON o.jurisdiction_id = g.jid AND o.claim_due_at = g.due_at "
                f"{_push_by_key(push, 'p.claim_budget_days >= g.least')} "
                f"WHERE o.kind {op} 'feedback' "
                "GROUP BY o.jurisdiction_id, o.claim_due_at, p.claim_budget_days",
                [x for t in soon for x in t],
            )
            groups += [(jid, due_at, budget, AlertLevel.YELLOW) for jid, due_at, budget in cur]
    run.stats[f"{kind.code}:open"] += total
    new: list[tuple] = []
    if groups:
        pg = connection.vendor == "postgresql"
        row = "(%s::bigint, %s::timestamptz, %s::int, %s::text)" if pg else "(%s, %s, %s, %s)"
        params: list = []
        for jid, due_at, budget, level in groups:
            params += [jid, due_at, budget, level]
        with connection.cursor() as cur:
            cur.execute(
                f"WITH g(jid, due_at, budget, lvl) AS (VALUES {', '.join([row] * len(groups))}) "  # noqa: S608
                f"INSERT INTO {table} ({_ALERT_COLS}) "
                f"SELECT o.jurisdiction_id, %s, 'linkage.push', p.id, g.lvl, "
                f"o.addressee_department_id, p.title, '', {_local_date_sql('p.claim_start_at')}, "
                "p.claim_budget_days, p.claim_due_date, p.claim_provisional, 0, %s, NULL, NULL, "
                f"'', NULL, '', '', '', NULL, '' FROM g JOIN {opened} o "
                "ON o.jurisdiction_id = g.jid AND o.claim_due_at = g.due_at "
                f"{_push_by_key(push, '(g.budget IS NULL OR p.claim_budget_days = g.budget)')} "
                f"WHERE o.kind {op} 'feedback' "
                f"AND NOT EXISTS (SELECT 1 FROM {table} x "
                "WHERE x.jurisdiction_id = o.jurisdiction_id AND x.kind = %s "
                "AND x.object_id = o.push_id AND x.level = g.lvl) "
                "ON CONFLICT (jurisdiction_id, kind, object_id, level) DO NOTHING " + RETURNING,
                [*params, kind.code, db_datetime(run.now), kind.code],
            )
            new = cur.fetchall()
    late = (
        "COALESCE((SELECT (p.claim_late OR p.claimed_at IS NULL) FROM {push} p "
        "WHERE p.id = a.object_id), %s)"
    )
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} AS a SET "  # noqa: S608
            f"closed_at = COALESCE((SELECT COALESCE(p.claimed_at, p.claim_due_at) FROM {push} p "
            f"WHERE p.id = a.object_id), %s), closed_late = {late.format(push=push)} "
            "WHERE a.closed_at IS NULL AND a.kind = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {opened} o WHERE o.push_id = a.object_id) "
            "RETURNING id, jurisdiction_id, department_id, kind, level, closed_late",
            [db_datetime(run.now), True, kind.code],
        )
        closed = cur.fetchall()
    return new, closed


# --- supervision windows -------------------------------------------------------------------------


def _supervision_pass(run: Run, kind) -> tuple[list, list]:
    task = SupervisionTask._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT jurisdiction_id, start_due_date, start_budget_days, COUNT(*) FROM {task} "  # noqa: S608
            "WHERE started_at IS NULL GROUP BY jurisdiction_id, start_due_date, start_budget_days"
        )
        counts = cur.fetchall()
    groups, total = _levels(run, counts)
    run.stats[f"{kind.code}:open"] += total
    select = (
        f"SELECT t.jurisdiction_id, %s, 'oversight.supervisiontask', t.id, g.lvl, "  # noqa: S608
        f"t.department_id, t.title, '', {_local_date_sql('t.claimed_at')}, t.start_budget_days, "
        "t.start_due_date, t.start_provisional, 0, %s, NULL, NULL, '', NULL, '', '', '', NULL, "
        f"'' FROM {task} t JOIN g ON g.jid = t.jurisdiction_id AND g.due = t.start_due_date "
        "AND g.budget = t.start_budget_days WHERE t.started_at IS NULL"
    )
    new = _insert_from_groups(groups, select, [kind.code, db_datetime(run.now)])
    table = Alert._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} AS a SET "  # noqa: S608
            f"closed_at = (SELECT t.started_at FROM {task} t WHERE t.id = a.object_id), "
            f"closed_late = (SELECT t.start_late FROM {task} t WHERE t.id = a.object_id) "
            "WHERE a.closed_at IS NULL AND a.kind = %s AND EXISTS (SELECT 1 FROM "
            f"{task} t WHERE t.id = a.object_id AND t.started_at IS NOT NULL) "
            "RETURNING id, jurisdiction_id, department_id, kind, level, closed_late",
            [kind.code],
        )
        closed = cur.fetchall()
    return new, closed


FAST_PATHS = {
    K.PUSH_CLAIM: _push_pass,
    K.FEEDBACK_CLAIM: _push_pass,
    K.SUPERVISION_START: _supervision_pass,
}


# --- the claim queue ---------------------------------------------------------------------------


def _late_claim_rows(pushes: list[dict]):
    """Red, closed-late alerts for pushes claimed after their deadline (by hand, or by the
    timeout sweep before the monitor saw them open)."""
    from shenguan.core.deadlines import DeadlineRow

    for p in pushes:
        claimed = p["claimed_at"] or p["claim_due_at"]
        late = p["claim_late"] or (p["claimed_at"] is None and p["state"] == "pending")
        if not late:
            continue
        yield DeadlineRow(
            kind=K.FEEDBACK_CLAIM if p["kind"] == "feedback" else K.PUSH_CLAIM,
            object_type="linkage.push",
            object_id=p["id"],
            jurisdiction_id=p["jurisdiction_id"],
            department_id=p["addressee_department_id"],
            title=p["title"],
            start=workdays.local_date(p["claim_start_at"]),
            budget_days=p["claim_budget_days"],
            due_date=p["claim_due_date"],
            provisional=p["claim_provisional"],
            closed_at=claimed,
        )


def claim_queue_process(run: Run, limit: int = QUEUE_ROWS_PER_RUN) -> int:
    """Handle the claims linkage reported: red alerts for late claims, supervision windows for
    claimed approvals; each queue row in its own transaction, deleted when done."""
    from shenguan.linkage.models import Push, PushOpen

    from .services.supervision import supervision_tasks_open

    done = 0
    for q in list(ClaimQueue.objects.order_by("id")[:limit]):
        with transaction.atomic():
            if not ClaimQueue.objects.filter(pk=q.pk).select_for_update().exists():
                continue  # another worker took it
            ids = sorted({int(i) for i in q.push_ids})
            new: list[tuple] = []
            for i in range(0, len(ids), K.CHUNK):
                chunk = ids[i : i + K.CHUNK]
                still_open = set(
                    PushOpen.objects.filter(push_id__in=chunk).values_list("push_id", flat=True)
                )
                pushes = [
                    p
                    for p in Push.objects.filter(pk__in=chunk).values(
                        "id",
                        "jurisdiction_id",
                        "addressee_department_id",
                        "kind",
                        "title",
                        "claim_start_at",
                        "claim_budget_days",
                        "claim_due_date",
                        "claim_due_at",
                        "claim_provisional",
                        "claimed_at",
                        "claim_late",
                        "state",
                    )
                    if p["id"] not in still_open
                ]
                values = [
                    alert_values(row, AlertLevel.RED, run.now) for row in _late_claim_rows(pushes)
                ]
                new += insert_alerts(values)
                supervision_tasks_open(
                    push_ids=[p["id"] for p in pushes if p["kind"] == "approval"], at=q.at
                )
            by_kind: dict[str, list] = defaultdict(list)
            for row in new:
                by_kind[row[3]].append(row)
            for code, rows in by_kind.items():
                report(run, code, rows, [])
            q.delete()
        run.stats["queue:rows"] += 1
        run.stats["queue:late_claims"] += len(new)
        done += 1
    return done


__all__ = ["FAST_PATHS", "claim_queue_process", "closed_late"]
