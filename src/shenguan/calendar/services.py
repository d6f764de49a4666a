"""Writes to the calendar and to deadlines: open, close, import a year, edit a day, recompute.

A change to the calendar (an imported year, an edited day) commits first; the open deadlines it
can move are then recomputed in batches of their own transactions, each change audited as
`deadline.recompute` (ADR 0010). If that second step is interrupted, `shenguan calendar
recompute YEAR` finishes it: recomputing is idempotent and touches only what really moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from . import workdays
from .models import CalendarDay, CalendarYear, DayKind, Deadline, DeadlineState

RECOMPUTE_BATCH = 500


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", "无权执行此操作")


# --- deadlines -------------------------------------------------------------------------------


def deadline_compute(
    start_at: dt.datetime, budget_days: int, *, cal=None
) -> tuple[dt.date, dt.datetime, bool]:
    """Due date, the moment it ends, and whether it is provisional."""
    try:
        due = workdays.add_working_days(start_at, budget_days, cal=cal)
    except ValueError as exc:
        raise ValidationFailed("bad_deadline", f"无法计算时限：{exc}", "start_at") from exc
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
    """Open a deadline (设定时限) for an object; the caller's service audits the object change.

    Pass `profile_version_id` (from `policy.selectors.params_for_jurisdiction`) so that the
    deadline records which version of the policy profile set its budget.
    """
    if not isinstance(start_at, dt.datetime) or start_at.tzinfo is None:
        raise ValidationFailed("bad_start", "起算时间须为带时区的时间", "start_at")
    if budget_days is None or budget_days < 0:
        raise ValidationFailed("bad_budget", "时限（工作日）不能为负数", "budget_days")
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


def deadline_close(
    *, deadline: Deadline, at: dt.datetime | None = None, cancel: bool = False
) -> Deadline:
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


def _recompute_locked(
    *,
    actor,
    current: Deadline,
    budget_days: int | None,
    profile_version_id: int | None,
    reason: str,
) -> bool:
    """Recompute a deadline row already locked and known open; audit it if anything moved."""
    budget = current.budget_days if budget_days is None else budget_days
    version = current.profile_version_id if profile_version_id is None else profile_version_id
    due_date, due_at, provisional = deadline_compute(current.start_at, budget)
    if (due_date, provisional, budget, version) == (
        current.due_date,
        current.provisional,
        current.budget_days,
        current.profile_version_id,
    ):
        return False
    before = {
        "due_date": current.due_date,
        "provisional": current.provisional,
        "budget_days": current.budget_days,
        "profile_version_id": current.profile_version_id,
    }
    current.due_date, current.due_at = due_date, due_at
    current.provisional, current.budget_days = provisional, budget
    current.profile_version_id = version
    current.save(
        update_fields=["due_date", "due_at", "provisional", "budget_days", "profile_version_id"]
    )
    audit_record(
        actor=actor,
        action="deadline.recompute",
        obj=current,
        before=before,
        after={
            "due_date": due_date,
            "provisional": provisional,
            "budget_days": budget,
            "profile_version_id": version,
            "reason": reason,
        },
    )
    return True


def deadline_recompute(
    *,
    actor,
    deadline: Deadline,
    budget_days: int | None = None,
    profile_version_id: int | None = None,
    reason: str,
) -> bool:
    """Recompute one open deadline (重算时限) from its start; audit it if anything moved.

    The row is locked and re-read, so a deadline closed meanwhile is left alone. A new budget
    (and the policy version it comes from) may be given by an administrator's recompute.
    """
    with transaction.atomic():
        current = Deadline.objects.select_for_update().filter(pk=deadline.pk).first()
        if current is None or current.state != DeadlineState.OPEN:
            return False
        if not _recompute_locked(
            actor=actor,
            current=current,
            budget_days=budget_days,
            profile_version_id=profile_version_id,
            reason=reason,
        ):
            return False
    for f in ("due_date", "due_at", "provisional", "budget_days", "profile_version_id"):
        setattr(deadline, f, getattr(current, f))
    return True


def affected_deadlines(
    dates: Iterable[dt.date], *, include_provisional: bool = True
) -> QuerySet[Deadline]:
    """Open deadlines a change of these calendar dates may move (and the provisional ones).

    A changed date d can move a deadline only if it lies between the local date of its start
    and its due date (a later date is never reached; an earlier one never counted). Loading a
    year can also clear the provisional flag of any provisional deadline.
    """
    dates = sorted(set(dates))
    cond = Q(provisional=True) if include_provisional else Q(pk__in=[])
    if dates:
        lo, hi = dates[0], dates[-1]
        cond |= Q(start_at__lt=workdays.end_of_day(hi), due_date__gte=lo)
    return Deadline.objects.filter(cond, state=DeadlineState.OPEN)


# Other tables that carry deadlines on their own rows (e.g. linkage pushes, ADR 0014) register a
# recompute here: func(*, actor, dates: list[date], include_provisional: bool, reason: str,
# started_between: tuple[datetime, datetime] | None = None) -> int recomputes their open deadlines
# that the changed dates (and, if asked, the provisional flag, and those started within the given
# moments) may move, idempotently and in batches of its own transactions, and returns how many
# changed. The calendar's import, day edits and the `calendar.settle` sweep all call every source.
_DEADLINE_SOURCES: dict[str, Callable[..., int]] = {}


def register_deadline_source(name: str, func: Callable[..., int]) -> None:
    """Register (or replace) a deadline source recomputed with `calendar.Deadline` rows."""
    _DEADLINE_SOURCES[name] = func


def deadline_sources() -> dict[str, Callable[..., int]]:
    """The registered deadline sources by name."""
    return dict(_DEADLINE_SOURCES)


def deadlines_recompute_batch(
    *,
    actor,
    ids: list[int],
    reason: str,
    rebudget: Callable[[Deadline], tuple[int | None, int | None]] | None = None,
) -> int:
    """Recompute many deadlines (批量重算时限): lock each batch at once, skip closed ones.

    `rebudget(deadline)` may give a new (budget, profile version id); (None, None) keeps them.
    Returns how many changed; each change is audited.
    """
    changed = 0
    for i in range(0, len(ids), RECOMPUTE_BATCH):
        with transaction.atomic():
            rows = (
                Deadline.objects.select_for_update()
                .filter(pk__in=ids[i : i + RECOMPUTE_BATCH], state=DeadlineState.OPEN)
                .order_by("id")
            )
            for current in rows:
                budget, version = rebudget(current) if rebudget else (None, None)
                if _recompute_locked(
                    actor=actor,
                    current=current,
                    budget_days=budget,
                    profile_version_id=version,
                    reason=reason,
                ):
                    changed += 1
    return changed


def deadlines_recompute_affected(
    *, actor, dates: Iterable[dt.date], reason: str, include_provisional: bool = True
) -> int:
    """Recompute the open deadlines a calendar change may move, in batches; count the changed.

    Covers `calendar.Deadline` rows and every registered deadline source."""
    workdays.invalidate()
    dates = sorted(set(dates))
    qs = affected_deadlines(dates, include_provisional=include_provisional)
    ids = list(qs.order_by("id").values_list("id", flat=True))
    changed = deadlines_recompute_batch(actor=actor, ids=ids, reason=reason)
    for func in list(_DEADLINE_SOURCES.values()):
        changed += func(
            actor=actor, dates=dates, include_provisional=include_provisional, reason=reason
        )
    return changed


def calendar_recompute_provisional(*, actor) -> int:
    """Recompute every open provisional deadline against the calendar as it now stands."""
    return deadlines_recompute_affected(actor=actor, dates=(), reason="calendar_import")


def calendar_recompute_year(*, actor, year: int) -> int:
    """Recompute the open deadlines touching a year (finishes an interrupted import or edit)."""
    _require(actor, Perm.CALENDAR_MANAGE)
    return deadlines_recompute_affected(
        actor=actor,
        dates=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        reason=f"calendar_recompute {year}",
    )


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    """One line of a year's calendar: a holiday or make-up working day (节假日/调休上班日)."""

    date: dt.date
    kind: str
    name: str
    source: str


