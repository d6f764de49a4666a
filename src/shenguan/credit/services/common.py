"""Helpers shared by the credit services."""

from __future__ import annotations

import datetime as dt

from shenguan.core.codes import check_resident_id, check_uscc
from shenguan.core.errors import PermissionDenied, ValidationFailed

from ..models import SubjectKind


def actor_name(actor) -> str:
    """The name shown for an actor (the system when None)."""
    if actor is None:
        return "系统"
    return str(getattr(actor, "display_name", "") or actor)[:150]


def user_id(actor) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None


def require(actor, perm: str, message: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", message)


def normalize_code(value) -> str:
    """A USCC or ID number as stored: no spaces, upper case."""
    return "".join(str(value or "").split()).upper()


def clean_subject_code(value, field: str = "code", *, kind: str | None = None) -> tuple[str, str]:
    """A subject's USCC (18 characters, GB 32100) or resident ID number (GB 11643), checked by
    python-stdnum; returns (code, subject kind). Names alone never identify a subject."""
    code = normalize_code(value)
    if not code:
        raise ValidationFailed("required", "请填写统一社会信用代码或身份证号码", field)
    if kind == SubjectKind.PERSON or (kind is None and code[:17].isdigit()):
        return check_resident_id(code, field), SubjectKind.PERSON
    return check_uscc(code, field), SubjectKind.LEGAL


def current(valid_from: dt.date | None, valid_until: dt.date | None, on: dt.date) -> bool:
    """In force on a date (valid_from ≤ on ≤ valid_until, open-ended when empty)."""
    return (valid_from is None or valid_from <= on) and (valid_until is None or on <= valid_until)
