"""Claims of pushes (认领): one, in bulk, implicit when the addressee acts on a push."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import hooks
from ..models import (
    ClaimedMode,
    Push,
    PushDirection,
    PushOpen,
    PushState,
)
from .common import (
    CLAIMED_EVENT,
    SYSTEM_NAME,
    _Ctx,
    _require,
    _require_department,
    _user_id,
    actor_name,
)
from .pushes import push_payload


def _claim_perm(direction: str) -> tuple[str, str]:
    if direction == PushDirection.TO_REGULATOR:
        return Perm.PUSH_CLAIM, "无权认领推送信息（须为监管部门联络员或分管领导）"
    return Perm.FEEDBACK_CLAIM, "无权认领监管反馈信息（须为审批局联络员）"


def _claimed_message(p: Push) -> str:
    when = timezone.localtime(p.claimed_at).strftime("%Y-%m-%d %H:%M") if p.claimed_at else ""
    mode = source_choice(ClaimedMode, p.claimed_mode) if p.claimed_mode else ""
    return f"该推送已于{when}由{p.claimed_by_name or SYSTEM_NAME}认领（{mode}）"


def _take_claim(push_id: int, *, actor, at: dt.datetime, due_at: dt.datetime) -> bool:
    """Close a push for a manual claim: delete its PushOpen row (exactly one claim can) and
    write the claim on the push row. False when the push was no longer open (ADR 0014)."""
    deleted, _ = PushOpen.objects.filter(push_id=push_id).delete()
    if not deleted:
        return False
    Push.objects.filter(pk=push_id, state=PushState.PENDING).update(
        state=PushState.CLAIMED,
        claimed_at=at,
        claimed_mode=ClaimedMode.MANUAL,
        claimed_by_id=_user_id(actor),
        claimed_by_name=actor_name(actor),
        claim_late=at >= due_at,
    )
    return True


# One statement on PostgreSQL: the open row deleted (exactly one claim can) and the claim
# written on the push row, which returns its deadline as it is now (a recompute may have moved it)
_CLAIM_SQL = """
WITH opened AS (DELETE FROM linkage_pushopen WHERE push_id = %(id)s RETURNING push_id),
claimed AS (
    UPDATE linkage_push p SET state = %(claimed)s, claimed_at = %(at)s, claimed_mode = %(mode)s,
        claimed_by_id = %(by_id)s, claimed_by_name = %(by_name)s,
        claim_late = (%(at)s >= p.claim_due_at)
    FROM opened WHERE p.id = opened.push_id AND p.state = %(pending)s
    RETURNING p.claim_due_date, p.claim_due_at, p.claim_provisional, p.claim_late
)
SELECT (SELECT count(*) FROM opened), claimed.* FROM (SELECT 1) one LEFT JOIN claimed ON true
"""


def _claim_one(push: Push, *, actor, at: dt.datetime) -> Push | None:
    """Claim one push by hand: the push (a copy of the one given, with the claim set) or None
    when it was no longer open. One round trip on PostgreSQL, no read of the push again."""
    by_id, by_name = _user_id(actor), actor_name(actor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                _CLAIM_SQL,
                {
                    "id": push.pk,
                    "claimed": PushState.CLAIMED,
                    "pending": PushState.PENDING,
                    "at": at,
                    "mode": ClaimedMode.MANUAL,
                    "by_id": by_id,
                    "by_name": by_name,
                },
            )
            opened, due_date, due_at, provisional, late = cur.fetchone()
        if not opened:
            return None
        p = copy.copy(push)
        if due_at is not None:  # the row was pending: the claim is written
            p.claim_due_date, p.claim_due_at, p.claim_provisional = due_date, due_at, provisional
            p.state, p.claimed_at, p.claimed_mode = PushState.CLAIMED, at, ClaimedMode.MANUAL
            p.claimed_by_id, p.claimed_by_name, p.claim_late = by_id, by_name, late
        else:  # an open row without a pending push (not written by the platform): as it is
            p = Push.objects.with_claim().get(pk=push.pk)
        p.is_open = False
        return p
    if not _take_claim(push.pk, actor=actor, at=at, due_at=push.claim_due_at):
        return None
    return Push.objects.with_claim().get(pk=push.pk)


def push_claim(*, actor, push: Push, at: dt.datetime | None = None) -> Push:
    """Claim a push addressed to the actor's department (认领): exactly once — a second claim,
    or one after the timeout sweep, answers 409."""
    perm, message = _claim_perm(push.direction)
    _require(actor, perm, message)
    _require_department(actor, push.addressee_department_id, "只能认领推送给本部门的信息")
    at = at or timezone.now()
    with transaction.atomic():
        p = _claim_one(push, actor=actor, at=at)
        if p is None:
            p = Push.objects.with_claim().get(pk=push.pk)
            raise Conflict("already_claimed", _claimed_message(p), "state")
        outbox_emit(
            event_type=CLAIMED_EVENT[p.kind],
            jurisdiction_id=p.jurisdiction_id,
            payload=push_payload(p),
            department_ids=[p.addressee_department_id, p.sender_department_id],
            aggregate=p,
        )
        _fire_claimed(actor, [p], "manual", at)
        audit_record(  # last: the chain lock is held from here to the commit only
            actor=actor,
            action="push.claim",
            obj=p,
            before={"state": PushState.PENDING},
            after={
                "state": p.state,
                "claimed_at": p.claimed_at,
                "mode": p.claimed_mode,
                "late": p.claim_late,
            },
        )
    return p


def _fire_claimed(actor, pushes: list[Push], mode: str, at: dt.datetime) -> None:
    """Tell the apps above linkage that pushes were claimed (hooks.PUSHES_CLAIMED)."""
    if pushes and hooks.has(hooks.PUSHES_CLAIMED):
        hooks.fire(
            hooks.PUSHES_CLAIMED,
            actor=actor,
            pushes=pushes,
            push_ids=[p.pk for p in pushes],
            mode=mode,
            at=at,
        )


def push_claim_bulk(*, actor, push_ids: Iterable[int], at: dt.datetime | None = None) -> dict:
    """Claim several pushes addressed to the actor's department at once (批量认领). Pushes
    already claimed or not addressed to the department are reported, not claimed."""
    if actor is None or actor.department_id is None:
        raise PermissionDenied("forbidden", "只有部门用户可以批量认领")
    try:
        ids = sorted({int(i) for i in push_ids})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("bad_ids", "推送编号须为整数", "ids") from exc
    if not ids:
        raise ValidationFailed("ids_required", "请选择要认领的推送", "ids")
    if len(ids) > 500:
        raise ValidationFailed("too_many_ids", "一次最多认领500条", "ids")
    at = at or timezone.now()
    directions = []
    if actor.can(Perm.PUSH_CLAIM):
        directions.append(PushDirection.TO_REGULATOR)
    if actor.can(Perm.FEEDBACK_CLAIM):
        directions.append(PushDirection.TO_BUREAU)
    if not directions:
        raise PermissionDenied("forbidden", "无权认领推送信息")
    claimed: list[Push] = []
    with transaction.atomic():
        mine = Push.objects.filter(
            pk__in=ids,
            jurisdiction_id=actor.jurisdiction_id,
            addressee_department_id=actor.department_id,
            direction__in=directions,
        )
        candidates = list(mine.filter(open__isnull=False).order_by("id"))
        for p in candidates:
            if _take_claim(p.pk, actor=actor, at=at, due_at=p.claim_due_at):
                p.state, p.claimed_at, p.claimed_mode = PushState.CLAIMED, at, ClaimedMode.MANUAL
                p.claimed_by_name, p.claim_late = actor_name(actor), at >= p.claim_due_at
                claimed.append(p)
        for p in claimed:
            outbox_emit(
                event_type=CLAIMED_EVENT[p.kind],
                jurisdiction_id=p.jurisdiction_id,
                payload=push_payload(p),
                department_ids=[p.addressee_department_id, p.sender_department_id],
                aggregate=p,
            )
        got = {p.pk for p in claimed}
        known = set(mine.values_list("pk", flat=True))
        skipped = [
            {"id": i, "reason": "already_claimed" if i in known else "not_found"}
            for i in ids
            if i not in got
        ]
        if claimed:
            audit_record(
                actor=actor,
                action="push.claim_bulk",
                obj=("linkage.push", ",".join(str(p.pk) for p in claimed)[:64]),
                after={
                    "push_ids": sorted(got),
                    "late": sorted(p.pk for p in claimed if p.claim_late),
                },
            )
        _fire_claimed(actor, claimed, "manual", at)
    return {"claimed": sorted(got), "skipped": skipped}


def _claim_if_pending(ctx: _Ctx, actor, push: Push) -> None:
    """Claim a push implicitly when its addressee acts on it (disposal, answer) before claiming."""
    if _take_claim(push.pk, actor=actor, at=ctx.at, due_at=push.claim_due_at):
        p = Push.objects.get(pk=push.pk)
        outbox_emit(
            event_type=CLAIMED_EVENT[p.kind],
            jurisdiction_id=p.jurisdiction_id,
            payload=push_payload(p),
            department_ids=[p.addressee_department_id, p.sender_department_id],
            aggregate=p,
        )
        audit_record(
            actor=actor,
            action="push.claim",
            obj=p,
            after={"state": p.state, "implicit": True, "late": p.claim_late},
        )
        _fire_claimed(actor, [p], "implicit", ctx.at)
