"""Audit checkpoints leave the database through the outbox (ADR 0022): every new checkpoint of
the audit chain (audit/checkpoints.py) becomes an `audit.checkpoint` event for the endpoints of
the discipline offices (纪委监委) that subscribe to it, and the worker signs checkpoints
periodically. Registered here because the sweep registry and the outbox live in this app, which
stands above audit (audit imports neither)."""

from __future__ import annotations

from django.conf import settings

from shenguan.audit.checkpoints import checkpoint_sweep, register_checkpoint_sink
from shenguan.org.roles import DepartmentKind

from .models import WebhookEndpoint
from .services import outbox_emit
from .sweeps import register_sweep

EVENT_TYPE = "audit.checkpoint"


def checkpoint_to_discipline_offices(doc: dict) -> None:
    """Queue a signed checkpoint for every discipline office's endpoint that subscribes to it,
    one event per jurisdiction (in the transaction that stores the checkpoint)."""
    by_jurisdiction: dict[int, set[int]] = {}
    endpoints = WebhookEndpoint.objects.filter(
        active=True, department__kind=DepartmentKind.DISCIPLINE
    ).only("pk", "jurisdiction_id", "department_id", "event_types")
    for ep in endpoints:
        if ep.subscribes(EVENT_TYPE):
            by_jurisdiction.setdefault(ep.jurisdiction_id, set()).add(ep.department_id)
    for jurisdiction_id, department_ids in sorted(by_jurisdiction.items()):
        outbox_emit(
            event_type=EVENT_TYPE,
            jurisdiction_id=jurisdiction_id,
            payload=doc,
            department_ids=department_ids,
        )


def register_audit_anchoring() -> None:
    """The sink and the periodic sweep (every SHENGUAN_AUDIT_CHECKPOINT_INTERVAL seconds)."""
    register_checkpoint_sink(checkpoint_to_discipline_offices)
    register_sweep(
        "audit.checkpoint",
        settings.SHENGUAN_AUDIT_CHECKPOINT_INTERVAL,
        lambda now: checkpoint_sweep(now),
    )
