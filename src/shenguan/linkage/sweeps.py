"""Periodic sweeps of the linkage app, run by the worker (定时任务): auto-claim at the deadline,
held penalties released when effective, catalogue change notices turned into pushes, licences
past their validity, the daily digest; and the recompute of push deadlines after a calendar
change (a deadline source of calendar.services).

Every sweep is idempotent and safe with several workers: rows change by conditional, set-based
UPDATEs (`… WHERE state = 'pending'`), and what must happen once is guarded by a unique key.
The auto-claim sweep writes one audit event per jurisdiction and batch listing the push ids, and
one outbox event per addressee department, kind and batch (ADR 0014).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.calendar.services import deadline_compute
from shenguan.core.i18n import source_choice
from shenguan.core.serialize import JsonSafe, to_jsonable
from shenguan.org.models import LiaisonAssignment, LiaisonKind
from shenguan.outbox.services import outbox_emit, outbox_emit_many
from shenguan.policy.params import ClaimMode

from . import hooks
from .models import (
    AUTO_CLAIM_NAME,
    ClaimedMode,
    DigestLog,
    Feedback,
    FeedbackState,
    Licence,
    LicenceEvent,
    LicenceState,
    Notice,
    Push,
    PushKind,
    PushOpen,
    PushState,
)
from .services import AUTO_CLAIMED_EVENT, liaison_user_ids

log = logging.getLogger("shenguan.linkage")

AUTO_CLAIM_BATCH = 20000


# --- auto-claim at the deadline ----------------------------------------------------------------


_OPEN_COLS = "push_id, jurisdiction_id, addressee_department_id, sender_department_id, kind"


def _group(rows) -> list[tuple]:
    """Deleted open rows (push, jurisdiction, addressee, sender, kind) grouped by jurisdiction,
    addressee and kind: (jurisdiction, addressee, kind, sorted push ids, sorted senders)."""
    groups: dict[tuple, tuple[list, set]] = {}
    for pk, jid, addressee, sender, kind in rows:
        ids, senders = groups.setdefault((jid, addressee, kind), ([], set()))
        ids.append(pk)
        senders.add(sender)
    return [(*k, sorted(ids), sorted(senders)) for k, (ids, senders) in sorted(groups.items())]


def _claim_batch_pg(now: dt.datetime, batch: int, after: tuple | None):
    """Claim up to `batch` due open pushes after the keyset `after` (deadline, push id) in one
    statement: delete their open rows and return them grouped (see `_group`), with the last
    key deleted. A manual claim racing it deletes a row first (then this statement skips it) or
    waits and finds it gone (ADR 0014)."""
    table = PushOpen._meta.db_table
    keyset = "AND (claim_due_at, push_id) > (%s, %s)" if after else ""
    params = [ClaimMode.TIMEOUT, now, *(after or ()), batch]
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH gone AS (
                DELETE FROM {table} WHERE push_id = ANY(ARRAY(
                    SELECT push_id FROM {table}
                    WHERE claim_policy = %s AND claim_due_at <= %s {keyset}
                    ORDER BY claim_due_at, push_id LIMIT %s))
                RETURNING {_OPEN_COLS}, claim_due_at),
            last AS (SELECT claim_due_at, push_id FROM gone
                     ORDER BY claim_due_at DESC, push_id DESC LIMIT 1)
            SELECT g.jurisdiction_id, g.addressee_department_id, g.kind,
                   array_agg(g.push_id ORDER BY g.push_id),
                   array_agg(DISTINCT g.sender_department_id),
                   (SELECT claim_due_at FROM last), (SELECT push_id FROM last)
            FROM gone g GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """,  # noqa: S608 - the table name comes from the model
            params,
        )
        out = cur.fetchall()
    if not out:
        return [], None
    groups = [
        (jid, dept, kind, list(ids), sorted(senders)) for jid, dept, kind, ids, senders, *_ in out
    ]
    return groups, (out[0][5], out[0][6])