@dataclass(frozen=True)
class DaySetResult:
    """What editing one day did: the day as it now stands and how many deadlines moved."""

    date: dt.date
    kind: str | None
    name: str
    source: str
    changed: bool
    recomputed: int


def check_entries(year: int, entries: list[DayEntry]) -> None:
    """The rules every loaded year obeys; raise ErrorList naming each broken entry."""
    problems = []
    seen: set[dt.date] = set()
    for e in entries:
        where = {"line": None, "date": e.date.isoformat() if isinstance(e.date, dt.date) else None}
        if not isinstance(e.date, dt.date) or e.date.year != year:
            problems.append(
                {
                    **where,
                    "field": "date",
                    "code": "wrong_year",
                    "message": f"日期 {e.date} 不属于 {year} 年",
                }
            )
            continue
        if e.date in seen:
            problems.append(
                {
                    **where,
                    "field": "date",
                    "code": "duplicate_date",
                    "message": f"日期 {e.date} 重复",
                }
            )
        seen.add(e.date)
        if e.kind not in DayKind.values:
            problems.append(
                {
                    **where,
                    "field": "kind",
                    "code": "bad_kind",
                    "message": f"类型“{e.kind}”无效：应为 holiday 或 workday",
                }
            )
        elif e.kind == DayKind.WORKDAY and e.date.weekday() < 5:
            problems.append(
                {
                    **where,
                    "field": "date",
                    "code": "workday_on_weekday",
                    "message": f"调休上班日 {e.date} 不是周六或周日",
                }
            )
        if not (e.name or "").strip():
            problems.append(
                {
                    **where,
                    "field": "name",
                    "code": "name_required",
                    "message": f"{e.date} 未填写名称",
                }
            )
        elif len(e.name) > 50:
            problems.append(
                {
                    **where,
                    "field": "name",
                    "code": "name_too_long",
                    "message": f"{e.date} 的名称过长：不得超过 50 字",
                }
            )
        if len(e.source or "") > 300:
            problems.append(
                {
                    **where,
                    "field": "source",
                    "code": "source_too_long",
                    "message": f"{e.date} 的依据过长：不得超过 300 字",
                }
            )
    if problems:
        raise ErrorList(problems)


