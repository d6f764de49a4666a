"""Writes to the calendar and to deadlines: open, close, import a year, edit a day, recompute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from . import workdays
from .models import CalendarDay, CalendarYear, DayKind, Deadline, DeadlineState


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", "无权执行此操作")


# --- deadlines -------------------------------------------------------------------------------


def deadline_compute(start_at: dt.datetime, budget_days: int) -> tuple[dt.date, dt.datetime, bool]:
    """Due date, the moment it ends, and whether it is provisional."""
    due = workdays.add_working_days(start_at, budget_days)
    return due.date, workdays.end_of_day(due.date), due.provisional


def deadline_open(
    *,
    jurisdiction_id: int,
    subject_type: str,
    subject_id: int,
    purpose: str,
    start_at: dt.datetime,
    budget_days: int,
    profile_version_id: int | None = None,
) -> Deadline:
    """Open a deadline (设定时限) for an object; the caller's service audits the object change."""
    due_date, due_at, provisional = deadline_compute(start_at, budget_days)
    return Deadline.objects.create(
        jurisdiction_id=jurisdiction_id,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        start_at=start_at,
        budget_days=budget_days,
        due_date=due_date,
        due_at=due_at,
        provisional=provisional,
        profile_version_id=profile_version_id,
    )


def deadline_close(*, deadline: Deadline, at: dt.datetime | None = None, cancel: bool = False) -> Deadline:
    """Close a deadline: met if done before its end, late otherwise, or cancelled."""
    if deadline.state != DeadlineState.OPEN:
        raise Conflict("deadline_closed", "该时限已结束")
    at = at or timezone.now()
    if cancel:
        deadline.state = DeadlineState.CANCELLED
    else:
        deadline.state = DeadlineState.MET if at < deadline.due_at else DeadlineState.LATE
    deadline.closed_at = at
    deadline.save(update_fields=["state", "closed_at"])
    return deadline


def deadline_recompute(*, actor, deadline: Deadline, budget_days: int | None = None, reason: str) -> bool:
    """Recompute one open deadline from its start (and a new budget if given); audit a change."""
    budget = deadline.budget_days if budget_days is None else budget_days
    due_date, due_at, provisional = deadline_compute(deadline.start_at, budget)
    if (due_date, provisional, budget) == (deadline.due_date, deadline.provisional, deadline.budget_days):
        return False
    before = {"due_date": deadline.due_date, "provisional": deadline.provisional,
              "budget_days": deadline.budget_days}
    deadline.due_date, deadline.due_at = due_date, due_at
    deadline.provisional, deadline.budget_days = provisional, budget
    deadline.save(update_fields=["due_date", "due_at", "provisional", "budget_days"])
    audit_record(
        actor=actor,
        action="deadline.recompute",
        obj=deadline,
        before=before,
        after={"due_date": due_date, "provisional": provisional, "budget_days": budget,
               "reason": reason},
    )
    return True


def calendar_recompute_provisional(*, actor) -> int:
    """Recompute every open provisional deadline against the calendar as it now stands."""
    workdays.invalidate()
    changed = 0
    qs = Deadline.objects.filter(state=DeadlineState.OPEN, provisional=True).order_by("id")
    for deadline in qs.iterator(chunk_size=1000):
        with transaction.atomic():
            if deadline_recompute(actor=actor, deadline=deadline, reason="calendar_import"):
                changed += 1
    return changed


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    """One line of a year's calendar: a holiday or make-up working day."""

    date: dt.date
    kind: str
    name: str
    source: str


def calendar_import_year(*, actor, year: int, entries: list[DayEntry], source: str) -> dict:
    """Load a year (导入年度日历): replace its days, mark it loaded, recompute provisional deadlines."""
    _require(actor, Perm.CALENDAR_MANAGE)
    if not source.strip():
        raise ValidationFailed("source_required", "请填写依据文件（国务院办公厅通知）", "source")
    seen: set[dt.date] = set()
    for e in entries:
        if e.date.year != year:
            raise ValidationFailed("wrong_year", f"日期 {e.date} 不属于 {year} 年", "date")
        if e.date in seen:
            raise ValidationFailed("duplicate_date", f"日期 {e.date} 重复", "date")
        if e.kind not in DayKind.values:
            raise ValidationFailed("bad_kind", f"类型“{e.kind}”无效", "kind")
        seen.add(e.date)
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        old_days = list(
            CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "name")
        )
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=e.date, kind=e.kind, name=e.name, source=e.source or source)
             for e in sorted(entries, key=lambda x: x.date)]
        )
        now = timezone.now()
        if existing:
            existing.source, existing.updated_at = source, now
            existing.save(update_fields=["source", "updated_at"])
            cy = existing
        else:
            cy = CalendarYear.objects.create(year=year, source=source, loaded_at=now, updated_at=now)
        audit_record(
            actor=actor,
            action="calendar.import_year",
            obj=cy,
            before={"days": [[d, k, n] for d, k, n in old_days]} if existing else None,
            after={"year": year, "source": source,
                   "days": [[e.date, e.kind, e.name] for e in entries]},
        )
    workdays.invalidate()
    recomputed = calendar_recompute_provisional(actor=actor)
    return {"year": year, "days": len(entries), "recomputed": recomputed}


def calendar_day_set(
    *, actor, date: dt.date, kind: str | None, name: str = "", source: str = ""
) -> CalendarDay | None:
    """Set one date as holiday or make-up working day, or back to the weekend rule (kind=None)."""
    _require(actor, Perm.CALENDAR_MANAGE)
    if kind is not None and kind not in DayKind.values:
        raise ValidationFailed("bad_kind", f"类型“{kind}”无效", "kind")
    with transaction.atomic():
        cy = CalendarYear.objects.select_for_update().filter(year=date.year).first()
        if cy is None:
            raise Conflict(
                "year_not_loaded", f"{date.year} 年日历尚未导入，请先导入该年度日历", "date"
            )
        day = CalendarDay.objects.filter(date=date).first()
        before = {"kind": day.kind, "name": day.name} if day else {"kind": None}
        if kind is None:
            if day:
                day.delete()
            day = None
            after = {"kind": None}
        else:
            if day is None:
                day = CalendarDay(date=date)
            day.kind, day.name, day.source = kind, name, source or cy.source
            day.save()
            after = {"kind": kind, "name": name}
        cy.updated_at = timezone.now()
        cy.save(update_fields=["updated_at"])
        audit_record(
            actor=actor, action="calendar.day_set", obj=("calendar.calendarday", date.isoformat()),
            before=before, after=after,
        )
    workdays.invalidate()
    return day
