"""Working-day arithmetic against chinese-calendar (the independent oracle) and the convention."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from shenguan.calendar import workdays
from shenguan.calendar.workdays import add_working_days, working_days_between

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_every_day_2004_to_2026_agrees_with_chinese_calendar():
    d = dt.date(2004, 1, 1)
    n = 0
    while d <= dt.date(2026, 12, 31):
        assert workdays.is_working_day(d) == chinese_calendar.is_workday(d), d
        assert not workdays.is_provisional(d)
        d += dt.timedelta(days=1)
        n += 1
    assert n == 8401


@pytest.mark.django_db
def test_add_working_days_agrees_with_chinese_calendar_find_workday():
    # chinese_calendar.find_workday(n, d) counts n working days after d (d itself excluded).
    for start in (
        dt.date(2025, 9, 28),
        dt.date(2026, 2, 13),
        dt.date(2024, 4, 30),
        dt.date(2019, 5, 1),
    ):
        for n in range(0, 15):
            due = add_working_days(start, n)
            if workdays.is_working_day(start):
                assert due.date == chinese_calendar.find_workday(n, start)
            assert not due.provisional


@pytest.mark.django_db
def test_convention_for_non_working_day_and_after_office_hours():
    # Friday 2026-11-20 10:00: received that day; 2 working days → Tue 24th.
    assert add_working_days(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH), 2).date == dt.date(
        2026, 11, 24
    )
    # Friday 18:00 (after 17:30 close): received Monday 23rd → Wed 25th.
    assert add_working_days(dt.datetime(2026, 11, 20, 18, 0, tzinfo=SH), 2).date == dt.date(
        2026, 11, 25
    )
    # Saturday: received Monday 23rd → Wed 25th.
    assert add_working_days(dt.datetime(2026, 11, 21, 9, 0, tzinfo=SH), 2).date == dt.date(
        2026, 11, 25
    )
    # A UTC moment that is already the next local day.
    assert add_working_days(dt.datetime(2026, 11, 19, 17, 0, tzinfo=dt.UTC), 0).date == dt.date(
        2026, 11, 20
    )


@pytest.mark.django_db
def test_make_up_saturday_counts_and_holiday_does_not():
    # 2026 National Day: Oct 1–7 off, Sat Oct 10 a make-up working day (chinese-calendar).
    assert chinese_calendar.is_workday(dt.date(2026, 10, 10))
    due = add_working_days(dt.date(2026, 9, 30), 2)
    assert due.date == dt.date(2026, 10, 9)
    due = add_working_days(dt.date(2026, 10, 9), 1)
    assert due.date == dt.date(2026, 10, 10)


@pytest.mark.django_db
def test_year_without_data_is_provisional():
    due = add_working_days(dt.date(2026, 12, 30), 2)
    assert due.provisional
    assert due.date == dt.date(2027, 1, 1)  # weekends only: a Friday


@pytest.mark.django_db
def test_working_days_between():
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 2  # Oct 8 and 9
    assert working_days_between(dt.date(2026, 10, 9), dt.date(2026, 9, 30)) == -2
    assert working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 20)) == 0
    d0 = dt.date(2025, 1, 1)
    expected = sum(
        1 for i in range(1, 366) if chinese_calendar.is_workday(d0 + dt.timedelta(days=i))
    )
    assert working_days_between(d0, dt.date(2026, 1, 1)) == expected


@pytest.mark.django_db
def test_end_of_range_is_a_value_error_not_an_index_error():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2100, 12, 30), 5)
    with pytest.raises(ValueError):
        add_working_days(dt.date(2003, 12, 31), 1)


@pytest.mark.django_db
def test_a_hypothetical_calendar_previews_without_touching_the_cache():
    cal = workdays.hypothetical(
        holidays={dt.date(2027, 1, 1)}, workdays=set(), years=set(range(2004, 2028))
    )
    due = add_working_days(dt.date(2026, 12, 30), 2, cal=cal)
    assert due == workdays.Due(dt.date(2027, 1, 4), False)
    # The real calendar is unchanged: 2027 is still provisional there.
    assert add_working_days(dt.date(2026, 12, 30), 2) == workdays.Due(dt.date(2027, 1, 1), True)
    assert workdays.span_provisional(dt.date(2026, 12, 1), dt.date(2027, 1, 5))
    assert not workdays.span_provisional(dt.date(2026, 12, 1), dt.date(2027, 1, 5), cal=cal)


def _walk(start: dt.date, n: int) -> dt.date:
    """Oracle: n working days after the day of receipt, stepping day by day on chinese-calendar."""
    d = start
    while not chinese_calendar.is_workday(d):
        d += dt.timedelta(days=1)
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


@pytest.mark.django_db
def test_the_precomputed_index_agrees_with_a_day_by_day_walk():
    import random

    rng = random.Random(15)
    starts = [dt.date(2004, 1, 1) + dt.timedelta(days=rng.randrange(8000)) for _ in range(400)]
    budgets = [rng.randint(0, 60) for _ in starts]
    many = workdays.add_working_days_many(starts, budgets)
    for s, n, got in zip(starts, budgets, many, strict=True):
        due = add_working_days(s, n)
        assert due == got
        assert due.date == _walk(s, n), (s, n)
        assert due.provisional == (due.date.year > 2026)
        end = s + dt.timedelta(days=n * 2)
        expected = sum(
            1
            for i in range(1, (end - s).days + 1)
            if chinese_calendar.is_workday(s + dt.timedelta(days=i))
        )
        assert working_days_between(s, end) == expected
        assert working_days_between(end, s) == -expected
        if not chinese_calendar.is_workday(s):
            assert workdays.receipt_date(s) == _walk(s, 0) > s
        assert workdays.next_working_day(s) == _walk(s + dt.timedelta(days=1), 0)