def _year_days(year: int) -> dict[dt.date, tuple[str, str]]:
    return {
        d: (k, n)
        for d, k, n in CalendarDay.objects.filter(date__year=year).values_list(
            "date", "kind", "name"
        )
    }


def day_changes(
    old: dict[dt.date, tuple[str, str]], new: dict[dt.date, tuple[str, str]]
) -> dict[str, list]:
    """Added, removed and changed days between two versions of a year."""
    return {
        "added": sorted(d for d in new if d not in old),
        "removed": sorted(d for d in old if d not in new),
        "changed": sorted(d for d in new if d in old and old[d] != new[d]),
    }


def calendar_import_year(
    *, actor, year: int, entries: list[DayEntry], source: str, note: str = ""
) -> dict:
    """Load a year (导入年度日历): replace its days, mark it loaded, recompute moved deadlines."""
    _require(actor, Perm.CALENDAR_MANAGE)
    if not isinstance(year, int) or not workdays.FIRST.year <= year <= workdays.LAST.year:
        raise ValidationFailed("bad_year", f"年度 {year} 超出支持范围", "year")
    source = (source or "").strip()
    if not source:
        raise ValidationFailed("source_required", "请填写依据文件（国务院办公厅通知）", "source")
    if len(source) > 300:
        raise ValidationFailed("source_too_long", "依据过长：不得超过 300 字", "source")
    check_entries(year, entries)
    if not any(e.kind == DayKind.HOLIDAY for e in entries):
        raise ValidationFailed("no_holidays", f"{year} 年没有任何节假日，请检查文件", "holidays")
    new = {e.date: (e.kind, e.name.strip()) for e in entries}
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        old = _year_days(year)
        old_rows = list(
            CalendarDay.objects.filter(date__year=year)
            .order_by("date")
            .values_list("date", "kind", "name", "source")
        )
        changes = day_changes(old, new)
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(
                    date=e.date,
                    kind=e.kind,
                    name=e.name.strip(),
                    source=(e.source or source).strip()[:300],
                )
                for e in sorted(entries, key=lambda x: x.date)
            ]
        )
        now = timezone.now()
        if existing:
            before_year = {
                "source": existing.source,
                "note": existing.note,
                "days": [list(r) for r in old_rows],
            }
            existing.source, existing.note, existing.updated_at = source, note[:300], now
            existing.save(update_fields=["source", "note", "updated_at"])
            cy = existing
        else:
            before_year = None
            cy = CalendarYear.objects.create(
                year=year, source=source, note=note[:300], loaded_at=now, updated_at=now
            )
        audit_record(
            actor=actor,
            action="calendar.import_year",
            obj=cy,
            before=before_year,
            after={
                "year": year,
                "source": source,
                "note": note[:300],
                "days": [
                    [e.date, e.kind, e.name, e.source or source]
                    for e in sorted(entries, key=lambda x: x.date)
                ],
                "added": len(changes["added"]),
                "removed": len(changes["removed"]),
                "changed": len(changes["changed"]),
            },
        )
    touched = set(changes["added"]) | set(changes["removed"]) | set(changes["changed"])
    recomputed = deadlines_recompute_affected(
        actor=actor, dates=touched, reason=f"calendar_import {year}"
    )
    return {
        "year": year,
        "days": len(entries),
        "replaced": existing is not None,
        "added": len(changes["added"]),
        "removed": len(changes["removed"]),
        "changed": len(changes["changed"]),
        "recomputed": recomputed,
    }


