"""Masking of personal data (ID numbers, phone numbers) for users without the unmask right."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """Mask a resident ID number as 110105********0123 (first 6 and last 4 kept)."""
    if not value:
        return ""
    v = str(value).strip()
    if len(v) <= 10:
        return v[:1] + "*" * max(len(v) - 2, 0) + v[-1:] if len(v) > 2 else "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str | None) -> str:
    """Mask a phone number as 138****8000 (mobile) or keep area code and last 4 digits."""
    if not value:
        return ""
    v = str(value).strip()
    digits = sum(c.isdigit() for c in v)
    if digits < 7:
        return "*" * len(v)
    if len(v) == 11 and v.isdigit():
        return v[:3] + "****" + v[-4:]
    return v[: max(len(v) - 8, 0)] + "****" + v[-4:]


def mask_name(value: str | None) -> str:
    """Mask a person's name as 张*三 / 张* (first character kept, last kept if 3+ long)."""
    if not value:
        return ""
    v = str(value).strip()
    if len(v) <= 1:
        return v
    if len(v) == 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}


def _personal_kind(key: str) -> str | None:
    """The kind of personal data a document key holds, by its name (None: not personal)."""
    k = key.lower()
    if "id_number" in k or k in {"idcard", "id_card", "sfzh"}:
        return "id_number"
    if "phone" in k or "mobile" in k:
        return "phone"
    return None


def mask_document(value):
    """A copy of a JSON document (an event payload, a snapshot) with ID numbers and phone
    numbers masked wherever they appear, at any depth, by the name of their key."""
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            kind = _personal_kind(str(key))
            if kind and isinstance(v, str | int) and not isinstance(v, bool):
                out[key] = masked(str(v), kind)
            else:
                out[key] = mask_document(v)
        return out
    if isinstance(value, list):
        return [mask_document(v) for v in value]
    return value


# The permission that shows personal data in full, registered by the app defining the
# permissions (org: Perm.UNMASK); none registered means nobody sees them in full.
_UNMASK_PERMISSION: list[str] = []


def register_unmask_permission(name: str) -> None:
    """Name the permission that lets its holder see personal data in full (from an app's
    ready())."""
    _UNMASK_PERMISSION[:] = [name]


def can_unmask(actor) -> bool:
    """Whether the actor holds the right to see personal data in full (the registered
    permission)."""
    return bool(
        _UNMASK_PERMISSION
        and actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.can(_UNMASK_PERMISSION[0])
    )


def masked(value: str | None, kind: str) -> str:
    """The masked form of a value of a kind: 'id_number', 'phone' or 'name'."""
    return MASKERS[kind](value)


def personal_value(*, actor, value: str | None, kind: str, obj=None, field: str = "") -> str:
    """Personal data for display (个人信息展示): in full, with an audit event
    (personal.unmask), if the actor holds the unmask right; masked otherwise."""
    if not value:
        return ""
    if not can_unmask(actor):
        return masked(value, kind)
    from django.db import transaction

    from .audit_hooks import audit_record

    with transaction.atomic():
        audit_record(actor=actor, action="personal.unmask", obj=obj, after={"field": field or kind})
    return str(value)
