"""Importing a year, editing a day, and the deadlines they recompute (calendar/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from shenguan.audit.models import AuditEvent
from shenguan.calendar import workdays
from shenguan.calendar.importer import parse_calendar
from shenguan.calendar.models import CalendarDay, CalendarYear, Deadline, DeadlineState
from shenguan.calendar.services import (
    DayEntry,
    calendar_day_set,
    calendar_import_year,
    calendar_recompute_year,
    deadline_close,
    deadline_open,
)
from shenguan.core.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed

from .conftest import CSV_2027, SH, YAML_2027


def import_file(actor, path=YAML_2027):
    plan = parse_calendar(path.read_bytes(), filename=path.name)
    return calendar_import_year(
        actor=actor, year=plan.year, entries=plan.entries, source=plan.source, note=plan.note
    )


def recompute_events(deadline) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="deadline.recompute", object_id=str(deadline.pk)).order_by(
            "seq"
        )
    )


def sql_count(table: str, where: str = "1=1") -> int:
    """An independent count with plain SQL."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}")  # noqa: S608
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_done_when_2027_import_recomputes_the_provisional_deadline(world, sysadmin, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    # Weekends only: Thu 31 Dec is day 1, Fri 1 Jan 2027 day 2.
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 1), True)
    closed = open_deadline(dt.date(2026, 12, 30), 2)
    deadline_close(deadline=closed, at=dt.datetime(2026, 12, 31, 9, tzinfo=SH))

    res = import_file(sysadmin)

    assert res["year"] == 2027 and res["recomputed"] == 1 and not res["replaced"]
    d.refresh_from_db()
    # The test file makes 1–3 Jan 2027 a holiday: Thu 31 Dec, then Mon 4 Jan.
    assert d.due_date == dt.date(2027, 1, 4)
    assert d.provisional is False
    assert d.due_at == dt.datetime(2027, 1, 5, 0, 0, tzinfo=SH)
    [ev] = recompute_events(d)
    assert ev.before["due_date"] == "2027-01-01" and ev.before["provisional"] is True
    assert ev.after["due_date"] == "2027-01-04" and ev.after["provisional"] is False
    assert ev.actor_id == sysadmin.pk
    # The closed deadline is not touched.
    closed.refresh_from_db()
    assert (closed.due_date, closed.provisional, closed.state) == (
        dt.date(2027, 1, 1),
        True,
        DeadlineState.MET,
    )
    assert recompute_events(closed) == []
    assert AuditEvent.objects.filter(action="calendar.import_year").count() == 1


@pytest.mark.django_db
def test_csv_twin_has_the_same_effect(world, sysadmin, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    import_file(sysadmin, CSV_2027)
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 4), False)
    assert sql_count("calendar_calendarday", "date >= '2027-01-01' AND date <= '2027-12-31'") == 34


@pytest.mark.django_db
def test_a_year_without_data_stays_provisional_after_importing_another(
    world, sysadmin, open_deadline
):
    into_2028 = open_deadline(dt.date(2027, 12, 29), 5)
    assert into_2028.provisional
    import_file(sysadmin)
    into_2028.refresh_from_db()
    assert into_2028.provisional is True
    assert not workdays.is_provisional(dt.date(2027, 6, 1))
    assert workdays.is_provisional(dt.date(2028, 1, 3))
    # And the other way round: loading a later year (2029) does not settle a deadline that
    # reaches into a year still missing (2030).
    calendar_import_year(
        actor=sysadmin,
        year=2029,
        source="测试数据",
        entries=[DayEntry(dt.date(2029, 1, 1), "holiday", "元旦", "")],
    )
    far = open_deadline(dt.date(2029, 12, 28), 3)
    assert far.provisional
    into_2028.refresh_from_db()
    assert into_2028.provisional is True


