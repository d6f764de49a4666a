"""Pushes (推送): creation, payloads, notices and their bulk writes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.core.bulk import db_datetime, db_json, insert_objects, insert_rows
from shenguan.core.i18n import source_choice
from shenguan.core.serialize import JsonSafe, to_jsonable
from shenguan.outbox.services import outbox_emit_many
from shenguan.policy.params import ClaimMode

from ..models import (
    ApprovalRecord,
    ClaimedMode,
    Feedback,
    Licence,
    Notice,
    Push,
    PushDirection,
    PushKind,
    PushOpen,
    PushSnapshot,
    PushState,
)
from .common import CLAIMED_EVENT, CREATED_EVENT, _Ctx


def claim_terms(params, direction: str) -> tuple[str, int]:
    """The claim rule and working-day budget the profile sets for a direction (认领规则)."""
    if direction == PushDirection.TO_REGULATOR:
        return str(params.claim_mode), params.claim_window_days
    return str(params.bureau_claim_mode), params.bureau_claim_days


def _new_push(
    ctx: _Ctx,
    *,
    kind: str,
    direction: str,
    jurisdiction_id: int,
    sender_id: int,
    addressee_id: int,
    title: str,
    division_id: int | None = None,
    record: ApprovalRecord | None = None,
    licence: Licence | None = None,
    feedback: Feedback | None = None,
    notice: Notice | None = None,
    item_id: int | None = None,
    case_number: str = "",
    applicant_name: str = "",
    subject_date: dt.date | None = None,
) -> Push:
    """An unsaved push with its claim deadline (or claimed at once under 推送即认领)."""
    params, version = ctx.params_for(jurisdiction_id)
    policy, budget = claim_terms(params, direction)
    if policy == ClaimMode.ON_PUSH:
        budget = 0
    due_date, due_at, provisional = ctx.deadline(budget)
    p = Push(
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        direction=direction,
        sender_department_id=sender_id,
        addressee_department_id=addressee_id,
        addressee_division_id=division_id,
        record=record,
        licence=licence,
        feedback=feedback,
        notice=notice,
        item_id=item_id,
        title=title[:300],
        case_number=case_number[:64],
        applicant_name=applicant_name[:200],
        subject_date=subject_date,
        pushed_at=ctx.at,
        claim_policy=policy,
        claim_start_at=ctx.at,
        claim_budget_days=budget,
        claim_due_date=due_date,
        claim_due_at=due_at,
        claim_provisional=provisional,
        profile_version_id=version,
    )
    if policy == ClaimMode.ON_PUSH:
        p.state = PushState.CLAIMED
        p.claimed_at = ctx.at
        p.claimed_mode = ClaimedMode.ON_PUSH
        p.claimed_by_name = "推送即认领"
        p.claim_late = False
    return p


def push_payload(p: Push) -> dict:
    """What a push event says (without the snapshot): ids, parties, deadline, claim."""
    return {
        "push_id": p.pk,
        "kind": p.kind,
        "direction": p.direction,
        "jurisdiction_id": p.jurisdiction_id,
        "sender_department_id": p.sender_department_id,
        "addressee_department_id": p.addressee_department_id,
        "addressee_division_id": p.addressee_division_id,
        "record_id": p.record_id,
        "licence_id": p.licence_id,
        "feedback_id": p.feedback_id,
        "notice_id": p.notice_id,
        "item_id": p.item_id,
        "title": p.title,
        "case_number": p.case_number,
        "pushed_at": p.pushed_at,
        "claim_policy": p.claim_policy,
        "claim_due_date": p.claim_due_date,
        "claim_due_at": p.claim_due_at,
        "claim_provisional": p.claim_provisional,
        "state": p.state,
        "claimed_at": p.claimed_at,
        "claimed_mode": p.claimed_mode,
        "claimed_by": p.claimed_by_name,
        "claim_late": p.claim_late,
    }


def _push_notice(p: Push, n: int) -> dict:
    """The in-app notification of new pushes to a department (one, or n of a batch)."""
    label = source_choice(PushKind, p.kind)
    due = (
        "已推送即认领。"
        if p.state == PushState.CLAIMED
        else f"请于{p.claim_due_date.isoformat()}前认领"
        + ("（暂定）" if p.claim_provisional else "")
        + "。"
    )
    if n == 1:
        return {
            "title": f"新的{label}推送：{p.title}"[:200],
            "body": due,
            "link": f"/linkage/pushes/{p.pk}/",
        }
    return {"title": f"{n}条新的{label}推送", "body": due, "link": "/linkage/?box=to_claim"}


def _jsonable_once(data: dict) -> JsonSafe:
    """`data` as JSON types, converted once: parts already converted (`JsonSafe`, such as a
    record's part shared by its pushes) are taken as they are, here and in the push's event."""
    return JsonSafe({k: to_jsonable(v) for k, v in data.items()})


# the columns of an open push (PushOpen), written as tuples with the push
_OPEN_FIELDS = (
    "push_id",
    "jurisdiction_id",
    "addressee_department_id",
    "sender_department_id",
    "kind",
    "claim_policy",
    "claim_due_at",
)


def _insert_pushes(ctx: _Ctx, items: list[tuple[Push, dict]]) -> list[Push]:
    """Save pushes with their frozen snapshots and emit one event per push (and a claimed event
    for those claimed on push), notifying the addressee's liaisons."""
    if not items:
        return []
    pushes = [p for p, _ in items]
    insert_objects(pushes)
    if any(p.pk is None for p in pushes):  # engines that do not return ids
        raise RuntimeError("bulk_create did not return push ids")
    frozen: list[dict] = []
    for p, data in items:
        # the content as JSON once (a record's part is shared by its pushes), then the push's ids
        frozen.append(
            _jsonable_once({**data, "push": {"id": p.pk, "kind": p.kind, "pushed_at": p.pushed_at}})
        )
    # the snapshot and open-push rows as plain tuples: no model instances (ADR 0014)
    insert_rows(
        PushSnapshot,
        ("push_id", "data"),
        [(p.pk, db_json(data)) for p, data in zip(pushes, frozen, strict=True)],
    )
    insert_rows(
        PushOpen,
        _OPEN_FIELDS,
        [
            (
                p.pk,
                p.jurisdiction_id,
                p.addressee_department_id,
                p.sender_department_id,
                p.kind,
                p.claim_policy,
                db_datetime(p.claim_due_at),
            )
            for p in pushes
            if p.state == PushState.PENDING
        ],
    )
    # one notification per addressee: a batch of 500 approvals is one message, not 500
    per_addressee: dict[int, list[Push]] = {}
    for p in pushes:
        per_addressee.setdefault(p.addressee_department_id, []).append(p)
    specs: list[dict] = []
    for (p, _data), data in zip(items, frozen, strict=True):
        payload = {**push_payload(p), "snapshot": data}
        parties = [p.addressee_department_id, p.sender_department_id]
        spec = {
            "event_type": CREATED_EVENT[p.kind],
            "jurisdiction_id": p.jurisdiction_id,
            "payload": payload,
            "department_ids": parties,
            "aggregate": p,
        }
        group = per_addressee[p.addressee_department_id]
        if group[0] is p:
            spec["notify_user_ids"] = [
                u for u in ctx.liaisons_of(p.addressee_department_id) if u not in ctx.notified
            ]
            spec["notify"] = _push_notice(p, len(group))
        specs.append(spec)
        if p.state == PushState.CLAIMED:
            specs.append(
                {
                    "event_type": CLAIMED_EVENT[p.kind],
                    "jurisdiction_id": p.jurisdiction_id,
                    "payload": push_payload(p),
                    "department_ids": parties,
                    "aggregate": p,
                }
            )
    outbox_emit_many(events=specs)
    return pushes


def push_send(
    *,
    kind: str,
    direction: str,
    record: ApprovalRecord,
    sender_id: int,
    addressee_id: int,
    title: str,
    data: dict,
    at: dt.datetime | None = None,
) -> Push:
    """One push about a case made by an app above linkage (the review app's technical opinion
    requests and opinions, ADR 0028): the claim deadline of the profile, the frozen snapshot
    `data`, the push event and the addressee's notification, like every other push. The caller
    checks the rights and audits its own change; this runs in the caller's transaction."""
    ctx = _Ctx(at=at or timezone.now())
    with transaction.atomic():
        p = _new_push(
            ctx,
            kind=kind,
            direction=direction,
            jurisdiction_id=record.jurisdiction_id,
            sender_id=sender_id,
            addressee_id=addressee_id,
            title=title,
            record=record,
            item_id=record.item_id,
            case_number=record.case_number,
            applicant_name=record.applicant_name,
            subject_date=record.accepted_on,
        )
        _insert_pushes(ctx, [(p, data)])
    return p
