"""Reading the calendar: loaded years, a year's days, the preview of an import.

The calendar is reference data: every signed-in user (and every API token) may read it.
Deadlines are read through the objects that own them; here they are only counted.
"""

from __future__ import annotations

import datetime as dt
from calendar import Calendar

from django.db.models import QuerySet

from shenguan.core.errors import PermissionDenied

from . import workdays
from .models import CalendarDay, CalendarYear, DayKind
from .services import affected_deadlines, day_changes, deadline_compute


def _require_reader(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("forbidden", "请先登录")


def calendar_years(*, user) -> QuerySet[CalendarYear]:
    """The loaded years (已导入年度), oldest first."""
    _require_reader(user)
    return CalendarYear.objects.order_by("year")


def calendar_days(*, user, year: int) -> QuerySet[CalendarDay]:
    """A year's holidays and make-up working days, in date order."""
    _require_reader(user)
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_year(*, user, year: int) -> CalendarYear | None:
    """The loaded-year row, or None when the year is provisional (not loaded)."""
    _require_reader(user)
    return CalendarYear.objects.filter(year=year).first()


def month_grids(year: int, days: list[CalendarDay]) -> list[dict]:
    """Twelve month grids (weeks Monday–Sunday) with each date's kind and name marked."""
    by_date = {d.date: d for d in days}
    cal = Calendar(firstweekday=0)
    months = []
    for m in range(1, 13):
        weeks = []
        for week in cal.monthdatescalendar(year, m):
            cells = []
            for d in week:
                if d.month != m:
                    cells.append(None)
                    continue
                entry = by_date.get(d)
                if entry:
                    kind = entry.kind
                elif d.weekday() >= 5:
                    kind = "weekend"
                else:
                    kind = "normal"
                cells.append({"date": d, "kind": kind, "name": entry.name if entry else ""})
            weeks.append(cells)
        notes: list[dict] = []
        for d in sorted(x for x in by_date if x.year == year and x.month == m):
            e = by_date[d]
            last = notes[-1] if notes else None
            if (
                last
                and (last["kind"], last["name"]) == (e.kind, e.name)
                and (d - last["to"]).days == 1
            ):
                last["to"] = d
            else:
                notes.append({"from": d, "to": d, "kind": e.kind, "name": e.name})
        months.append({"month": m, "weeks": weeks, "notes": notes})
    return months


def _hypothetical_calendar(year: int, new_days: dict[dt.date, tuple[str, str]]):
    holidays, workdays_ = set(), set()
    for d, k in CalendarDay.objects.exclude(date__year=year).values_list("date", "kind"):
        (holidays if k == DayKind.HOLIDAY else workdays_).add(d)
    for d, (k, _n) in new_days.items():
        (holidays if k == DayKind.HOLIDAY else workdays_).add(d)
    years = set(CalendarYear.objects.values_list("year", flat=True)) | {year}
    return workdays.hypothetical(holidays, workdays_, years)


def calendar_import_preview(*, user, year: int, entries) -> dict:
    """What importing these days would change: the day differences and the deadlines moved."""
    _require_reader(user)
    loaded = CalendarYear.objects.filter(year=year).first()
    old = {
        d: (k, n)
        for d, k, n in CalendarDay.objects.filter(date__year=year).values_list(
            "date", "kind", "name"
        )
    }
    new = {e.date: (e.kind, e.name) for e in entries}
    changes = day_changes(old, new)
    touched = set(changes["added"]) | set(changes["removed"]) | set(changes["changed"])
    cal = _hypothetical_calendar(year, new)
    moved = 0
    cleared = 0
    for d in affected_deadlines(touched).only("start_at", "budget_days", "due_date", "provisional"):
        due_date, _at, provisional = deadline_compute(d.start_at, d.budget_days, cal=cal)
        if due_date != d.due_date or provisional != d.provisional:
            moved += 1
            if d.provisional and not provisional:
                cleared += 1
    return {
        "year": year,
        "loaded": loaded is not None,
        "current_source": loaded.source if loaded else "",
        "added": [{"date": d, "kind": new[d][0], "name": new[d][1]} for d in changes["added"]],
        "removed": [{"date": d, "kind": old[d][0], "name": old[d][1]} for d in changes["removed"]],
        "changed": [
            {
                "date": d,
                "kind": new[d][0],
                "name": new[d][1],
                "old_kind": old[d][0],
                "old_name": old[d][1],
            }
            for d in changes["changed"]
        ],
        "deadlines_moved": moved,
        "provisional_cleared": cleared,
    }
