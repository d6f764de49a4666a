"""Working-day arithmetic over the calendar table, held in memory (never the library at run time).

Convention (ADR 0004): an event is received on its local date (Asia/Shanghai) if that date is a
working day and the event happened before office close; otherwise it is received on the next
working day. The day of receipt is not counted (民法典 §201): a budget of n working days ends at the
end of the n-th working day after the day of receipt. Dates in a year with no loaded calendar are
computed on the weekend rule alone and the result is marked provisional.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = dt.date(2004, 1, 1)
LAST = dt.date(2100, 12, 31)
_RELOAD_SECONDS = 30.0


class Due(NamedTuple):
    """A due date and whether it rests on a year whose calendar is not loaded yet."""

    date: dt.date
    provisional: bool


class _Calendar:
    """An in-memory index of working days between 2004 and 2100, precomputed per day ordinal
    (issue 15 item 5): each operation is a few list look-ups, no search and no date arithmetic.

    For the day at offset i = ordinal − base: `rank[i]` is the index in `ordinals` of the first
    working day on or after it (bisect_left), `work[i]` whether it is one (so bisect_right is
    rank + work), `unloaded_from[i]` the first ordinal on or after it that lies in a year with no
    loaded calendar (a span a…b is provisional when unloaded_from[a] ≤ b), and `dues[k]` the
    Due of the k-th working day with each provisional flag, built once."""

    def __init__(self, holidays: set, workdays: set, years: set, stamp):
        self.holidays = holidays
        self.workdays = workdays
        self.years = frozenset(years)
        self.stamp = stamp
        base = FIRST.toordinal()
        size = LAST.toordinal() - base + 1
        days: list[int] = []
        rank: list[int] = [0] * size
        work: list[int] = [0] * size
        unloaded: list[int] = [0] * size
        d = FIRST
        one = dt.timedelta(days=1)
        for i in range(size):
            rank[i] = len(days)
            if self._is_working(d):
                days.append(d.toordinal())
                work[i] = 1
            d += one
        beyond = LAST.toordinal() + 1
        nxt = beyond
        for i in range(size - 1, -1, -1):
            if dt.date.fromordinal(base + i).year not in self.years:
                nxt = base + i
            unloaded[i] = nxt
        self.ordinals = days
        self.base = base
        self.size = size
        self.rank = rank
        self.work = work
        self.unloaded_from = unloaded
        dates = [dt.date.fromordinal(o) for o in days]
        self.dates = dates
        self.dues = (
            [Due(x, False) for x in dates],
            [Due(x, True) for x in dates],
        )

    def _is_working(self, d: dt.date) -> bool:
        if d in self.holidays:
            return False
        if d in self.workdays:
            return True
        return d.weekday() < 5


_lock = threading.Lock()
_cal: _Calendar | None = None
_checked_at = 0.0


def _stamp():
    from django.db.models import Count, Max

    from .models import CalendarDay, CalendarYear

    y = CalendarYear.objects.aggregate(m=Max("updated_at"), c=Count("id"))
    c = CalendarDay.objects.count()
    return (y["m"], y["c"], c)


def _load() -> _Calendar:
    from .models import CalendarDay, CalendarYear, DayKind

    holidays, workdays = set(), set()
    for date, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(date)
    years = set(CalendarYear.objects.values_list("year", flat=True))
    return _Calendar(holidays, workdays, years, _stamp())


def calendar() -> _Calendar:
    """The current in-memory calendar, reloaded when the table changed (checked every 30 s)."""
    global _cal, _checked_at
    now = time.monotonic()
    cal = _cal
    if cal is not None and now - _checked_at < _RELOAD_SECONDS:
        return cal
    with _lock:
        if _cal is None or _stamp() != _cal.stamp:
            _cal = _load()
        _checked_at = time.monotonic()
        return _cal


def invalidate() -> None:
    """Drop the in-memory calendar (after an import or edit in this process)."""
    global _cal, _checked_at
    with _lock:
        _cal = None
        _checked_at = 0.0


_close_cache: tuple[str, dt.time] | None = None


def _office_close() -> dt.time:
    global _close_cache
    value = settings.SHENGUAN_OFFICE_CLOSE
    if _close_cache is None or _close_cache[0] != value:
        h, m = value.split(":")
        _close_cache = (value, dt.time(int(h), int(m)))
    return _close_cache[1]


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    """The Asia/Shanghai date of a moment (a date is returned as is)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes")
        return moment.astimezone(SHANGHAI).date()
    return moment


def _check_range(d: dt.date) -> None:
    if d < FIRST or d > LAST:
        raise ValueError(f"date {d} outside the supported range {FIRST}–{LAST}")


def hypothetical(holidays: set, workdays: set, years: set) -> _Calendar:
    """A calendar built from given data, not the table (previews of an import or an edit)."""
    return _Calendar(set(holidays), set(workdays), set(years), None)


def is_working_day(d: dt.date, *, cal: _Calendar | None = None) -> bool:
    """Whether a date is a working day (工作日)."""
    cal = cal or calendar()
    i = d.toordinal() - cal.base
    if not 0 <= i < cal.size:
        _check_range(d)
    return cal.work[i] == 1


