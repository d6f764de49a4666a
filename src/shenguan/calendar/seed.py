"""The 2004–2026 calendar copied from chinese-calendar into our table (used by a data migration)."""

from __future__ import annotations

import datetime as dt

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE = "国务院办公厅部分节假日安排通知（经 chinese-calendar 1.11.0 转录）"

# The names the State Council notices use, for chinese-calendar's short Chinese names.
_OFFICIAL = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def holiday_name(value) -> str:
    """The Chinese holiday name for a chinese-calendar table value (an English enum value)."""
    import chinese_calendar

    try:
        short = chinese_calendar.Holiday(value).chinese
    except ValueError:
        return ""
    return _OFFICIAL.get(short, short)


def seed(CalendarYear, CalendarDay) -> int:
    """Insert the holidays and make-up working days of 2004–2026 that are not there yet."""
    import chinese_calendar

    have = set(CalendarYear.objects.values_list("year", flat=True))
    years = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in have]
    if not years:
        return 0
    rows = []
    for table, kind in (
        (chinese_calendar.holidays, "holiday"),
        (chinese_calendar.workdays, "workday"),
    ):
        for date, holiday in table.items():
            if date.year in years:
                name = holiday_name(holiday)
                if kind == "workday" and name:
                    name = f"{name}调休"
                rows.append(CalendarDay(date=date, kind=kind, name=name, source=SOURCE))
    rows.sort(key=lambda r: r.date)
    CalendarDay.objects.bulk_create(rows, batch_size=1000)
    now = dt.datetime.now(dt.UTC)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source=SOURCE, loaded_at=now, updated_at=now) for y in years]
    )
    return len(rows)


def fill_names(CalendarDay) -> int:
    """Give the seeded days their holiday names (an earlier seed left them empty)."""
    import chinese_calendar

    changed = 0
    for table, kind in (
        (chinese_calendar.holidays, "holiday"),
        (chinese_calendar.workdays, "workday"),
    ):
        for date, holiday in table.items():
            name = holiday_name(holiday)
            if kind == "workday" and name:
                name = f"{name}调休"
            changed += CalendarDay.objects.filter(
                date=date, kind=kind, name="", source=SOURCE
            ).update(name=name)
    return changed
