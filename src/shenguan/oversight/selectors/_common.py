"""Helpers of the oversight selectors: one object or 404, reading rights."""

from __future__ import annotations

import datetime as dt

from shenguan.calendar import workdays
from shenguan.core.errors import NotFound, PermissionDenied

MAX_ID = 2**63 - 1


def one(qs, pk):
    """The object with this key in a scoped queryset, or NotFound (another department's too)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk <= MAX_ID:
        raise NotFound()
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def signed_in(user) -> None:
    """Refuse the anonymous (the API answers 401 before this)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("forbidden", "请先登录")


def day_start(d: dt.date) -> dt.datetime:
    """The first moment of a local day."""
    return dt.datetime.combine(d, dt.time(0), tzinfo=workdays.SHANGHAI)
