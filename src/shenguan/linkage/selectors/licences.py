"""Reads of the licence register and the public verification (证照查询)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import (
    Licence,
    LicenceEvent,
)
from .common import _one


def licence_list(*, user, filters: dict | None = None) -> QuerySet[Licence]:
    """Licences the actor may see, newest first, filtered."""
    qs = Licence.objects.restrict(user).select_related("item", "department")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("number"):
        qs = qs.filter(number__startswith=f["number"].strip())
    if f.get("holder"):
        qs = qs.filter(holder_name__icontains=f["holder"].strip())
    if f.get("item_id"):
        qs = qs.filter(item_id=f["item_id"])
    return qs.order_by("-id")


def licence_get(*, user, pk) -> Licence:
    """One licence the actor may see, or 404."""
    return _one(licence_list(user=user), pk)


def licence_history(*, user, licence: Licence) -> QuerySet[LicenceEvent]:
    """The dated state changes of a licence."""
    return LicenceEvent.objects.restrict(user).filter(licence_id=licence.pk).order_by("at", "id")


def licence_verify(*, number: str) -> list[Licence]:
    """Licences with this number, case-insensitive, for the public verification page (证照核验,
    no login)."""
    number = (number or "").strip()
    if not number or len(number) > 100:
        return []
    return list(
        Licence.objects.filter(number__iexact=number).select_related(
            "item", "department", "jurisdiction"
        )
    )
