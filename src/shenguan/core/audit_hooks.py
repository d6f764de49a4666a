"""Audit hooks: where core itself must leave an audit event — an unmasking of personal data, a
refused API request — it calls the functions the audit app registered here, so that core never
imports the audit app (ADR 0020). Without them core refuses to go on: an unaudited refusal or
unmasking would be a silent gap in the trail."""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: dict[str, Callable] = {}


def register_audit_hooks(*, record: Callable, denied: Callable) -> None:
    """Register audit_record(actor, action, obj, after=…) and audit_denied(actor, action, obj,
    reason) (from the audit app's ready())."""
    _HOOKS["record"] = record
    _HOOKS["denied"] = denied


def _hook(name: str) -> Callable:
    try:
        return _HOOKS[name]
    except KeyError:
        raise RuntimeError(
            "no audit hooks registered: the audit app registers them in its ready()"
        ) from None


def audit_record(**kwargs):
    """Record an audit event through the audit app (same arguments as its audit_record)."""
    return _hook("record")(**kwargs)


def audit_denied(**kwargs):
    """Record a refused attempt through the audit app (same arguments as its audit_denied)."""
    return _hook("denied")(**kwargs)