@pytest.mark.django_db
def test_editing_a_day_recomputes_open_deadlines_whose_window_holds_it(
    world, sysadmin, open_deadline
):
    # Mon 2026-11-23 + 3 working days → Thu 26th; not provisional.
    inside = open_deadline(dt.date(2026, 11, 23), 3)
    before_it = open_deadline(dt.date(2026, 11, 16), 2)  # due Wed 18th: window ends earlier
    after_it = open_deadline(dt.date(2026, 11, 26), 2)  # starts after the edited date
    assert (inside.due_date, inside.provisional) == (dt.date(2026, 11, 26), False)
    res = calendar_day_set(
        actor=sysadmin, date=dt.date(2026, 11, 25), kind="holiday", name="测试假日", source="测试"
    )
    assert res.changed and res.recomputed == 1
    inside.refresh_from_db()
    assert inside.due_date == dt.date(2026, 11, 27)
    [ev] = recompute_events(inside)
    assert ev.after["reason"].startswith("calendar_day_set")
    for other in (before_it, after_it):
        due = other.due_date
        other.refresh_from_db()
        assert other.due_date == due and recompute_events(other) == []
    # Back to normal: the deadline moves back, and the edit itself is audited before/after.
    res = calendar_day_set(actor=sysadmin, date=dt.date(2026, 11, 25), kind="normal")
    assert res.recomputed == 1
    inside.refresh_from_db()
    assert inside.due_date == dt.date(2026, 11, 26)
    evs = AuditEvent.objects.filter(action="calendar.day_set").order_by("seq")
    assert [e.after["kind"] for e in evs] == ["holiday", None]
    assert evs[1].before["name"] == "测试假日"
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 25)).exists()


@pytest.mark.django_db
def test_make_up_saturday_edit_moves_a_deadline_earlier(world, sysadmin, open_deadline):
    d = open_deadline(dt.date(2026, 11, 20), 1)  # Fri → Mon 23rd
    assert d.due_date == dt.date(2026, 11, 23)
    calendar_day_set(actor=sysadmin, date=dt.date(2026, 11, 21), kind="workday", name="测试调休")
    d.refresh_from_db()
    assert d.due_date == dt.date(2026, 11, 21)


@pytest.mark.django_db
def test_day_edit_refusals_write_nothing(world, sysadmin):
    events = AuditEvent.objects.count()
    days = CalendarDay.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        calendar_day_set(actor=sysadmin, date=dt.date(2026, 11, 24), kind="workday", name="x")
    assert exc.value.code == "workday_on_weekday" and exc.value.field == "kind"
    with pytest.raises(ValidationFailed) as exc:
        calendar_day_set(actor=sysadmin, date=dt.date(2026, 11, 24), kind="holiday", name="")
    assert exc.value.field == "name"
    with pytest.raises(ValidationFailed):
        calendar_day_set(actor=sysadmin, date=dt.date(2026, 11, 24), kind="bogus", name="x")
    with pytest.raises(Conflict) as exc:
        calendar_day_set(actor=sysadmin, date=dt.date(2027, 3, 1), kind="holiday", name="x")
    assert exc.value.code == "year_not_loaded"
    with pytest.raises(PermissionDenied):
        calendar_day_set(
            actor=world.users["approver"], date=dt.date(2026, 11, 24), kind="holiday", name="x"
        )
    assert AuditEvent.objects.count() == events
    assert CalendarDay.objects.count() == days
    # Setting a day to what it already is changes nothing and is not audited.
    res = calendar_day_set(
        actor=sysadmin,
        date=dt.date(2026, 10, 1),
        kind="holiday",
        name="国庆节",
        source=CalendarDay.objects.get(date=dt.date(2026, 10, 1)).source,
    )
    assert not res.changed and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_reimport_replaces_the_year_audited_before_and_after(world, sysadmin, open_deadline):
    import_file(sysadmin)
    # Open after the first import: Mon 2027-01-25 + 5 → Mon Feb 1 (Sun 31st is a make-up day).
    d = open_deadline(dt.date(2027, 1, 25), 5)
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 31), False)
    text = YAML_2027.read_text(encoding="utf-8").replace(
        "  - date: 2027-01-31\n    name: 春节调休\n", ""
    )
    plan = parse_calendar(text.encode(), filename="x.yaml")
    res = calendar_import_year(actor=sysadmin, year=2027, entries=plan.entries, source=plan.source)
    assert res["replaced"] and res["removed"] == 1 and res["added"] == 0
    assert res["recomputed"] == 1
    d.refresh_from_db()
    assert d.due_date == dt.date(2027, 2, 1)
    ev = AuditEvent.objects.filter(action="calendar.import_year").order_by("-seq").first()
    assert ev.before["days"][3][:3] == ["2027-01-31", "workday", "春节调休"]
    assert len(ev.before["days"]) == 34 and len(ev.after["days"]) == 33
    assert CalendarYear.objects.filter(year=2027).count() == 1
    assert sql_count("calendar_calendarday", "date = '2027-01-31'") == 0


