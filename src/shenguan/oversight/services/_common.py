"""Helpers shared by the oversight services: who acts, refusals."""

from __future__ import annotations

from shenguan.core.errors import PermissionDenied

SYSTEM_NAME = "系统"


def actor_name(actor) -> str:
    """The name shown for an actor (the system when None)."""
    if actor is None:
        return SYSTEM_NAME
    return str(getattr(actor, "display_name", "") or actor)[:150]


def user_id(actor) -> int | None:
    """The user id of a person acting (None for the system and API tokens)."""
    return actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None


def require(actor, perm: str, message: str) -> None:
    """Refuse (403) unless the actor holds the permission; the system may do anything."""
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", message)


def require_department(actor, department_id: int, message: str) -> None:
    """Refuse (403) unless the actor belongs to the department (the system acts for any)."""
    if actor is not None and actor.department_id != department_id:
        raise PermissionDenied("forbidden_department", message)


def require_reach(actor, jurisdiction_id: int, message: str) -> None:
    """Refuse (403) unless the jurisdiction is among those the actor may read."""
    if actor is not None and jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise PermissionDenied("forbidden_jurisdiction", message)
