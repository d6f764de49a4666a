"""What the linkage selectors share."""

from __future__ import annotations

import datetime as dt

from shenguan.calendar import workdays
from shenguan.core.errors import NotFound

MAX_ID = 2**63 - 1  # the largest key a bigint column (and SQLite) holds


def _one(qs, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk <= MAX_ID:  # no such row; and SQLite cannot even bind a larger integer
        raise NotFound()
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _day_start(d: dt.date) -> dt.datetime:
    return workdays.end_of_day(d - dt.timedelta(days=1))
