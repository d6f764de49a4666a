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
    """An in-memory index of working days between 2004 and 2100."""

    def __init__(self, holidays: set, workdays: set, years: set, stamp):
        self.holidays = holidays
        self.workdays = workdays
        self.years = frozenset(years)
        self.stamp = stamp
        days: list[int] = []
        d = FIRST
        one = dt.timedelta(days=1)
        while d <= LAST:
            if self._is_working(d):
                days.append(d.toordinal())
            d += one
        self.ordinals = days

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


def _office_close() -> dt.time:
    h, m = settings.SHENGUAN_OFFICE_CLOSE.split(":")
    return dt.time(int(h), int(m))


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
    _check_range(d)
    cal = cal or calendar()
    i = bisect.bisect_left(cal.ordinals, d.toordinal())
    return i < len(cal.ordinals) and cal.ordinals[i] == d.toordinal()


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
    i = bisect.bisect_right(cal.ordinals, d.toordinal())
    if i >= len(cal.ordinals):
        raise ValueError(f"no working day after {d} within the supported range")
    return dt.date.fromordinal(cal.ordinals[i])


def receipt_date(
    start: dt.datetime | dt.date,
    office_close: dt.time | None = None,
    *,
    cal: _Calendar | None = None,
) -> dt.date:
    """The working day on which an event counts as received (see module docstring)."""
    d = local_date(start)
    _check_range(d)
    late = False
    if isinstance(start, dt.datetime):
        close = office_close or _office_close()
        late = start.astimezone(SHANGHAI).time() >= close
    if late or not is_working_day(d, cal=cal):
        return next_working_day(d, cal=cal)
    return d


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
    r = receipt_date(start, office_close, cal=cal)
    i = bisect.bisect_left(cal.ordinals, r.toordinal())
    if i + n >= len(cal.ordinals):
        raise ValueError(f"{n} working days after {r} is beyond the supported range")
    due = dt.date.fromordinal(cal.ordinals[i + n])
    return Due(due, span_provisional(local_date(start), due, cal=cal))


def working_days_between(a: dt.date, b: dt.date, *, cal: _Calendar | None = None) -> int:
    """Working days d with a < d ≤ b (negative when b is before a)."""
    if b < a:
        return -working_days_between(b, a, cal=cal)
    _check_range(a)
    _check_range(b)
    cal = cal or calendar()
    lo = bisect.bisect_right(cal.ordinals, a.toordinal())
    hi = bisect.bisect_right(cal.ordinals, b.toordinal())
    return hi - lo


def end_of_day(d: dt.date) -> dt.datetime:
    """The moment a due date ends: midnight after it, Asia/Shanghai, as an aware datetime."""
    return dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SHANGHAI)