def is_provisional(d: dt.date) -> bool:
    """Whether a date lies in a year whose calendar is not loaded."""
    return d.year not in calendar().years


def loaded_years() -> frozenset[int]:
    """The years whose official calendar is loaded."""
    return calendar().years


def span_provisional(a: dt.date, b: dt.date, *, cal: _Calendar | None = None) -> bool:
    """Whether any year from a to b (either order) has no loaded calendar."""
    cal = cal or calendar()
    lo, hi = min(a, b), max(a, b)
    return any(y not in cal.years for y in range(lo.year, hi.year + 1))


def next_working_day(d: dt.date, *, cal: _Calendar | None = None) -> dt.date:
    """The first working day strictly after d."""
    cal = cal or calendar()
    i = d.toordinal() - cal.base
    if 0 <= i < cal.size:
        k = cal.rank[i] + cal.work[i]
    else:
        k = bisect.bisect_right(cal.ordinals, d.toordinal())
    if k >= len(cal.ordinals):
        raise ValueError(f"no working day after {d} within the supported range")
    return cal.dates[k]


def _receipt_offset(start, office_close, cal: _Calendar) -> tuple[int, int]:
    """(offset of the start's local date, index of its receipt day in cal.ordinals)."""
    if type(start) is dt.date:
        i = start.toordinal() - cal.base
        if not 0 <= i < cal.size:
            _check_range(start)
        return i, cal.rank[i]
    if not isinstance(start, dt.datetime):
        raise TypeError(f"a date or an aware datetime, not {type(start).__name__}")
    if start.tzinfo is None:
        raise ValueError("naive datetime: store aware UTC datetimes")
    local = start.astimezone(SHANGHAI)
    d = local.date()
    i = d.toordinal() - cal.base
    if not 0 <= i < cal.size:
        _check_range(d)
    late = local.time() >= (office_close or _office_close())
    # a working day before close counts as itself; otherwise the next working day after it
    return i, cal.rank[i] + (cal.work[i] if late else 0)


def receipt_date(
    start: dt.datetime | dt.date,
    office_close: dt.time | None = None,
    *,
    cal: _Calendar | None = None,
) -> dt.date:
    """The working day on which an event counts as received (see module docstring)."""
    cal = cal or calendar()
    _i, k = _receipt_offset(start, office_close, cal)
    if k >= len(cal.ordinals):
        raise ValueError(f"no working day after {local_date(start)} within the supported range")
    return cal.dates[k]


def add_working_days(
    start: dt.datetime | dt.date,
    n: int,
    *,
    office_close: dt.time | None = None,
    cal: _Calendar | None = None,
) -> Due:
    """The due date n working days after the day the event counts as received."""
    if n < 0:
        raise ValueError("a working-day budget cannot be negative")
    cal = cal or calendar()
    if type(start) is dt.date:  # the common case, inline
        i = start.toordinal() - cal.base
        if not 0 <= i < cal.size:
            _check_range(start)
        k = cal.rank[i] + n
    else:
        i, k = _receipt_offset(start, office_close, cal)
        k += n
    if k >= len(cal.ordinals):
        r = receipt_date(start, office_close, cal=cal)
        raise ValueError(f"{n} working days after {r} is beyond the supported range")
    return cal.dues[cal.unloaded_from[i] <= cal.ordinals[k]][k]


def add_working_days_many(starts, budgets, *, cal: _Calendar | None = None) -> list[Due]:
    """add_working_days over parallel sequences of dates and budgets, in one pass (sweeps over
    many deadlines): the same results, without a call per operation."""
    cal = cal or calendar()
    base, size, rank, ords = cal.base, cal.size, cal.rank, cal.ordinals
    unloaded, dues = cal.unloaded_from, cal.dues
    out = []
    append = out.append
    for start, n in zip(starts, budgets, strict=True):
        if type(start) is not dt.date or n < 0:
            append(add_working_days(start, n, cal=cal))
            continue
        i = start.toordinal() - base
        if not 0 <= i < size:
            _check_range(start)
        k = rank[i] + n
        if k >= len(ords):
            append(add_working_days(start, n, cal=cal))  # raises, naming the date
        append(dues[unloaded[i] <= ords[k]][k])
    return out


def working_days_between(a: dt.date, b: dt.date, *, cal: _Calendar | None = None) -> int:
    """Working days d with a < d ≤ b (negative when b is before a)."""
    cal = cal or calendar()
    base, size = cal.base, cal.size
    i = a.toordinal() - base
    j = b.toordinal() - base
    if not (0 <= i < size and 0 <= j < size):
        _check_range(a)
        _check_range(b)
    # bisect_right of each: rank + work
    rank, work = cal.rank, cal.work
    return (rank[j] + work[j]) - (rank[i] + work[i])


def end_of_day(d: dt.date) -> dt.datetime:
    """The moment a due date ends: midnight after it, Asia/Shanghai, as an aware datetime."""
    return dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SHANGHAI)