@pytest.mark.django_db
def test_import_refusals_write_nothing(world, sysadmin):
    events, days = AuditEvent.objects.count(), CalendarDay.objects.count()
    good = [DayEntry(dt.date(2027, 1, 1), "holiday", "元旦", "")]
    cases = [
        dict(entries=[*good, DayEntry(dt.date(2026, 12, 31), "holiday", "元旦", "")]),
        dict(entries=[*good, DayEntry(dt.date(2027, 1, 1), "holiday", "元旦", "")]),
        dict(entries=[*good, DayEntry(dt.date(2027, 1, 4), "workday", "调休", "")]),
        dict(entries=[*good, DayEntry(dt.date(2027, 1, 2), "x", "调休", "")]),
        dict(entries=[*good, DayEntry(dt.date(2027, 1, 2), "holiday", "", "")]),
        dict(entries=[DayEntry(dt.date(2027, 1, 2), "workday", "调休", "")]),
    ]
    for case in cases:
        with pytest.raises(ValidationFailed):
            calendar_import_year(actor=sysadmin, year=2027, source="测试", **case)
    with pytest.raises(ValidationFailed):
        calendar_import_year(actor=sysadmin, year=2027, entries=good, source=" ")
    with pytest.raises(ErrorList):
        calendar_import_year(actor=sysadmin, year=2027, source="测试", entries=cases[0]["entries"])
    with pytest.raises(PermissionDenied):
        calendar_import_year(
            actor=world.users["security_admin"], year=2027, entries=good, source="测试"
        )
    assert AuditEvent.objects.count() == events and CalendarDay.objects.count() == days
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_deadline_open_records_the_profile_version_and_refuses_bad_input(world):
    from shenguan.policy.selectors import params_for_jurisdiction

    params, version_id = params_for_jurisdiction(world.city.pk)
    d = deadline_open(
        jurisdiction_id=world.city.pk,
        subject_type="t",
        subject_id=1,
        purpose="test.window",
        start_at=dt.datetime(2026, 11, 23, 9, tzinfo=SH),
        budget_days=params.claim_window_days,
        profile_version_id=version_id,
    )
    assert Deadline.objects.get(pk=d.pk).profile_version_id == version_id
    with pytest.raises(ValidationFailed):
        deadline_open(
            jurisdiction_id=world.city.pk,
            subject_type="t",
            subject_id=1,
            purpose="p",
            start_at=dt.datetime(2026, 11, 23, 9),
            budget_days=1,
        )
    with pytest.raises(ValidationFailed):
        deadline_open(
            jurisdiction_id=world.city.pk,
            subject_type="t",
            subject_id=1,
            purpose="p",
            start_at=dt.datetime(2026, 11, 23, 9, tzinfo=SH),
            budget_days=-1,
        )


@pytest.mark.django_db
def test_recompute_year_finishes_an_interrupted_import(world, sysadmin, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    # Simulate an import whose recompute step never ran: write the days behind its back.
    plan = parse_calendar(YAML_2027.read_bytes(), filename="x.yaml")
    CalendarYear.objects.create(year=2027, source=plan.source)
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=e.date, kind=e.kind, name=e.name) for e in plan.entries]
    )
    workdays.invalidate()
    d.refresh_from_db()
    assert d.provisional
    assert calendar_recompute_year(actor=sysadmin, year=2027) == 1
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 4), False)
    assert calendar_recompute_year(actor=sysadmin, year=2027) == 0  # idempotent


@pytest.mark.django_db
def test_the_settle_sweep_catches_deadlines_a_stale_process_opened(world, sysadmin, open_deadline):
    from django.utils import timezone

    from shenguan.calendar.services import calendar_settle, deadline_compute
    from shenguan.outbox.sweeps import registered_sweeps

    assert "calendar.settle" in registered_sweeps()
    import_file(sysadmin)
    # Another process, its cache still without 2027, opened these just after the import:
    stale = workdays.hypothetical(set(), set(), set(range(2004, 2027)))
    d = open_deadline(dt.date(2026, 12, 30), 2)
    due_date, due_at, prov = deadline_compute(d.start_at, 2, cal=stale)
    Deadline.objects.filter(pk=d.pk).update(due_date=due_date, due_at=due_at, provisional=prov)
    old = open_deadline(dt.date(2026, 11, 23), 2)
    Deadline.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1), due_date=dt.date(2026, 12, 1)
    )
    res = calendar_settle()
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 4), False)
    assert res["changed"] == 1
    old.refresh_from_db()
    assert old.due_date == dt.date(2026, 12, 1)  # outside the window: left alone
    assert calendar_settle()["changed"] == 0
