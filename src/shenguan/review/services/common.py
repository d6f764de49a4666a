"""What the review services share: rights, names and local dates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shenguan.core.errors import PermissionDenied

SYSTEM_NAME = "系统"


def actor_name(actor) -> str:
    """The name shown for an actor (the system when None)."""
    if actor is None:
        return SYSTEM_NAME
    return str(getattr(actor, "display_name", "") or actor)[:150]


def require(actor, perm: str, message: str) -> None:
    """Refuse (403) unless the actor holds the permission; the system itself may do anything."""
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", message)


def require_department(actor, department_id: int, message: str) -> None:
    """Refuse (403) unless the actor belongs to the department (the system may act for it)."""
    if actor is not None and actor.department_id != department_id:
        raise PermissionDenied("forbidden_department", message)


def local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)