def _claim_batch_generic(now: dt.datetime, batch: int, after: tuple | None):
    """The same on SQLite: read the batch's ids, then delete them returning the rows."""
    qs = PushOpen.objects.filter(claim_policy=ClaimMode.TIMEOUT, claim_due_at__lte=now)
    if after is not None:
        qs = qs.filter(claim_due_at__gte=after[0]).filter(
            Q(claim_due_at__gt=after[0]) | Q(push_id__gt=after[1])
        )
    keys = list(
        qs.order_by("claim_due_at", "push_id").values_list("claim_due_at", "push_id")[:batch]
    )
    if not keys:
        return [], None
    table = PushOpen._meta.db_table
    rows: list[tuple] = []
    with connection.cursor() as cur:
        for i in range(0, len(keys), 10000):
            chunk = [pk for _due, pk in keys[i : i + 10000]]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(
                f"DELETE FROM {table} WHERE push_id IN ({marks}) RETURNING {_OPEN_COLS}",  # noqa: S608
                chunk,
            )
            rows.extend(cur.fetchall())
    return _group(rows), keys[-1]


def _report_batch(groups: list[tuple], now: dt.datetime) -> None:
    """One audit event per jurisdiction and one outbox event per department and kind."""
    by_j: dict[int, list[int]] = {}
    liaisons = liaison_user_ids({g[1] for g in groups}, timezone.localdate(now))
    swept_at = to_jsonable(now)
    events = []
    for jid, dept, kind, ids, senders in groups:
        by_j.setdefault(jid, []).extend(ids)
        label = source_choice(PushKind, kind)
        events.append(
            {
                "event_type": AUTO_CLAIMED_EVENT[kind],
                "jurisdiction_id": jid,
                # plain JSON already: the outbox takes it as it is
                "payload": JsonSafe(
                    addressee_department_id=dept,
                    kind=kind,
                    push_ids=ids,
                    count=len(ids),
                    claimed_mode=ClaimedMode.TIMEOUT.value,
                    claim_late=True,
                    swept_at=swept_at,
                ),
                "department_ids": [dept, *senders],
                "notify_user_ids": liaisons.get(dept, []),
                "notify": {
                    "title": f"{len(ids)}条{label}推送已超时自动认领",
                    "body": "认领时限届满未认领，系统已自动认领并计入超期认领，请及时开展监管。",
                    "link": "/linkage/?box=auto_claimed",
                },
            }
        )
    outbox_emit_many(events=events)
    for jid, ids in sorted(by_j.items()):
        ids.sort()
        audit_record(
            actor=None,
            action="push.auto_claim",
            obj=("linkage.push", f"{ids[0]}..{ids[-1]}"),
            jurisdiction_id=jid,
            after=JsonSafe(count=len(ids), push_ids=ids, swept_at=swept_at),
        )


def push_auto_claim_due(*, now: dt.datetime | None = None, batch: int = AUTO_CLAIM_BATCH) -> dict:
    """Claim every open push whose timeout deadline has ended (超时自动认领, 002 §17): set-based,
    in batches of their own transaction, in deadline order (a keyset); idempotent. The claim is
    the delete of the PushOpen row; the push rows are rewritten by `push_claims_materialize`
    (ADR 0014)."""
    now = now or timezone.now()
    claim = _claim_batch_pg if connection.vendor == "postgresql" else _claim_batch_generic
    claimed = batches = 0
    after: tuple | None = None
    while True:
        with transaction.atomic():
            groups, last = claim(now, batch, after)
            if groups:
                _report_batch(groups, now)
                if hooks.has(hooks.PUSHES_CLAIMED):
                    hooks.fire(
                        hooks.PUSHES_CLAIMED,
                        actor=None,
                        pushes=None,
                        push_ids=[pk for g in groups for pk in g[3]],
                        mode="timeout",
                        at=now,
                    )
        if last is None:  # nothing left (or the rest was claimed by hand meanwhile)
            break
        claimed += sum(len(g[3]) for g in groups)
        batches += 1
        after = last
    return {"claimed": claimed, "batches": batches}


MATERIALIZE_BATCH = 20000


def push_claims_materialize(*, now: dt.datetime | None = None, limit: int = 200000) -> dict:
    """Write the claim of pushes claimed on timeout onto their rows (state, claimed at the
    deadline, mode timeout, late) — the follow-up of the auto-claim sweep, in batches; the
    readers already show them claimed (`normalize_claim`). Idempotent."""
    now = now or timezone.now()
    push, opened = Push._meta.db_table, PushOpen._meta.db_table
    done = 0
    while done < limit:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"""
                UPDATE {push} SET state = %s, claimed_at = claim_due_at, claimed_mode = %s,
                       claimed_by_name = %s, claim_late = %s
                WHERE id IN (
                    SELECT p.id FROM {push} p
                    WHERE p.state = %s AND p.claim_policy = %s AND p.claim_due_at <= %s
                      AND NOT EXISTS (SELECT 1 FROM {opened} o WHERE o.push_id = p.id)
                    ORDER BY p.claim_due_at, p.id
                    LIMIT %s
                ) AND state = %s
                """,  # noqa: S608 - table names from the models
                [
                    PushState.CLAIMED,
                    ClaimedMode.TIMEOUT,
                    AUTO_CLAIM_NAME,
                    True,
                    PushState.PENDING,
                    ClaimMode.TIMEOUT,
                    connection.ops.adapt_datetimefield_value(now),
                    MATERIALIZE_BATCH,
                    PushState.PENDING,
                ],
            )
            n = cur.rowcount
        done += n
        if n < MATERIALIZE_BATCH:
            break
    return {"materialized": done}