def calendar_day_set(
    *, actor, date: dt.date, kind: str | None, name: str = "", source: str = ""
) -> DaySetResult:
    """Set one date (修改日历) as holiday or make-up working day, or back to the weekend rule.

    kind=None (or "normal") removes the entry. The open deadlines whose window holds the date are
    recomputed afterwards, provisional or not.
    """
    _require(actor, Perm.CALENDAR_MANAGE)
    if kind in ("", "normal"):
        kind = None
    name, source = (name or "").strip(), (source or "").strip()
    if not isinstance(date, dt.date) or not workdays.FIRST <= date <= workdays.LAST:
        raise ValidationFailed("bad_date", "日期无效或超出支持范围", "date")
    if kind is not None:
        if kind not in DayKind.values:
            raise ValidationFailed(
                "bad_kind", f"类型“{kind}”无效：应为 holiday、workday 或 normal", "kind"
            )
        if kind == DayKind.WORKDAY and date.weekday() < 5:
            raise ValidationFailed(
                "workday_on_weekday", f"{date} 不是周六或周日，不能设为调休上班日", "kind"
            )
        if not name:
            raise ValidationFailed("name_required", "请填写名称（如 春节、春节调休）", "name")
        if len(name) > 50:
            raise ValidationFailed("name_too_long", "名称过长：不得超过 50 字", "name")
        if len(source) > 300:
            raise ValidationFailed("source_too_long", "依据过长：不得超过 300 字", "source")
    with transaction.atomic():
        cy = CalendarYear.objects.select_for_update().filter(year=date.year).first()
        if cy is None:
            raise Conflict(
                "year_not_loaded", f"{date.year} 年日历尚未导入，请先导入该年度日历", "date"
            )
        day = CalendarDay.objects.filter(date=date).first()
        before = (
            {"kind": day.kind, "name": day.name, "source": day.source} if day else {"kind": None}
        )
        if kind is None:
            after = {"kind": None}
        else:
            after = {"kind": kind, "name": name, "source": source or cy.source}
        if before == after:
            return DaySetResult(date, kind, name if kind else "", after.get("source", ""), False, 0)
        if kind is None:
            day.delete()
        else:
            if day is None:
                day = CalendarDay(date=date)
            day.kind, day.name, day.source = kind, name, after["source"]
            day.save()
        cy.updated_at = timezone.now()
        cy.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="calendar.day_set",
            obj=("calendar.calendarday", date.isoformat()),
            before=before,
            after=after,
        )
    moves_count = before.get("kind") != after.get("kind")
    recomputed = 0
    if moves_count:
        recomputed = deadlines_recompute_affected(
            actor=actor,
            dates=[date],
            reason=f"calendar_day_set {date.isoformat()}",
            include_provisional=False,
        )
    else:
        workdays.invalidate()
    return DaySetResult(date, kind, name if kind else "", after.get("source", ""), True, recomputed)


# The in-memory calendar of another process may lag a change by up to 30 s (ADR 0004), so a
# deadline opened there meanwhile can miss the recompute that followed the change.
STALE_WINDOW = dt.timedelta(minutes=2)


def calendar_settle(*, now: dt.datetime | None = None) -> dict:
    """Worker sweep (日历变更补算): catch deadlines a calendar change could not reach in time.

    Recomputes (a) open provisional deadlines whose years are all loaded now, and (b) open
    deadlines created within two minutes after the latest calendar change, both in
    `calendar.Deadline` and in every registered deadline source. Idempotent.
    """
    from django.db.models import Max

    now = now or timezone.now()
    workdays.invalidate()
    cal = workdays.calendar()
    ids: set[int] = set()
    for pk, start_at, due_date in Deadline.objects.filter(
        state=DeadlineState.OPEN, provisional=True
    ).values_list("pk", "start_at", "due_date"):
        if not workdays.span_provisional(workdays.local_date(start_at), due_date, cal=cal):
            ids.add(pk)
    last_change = CalendarYear.objects.aggregate(m=Max("updated_at"))["m"]
    if last_change is not None and now - last_change < dt.timedelta(days=1):
        ids |= set(
            Deadline.objects.filter(
                state=DeadlineState.OPEN,
                created_at__gte=last_change,
                created_at__lte=last_change + STALE_WINDOW,
            ).values_list("pk", flat=True)
        )
    changed = deadlines_recompute_batch(actor=None, ids=sorted(ids), reason="calendar_settle")
    window = None
    if last_change is not None and now - last_change < dt.timedelta(days=1):
        window = (last_change, last_change + STALE_WINDOW)
    for func in list(_DEADLINE_SOURCES.values()):
        changed += func(
            actor=None,
            dates=(),
            include_provisional=True,
            reason="calendar_settle",
            started_between=window,
        )
    return {"checked": len(ids), "changed": changed}
