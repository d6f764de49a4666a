"""Writing audit events: every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db import models as dj_models
from django.utils import timezone

from shenguan.core import context
from shenguan.core.bulk import insert_objects
from shenguan.core.serialize import to_jsonable

from .chain import GENESIS, event_hash
from .models import AuditEvent, Outcome

# Key of the PostgreSQL advisory lock that serialises appends to the chain (ADR 0003).
_CHAIN_LOCK_KEY = 0x5347_4155  # "SGAU"


def actor_ref(actor) -> dict:
    """Who acted, as stored on the event: kind, id, name, department, jurisdiction."""
    if actor is None:
        return {
            "actor_kind": "system",
            "actor_id": None,
            "actor_name": "系统",
            "department_id": None,
            "jurisdiction_id": None,
        }
    if not getattr(actor, "is_authenticated", False):
        return {
            "actor_kind": "anonymous",
            "actor_id": None,
            "actor_name": "",
            "department_id": None,
            "jurisdiction_id": None,
        }
    return {
        "actor_kind": getattr(actor, "kind", "user"),
        "actor_id": actor.pk,
        "actor_name": getattr(actor, "display_name", str(actor))[:150],
        "department_id": getattr(actor, "department_id", None),
        "jurisdiction_id": getattr(actor, "jurisdiction_id", None),
    }


def _lock_chain() -> None:
    """Serialise chain appends: an advisory lock on PostgreSQL; SQLite writers already are."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _locked_head() -> tuple[int, str] | None:
    """Take the chain lock and read the head (seq, hash) after it, or None for an empty chain.

    On PostgreSQL one call of `shenguan_audit_chain_head` (migration 0005): a VOLATILE function
    whose query takes its snapshot after the lock is granted, so it sees the head committed by
    the previous holder — one round trip where a lock and a read took two (issue 15). The lock
    is held until the transaction ends: callers append as the last write of their transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT seq, hash FROM shenguan_audit_chain_head(%s::bigint)", [_CHAIN_LOCK_KEY]
            )
            row = cur.fetchone()
        return (row[0], row[1]) if row else None
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return (head[0], head[1]) if head else None


def audit_record(
    *,
    actor,
    action: str,
    obj: dj_models.Model | tuple[str, Any] | None = None,
    before: dict | None = None,
    after: dict | None = None,
    outcome: str = Outcome.OK,
    jurisdiction_id: int | None = None,
    department_id: int | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one audit event (审计事件) to the chain, in the caller's transaction.

    Call it as late as possible in a service: the chain lock is held until the transaction ends.
    Inside the caller's transaction no savepoint is made (an error fails the whole change).
    """
    with transaction.atomic(savepoint=False):
        ref = actor_ref(actor)
        if actor_name is not None:
            ref["actor_name"] = actor_name[:150]
        if isinstance(obj, dj_models.Model):
            object_type, object_id = obj._meta.label_lower, str(obj.pk)
            if jurisdiction_id is None:
                jurisdiction_id = getattr(obj, "jurisdiction_id", None)
                if jurisdiction_id is None and obj._meta.label_lower == "org.jurisdiction":
                    jurisdiction_id = obj.pk
        elif isinstance(obj, tuple):
            object_type, object_id = obj[0], str(obj[1])
        else:
            object_type, object_id = "", ""
        if jurisdiction_id is None:
            jurisdiction_id = ref["jurisdiction_id"]
        if department_id is None:
            department_id = ref["department_id"]
        head = _locked_head()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        ev = AuditEvent(
            seq=seq,
            at=timezone.now(),
            actor_kind=ref["actor_kind"],
            actor_id=ref["actor_id"],
            actor_name=ref["actor_name"],
            department_id=department_id,
            jurisdiction_id=jurisdiction_id,
            request_id=(context.current_request_id() or "")[:64],
            ip=(context.current_client_ip() or "")[:64],
            action=action,
            object_type=object_type,
            object_id=object_id[:64],
            outcome=outcome,
            before=to_jsonable(before) if before is not None else None,
            after=to_jsonable(after) if after is not None else None,
            prev_hash=prev,
        )
        ev.hash = event_hash(ev.chain_fields())
        ev.save(force_insert=True)
        return ev


def audit_record_many(*, actor, entries: list[dict], actor_name: str | None = None) -> list:
    """Append several audit events (审计事件) to the chain at once, in the caller's transaction:
    one lock, one read of the head, one bulk insert — for services that change many objects in
    one transaction (batches of approvals). Each entry holds the keyword arguments of
    `audit_record` other than the actor: action, obj, before, after, outcome, jurisdiction_id,
    department_id. The events are identical to those `audit_record` would write one by one."""
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        ref = actor_ref(actor)
        if actor_name is not None:
            ref["actor_name"] = actor_name[:150]
        request_id = (context.current_request_id() or "")[:64]
        ip = (context.current_client_ip() or "")[:64]
        head = _locked_head()
        seq, prev = (head[0], head[1]) if head else (0, GENESIS)
        now = timezone.now()
        events = []
        for e in entries:
            obj = e.get("obj")
            jurisdiction_id = e.get("jurisdiction_id")
            if isinstance(obj, dj_models.Model):
                object_type, object_id = obj._meta.label_lower, str(obj.pk)
                if jurisdiction_id is None:
                    jurisdiction_id = getattr(obj, "jurisdiction_id", None)
            elif isinstance(obj, tuple):
                object_type, object_id = obj[0], str(obj[1])
            else:
                object_type, object_id = "", ""
            before, after = e.get("before"), e.get("after")
            seq += 1
            ev = AuditEvent(
                seq=seq,
                at=now,
                actor_kind=ref["actor_kind"],
                actor_id=ref["actor_id"],
                actor_name=ref["actor_name"],
                department_id=e.get("department_id") or ref["department_id"],
                jurisdiction_id=jurisdiction_id
                if jurisdiction_id is not None
                else ref["jurisdiction_id"],
                request_id=request_id,
                ip=ip,
                action=e["action"],
                object_type=object_type,
                object_id=object_id[:64],
                outcome=e.get("outcome", Outcome.OK),
                before=to_jsonable(before) if before is not None else None,
                after=to_jsonable(after) if after is not None else None,
                prev_hash=prev,
            )
            ev.hash = event_hash(ev.chain_fields())
            prev = ev.hash
            events.append(ev)
        insert_objects(events)  # binary COPY on PostgreSQL: no SQL compiled per value
        return events


def audit_denied(*, actor, action: str, obj=None, reason: str = "", jurisdiction_id=None) -> None:
    """Record a denied attempt (拒绝访问) in its own transaction, outside the refused one."""
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        after={"reason": reason} if reason else None,
        outcome=Outcome.DENIED,
        jurisdiction_id=jurisdiction_id,
    )