# --- held penalties, catalogue change notices, licence expiry ----------------------------------


def feedback_release_due(*, now: dt.datetime | None = None) -> dict:
    """Push held penalties that have taken effect (处罚决定生效后推送)."""
    from .services import feedback_release

    now = now or timezone.now()
    today = timezone.localdate(now)
    released = 0
    for fb in Feedback.objects.filter(state=FeedbackState.HELD, effective_on__lte=today).order_by(
        "id"
    )[:1000]:
        if feedback_release(feedback=fb, at=now) is not None:
            released += 1
    return {"released": released}


def change_notices_sync(*, now: dt.datetime | None = None) -> dict:
    """Turn the catalogue's change notices into claimable notice pushes (002 §20)."""
    from shenguan.catalog.models import ChangeNotice

    from .services import notice_from_change

    done = Notice.objects.filter(change_notice__isnull=False).values("change_notice_id")
    made = 0
    for cn in ChangeNotice.objects.exclude(pk__in=done).select_related("item").order_by("id")[:500]:
        if notice_from_change(change_notice=cn, at=now) is not None:
            made += 1
    return {"notices": made}


def licences_expire_due(*, now: dt.datetime | None = None) -> dict:
    """Mark valid or suspended licences past their validity as expired (有效期届满), set-based."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                Licence.objects.filter(
                    state__in=[LicenceState.VALID, LicenceState.SUSPENDED], valid_until__lt=today
                )
                .order_by("id")
                .values_list("pk", "jurisdiction_id", "state", "valid_until")[:2000]
            )
            if not due:
                break
            ids = [d[0] for d in due]
            Licence.objects.filter(
                pk__in=ids, state__in=[LicenceState.VALID, LicenceState.SUSPENDED]
            ).update(state=LicenceState.EXPIRED, state_since=today, updated_at=now)
            LicenceEvent.objects.bulk_create(
                [
                    LicenceEvent(
                        jurisdiction_id=jid,
                        licence_id=pk,
                        from_state=st,
                        to_state=LicenceState.EXPIRED,
                        effective_on=until + dt.timedelta(days=1),
                        reason="有效期届满",
                        actor_name="系统",
                        at=now,
                    )
                    for pk, jid, st, until in due
                ]
            )
            by_j: dict[int, list[int]] = {}
            for pk, jid, _st, _u in due:
                by_j.setdefault(jid, []).append(pk)
            for jid, lic_ids in sorted(by_j.items()):
                audit_record(
                    actor=None,
                    action="licence.expire",
                    obj=("linkage.licence", f"{lic_ids[0]}..{lic_ids[-1]}"),
                    jurisdiction_id=jid,
                    after={"licence_ids": lic_ids, "on": today},
                )
            total += len(due)
    return {"expired": total}


# --- the daily digest --------------------------------------------------------------------------

DIGEST_HOUR = 8  # local time from which the digest of a working day is sent


def digest_counts(department_id: int, jurisdiction_id: int, today: dt.date) -> dict:
    """The figures of a liaison's daily digest: pushed today, pending, claimed today,
    unclaimed pushes of this month."""
    start = workdays.end_of_day(today - dt.timedelta(days=1))
    end = workdays.end_of_day(today)
    month_start = workdays.end_of_day(today.replace(day=1) - dt.timedelta(days=1))
    qs = Push.objects.filter(jurisdiction_id=jurisdiction_id, addressee_department_id=department_id)
    is_open = Q(open__isnull=False)
    auto = Q(state=PushState.PENDING, claim_policy="timeout", open__isnull=True)
    agg = qs.aggregate(
        pushed_today=Count("id", filter=Q(pushed_at__gte=start, pushed_at__lt=end)),
        pending=Count("id", filter=is_open),
        overdue=Count("id", filter=is_open & Q(claim_due_at__lte=timezone.now())),
        claimed_today=Count(
            "id",
            filter=(Q(state=PushState.CLAIMED, claimed_at__gte=start, claimed_at__lt=end))
            | (auto & Q(claim_due_at__gte=start, claim_due_at__lt=end)),
        ),
        unclaimed_month=Count("id", filter=is_open & Q(pushed_at__gte=month_start)),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def digest_text(dept_name: str, today: dt.date, c: dict) -> str:
    """The SMS text of a digest (short, Chinese)."""
    return (
        f"【审管联动】{dept_name}{today.month}月{today.day}日：今日新推送{c['pushed_today']}条，"
        f"待认领{c['pending']}条（其中逾期{c['overdue']}条），今日已认领{c['claimed_today']}条，"
        f"本月未认领{c['unclaimed_month']}条。"
    )


def daily_digest_send(*, now: dt.datetime | None = None) -> dict:
    """Send each current liaison (联络员) the day's digest, on working days only, once a day:
    an in-app notification and an SMS through the outbox `sms` channel."""
    now = now or timezone.now()
    local = timezone.localtime(now, workdays.SHANGHAI)
    today = local.date()
    if not workdays.is_working_day(today):
        return {"sent": 0, "skipped": "not_a_working_day"}
    if local.hour < DIGEST_HOUR:
        return {"sent": 0, "skipped": "too_early"}
    sent_today = DigestLog.objects.filter(on_date=today).values("liaison_id")
    liaisons = (
        LiaisonAssignment.objects.filter(kind=LiaisonKind.LIAISON, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .exclude(pk__in=sent_today)
        .select_related("department")
        .order_by("id")
    )
    sent = 0
    for la in liaisons[:2000]:
        counts = digest_counts(la.department_id, la.jurisdiction_id, today)
        text = digest_text(la.department.short_name or la.department.name, today, counts)
        try:
            with transaction.atomic():
                DigestLog.objects.create(
                    jurisdiction_id=la.jurisdiction_id,
                    department_id=la.department_id,
                    liaison=la,
                    on_date=today,
                    counts=counts,
                    created_at=now,
                )
                extra = [("sms", {"phone": la.phone, "text": text})] if la.phone else []
                outbox_emit(
                    event_type="linkage.digest",
                    jurisdiction_id=la.jurisdiction_id,
                    payload={
                        "department_id": la.department_id,
                        "liaison_id": la.pk,
                        "on_date": today,
                        **counts,
                    },
                    notify_user_ids=[la.user_id] if la.user_id else [],
                    notify={
                        "title": f"审管联动每日提醒（{today.isoformat()}）",
                        "body": text,
                        "link": "/linkage/?box=to_claim",
                    },
                    extra=extra,
                )
        except IntegrityError:  # another worker sent it meanwhile
            continue
        sent += 1
    return {"sent": sent}


# --- push deadlines after a calendar change (deadline source) ----------------------------------

RECOMPUTE_BATCH = 2000


def _pushes_recompute(*, actor, ids: list[int], reason: str, rebudget=None) -> int:
    """Recompute the claim deadlines of these pushes where still open, in batches of their own
    transaction; `rebudget(push)` may give a new (budget, profile version id) to apply first.
    Each batch is audited as one `deadline.recompute` event per jurisdiction."""
    changed = 0
    for i in range(0, len(ids), RECOMPUTE_BATCH):
        with transaction.atomic():
            # lock the open rows first, in the order the claims take them (open row, then push)
            still_open = list(
                PushOpen.objects.select_for_update()
                .filter(push_id__in=ids[i : i + RECOMPUTE_BATCH])
                .order_by("push_id")
                .values_list("push_id", flat=True)
            )
            rows = list(Push.objects.filter(pk__in=still_open).order_by("id"))
            moved = []
            for p in rows:
                budget, version = rebudget(p) if rebudget else (None, None)
                budget = p.claim_budget_days if budget is None else budget
                due_date, due_at, provisional = deadline_compute(p.claim_start_at, budget)
                if (due_date, provisional, budget) == (
                    p.claim_due_date,
                    p.claim_provisional,
                    p.claim_budget_days,
                ) and version in (None, p.profile_version_id):
                    continue
                moved.append((p, p.claim_due_date, p.claim_provisional, p.claim_budget_days))
                p.claim_due_date, p.claim_due_at = due_date, due_at
                p.claim_provisional, p.claim_budget_days = provisional, budget
                if version is not None:
                    p.profile_version_id = version
            if not moved:
                continue
            Push.objects.bulk_update(
                [m[0] for m in moved],
                [
                    "claim_due_date",
                    "claim_due_at",
                    "claim_provisional",
                    "claim_budget_days",
                    "profile_version_id",
                ],
            )
            for p, *_old in moved:
                PushOpen.objects.filter(push_id=p.pk).update(claim_due_at=p.claim_due_at)
            by_j: dict[int, list] = {}
            for p, old_date, old_prov, old_budget in moved:
                by_j.setdefault(p.jurisdiction_id, []).append(
                    {
                        "id": p.pk,
                        "before": [old_date, old_prov, old_budget],
                        "after": [p.claim_due_date, p.claim_provisional, p.claim_budget_days],
                    }
                )
            for jid, items in sorted(by_j.items()):
                audit_record(
                    actor=actor,
                    action="deadline.recompute",
                    obj=("linkage.push", f"{items[0]['id']}..{items[-1]['id']}"),
                    jurisdiction_id=jid,
                    after={"reason": reason, "count": len(items), "pushes": items},
                )
            changed += len(moved)
    return changed


def push_deadlines_recompute(
    *, actor, dates, include_provisional: bool, reason: str, started_between=None
) -> int:
    """Recompute the claim deadlines of pending pushes a calendar change may move: those
    spanning the changed dates, the provisional ones when asked, and those started within
    `started_between` (pushed while another process still had the old calendar)."""
    dates = sorted(set(dates))
    cond = Q(claim_provisional=True) if include_provisional else Q(pk__in=[])
    if dates:
        lo, hi = dates[0], dates[-1]
        cond |= Q(claim_start_at__lt=workdays.end_of_day(hi), claim_due_date__gte=lo)
    if started_between:
        cond |= Q(claim_start_at__range=started_between)
    ids = list(
        Push.objects.filter(cond, open__isnull=False).order_by("id").values_list("id", flat=True)
    )
    return _pushes_recompute(actor=actor, ids=ids, reason=reason)


def _rebudget_candidates(profile):
    """The pending pushes of the jurisdictions under a profile that a recompute may re-budget."""
    return Push.objects.filter(jurisdiction__profile=profile, open__isnull=False).exclude(
        claim_policy=ClaimMode.ON_PUSH
    )


def push_deadlines_rebudget_preview(*, profile, params) -> tuple[int, int]:
    """How many pending pushes a policy recompute would consider, and re-budget."""
    from .services import claim_terms

    candidates = moved = 0
    rows = _rebudget_candidates(profile).values_list("direction", "claim_budget_days")
    for (direction, budget), n in Counter(rows).items():
        candidates += n
        if claim_terms(params, direction)[1] != budget:
            moved += n
    return candidates, moved


def push_deadlines_rebudget(*, actor, profile, version, params, reason: str) -> int:
    """On a policy recompute, give the pending pushes of the profile's jurisdictions the claim
    window of the version now in force (their claim rule stays the one they were pushed under)."""
    from .services import claim_terms

    ids = list(_rebudget_candidates(profile).order_by("id").values_list("id", flat=True))

    def rebudget(p: Push) -> tuple[int | None, int | None]:
        return claim_terms(params, p.direction)[1], version.pk

    return _pushes_recompute(actor=actor, ids=ids, reason=reason, rebudget=rebudget)


# --- registration ------------------------------------------------------------------------------


def register() -> None:
    """Register the sweeps with the worker and the push deadlines with the calendar."""
    from shenguan.calendar.services import register_deadline_source
    from shenguan.outbox.sweeps import register_sweep
    from shenguan.policy.services import register_policy_source

    register_sweep("linkage.push_auto_claim", 60, lambda now: push_auto_claim_due(now=now))
    register_sweep("linkage.push_materialize", 120, lambda now: push_claims_materialize(now=now))
    register_sweep("linkage.feedback_release", 600, lambda now: feedback_release_due(now=now))
    register_sweep("linkage.change_notices", 60, lambda now: change_notices_sync(now=now))
    register_sweep("linkage.licence_expiry", 3600, lambda now: licences_expire_due(now=now))
    register_sweep("linkage.daily_digest", 900, lambda now: daily_digest_send(now=now))
    register_deadline_source("linkage.push", push_deadlines_recompute)
    register_policy_source("linkage.push", push_deadlines_rebudget, push_deadlines_rebudget_preview)
