"""HTTP API of the calendar app: years and days, working-day arithmetic, import, edit a day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import File, Form, Path, Query, Router, UploadedFile

from shenguan.core.api_errors import ApiError
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from . import selectors, workdays
from .importer import MAX_BYTES, parse_calendar
from .schemas import (
    AddOut,
    BetweenOut,
    CalendarImportOut,
    DayIn,
    DaySetOut,
    ErrorListOut,
    LoadedYearOut,
    YearOut,
)
from .services import calendar_day_set, calendar_import_year

router = Router(tags=["calendar"])

_READ_ERRORS = {401: ApiError, 403: ApiError, 422: ApiError}
_MIN, _MAX = workdays.FIRST.year, workdays.LAST.year


def _day_out(d) -> dict:
    return {
        "date": d.date,
        "weekday": d.date.isoweekday(),
        "kind": d.kind,
        "name": d.name,
        "source": d.source,
    }


def _year_working_days(year: int) -> int:
    first = dt.date(year, 1, 1)
    return workdays.working_days_between(first, dt.date(year, 12, 31)) + int(
        workdays.is_working_day(first)
    )


@router.get(
    "/years", response={200: list[LoadedYearOut], **_READ_ERRORS}, summary="已导入的年度列表"
)
def list_years(request):
    """Every year whose official calendar is loaded; other years are provisional."""
    return list(selectors.calendar_years(user=request.auth))


@router.get(
    "/years/{year}", response={200: YearOut, **_READ_ERRORS}, summary="某年度的节假日与调休上班日"
)
def get_year(request, year: Annotated[int, Path(ge=_MIN, le=_MAX, description="年度")]):
    """A year's holidays and make-up working days, and whether the year is provisional."""
    user = request.auth
    cy = selectors.calendar_year(user=user, year=year)
    days = [_day_out(d) for d in selectors.calendar_days(user=user, year=year)]
    return {
        "year": year,
        "loaded": cy is not None,
        "provisional": cy is None,
        "source": cy.source if cy else "",
        "note": cy.note if cy else "",
        "loaded_at": cy.loaded_at if cy else None,
        "updated_at": cy.updated_at if cy else None,
        "working_days": _year_working_days(year),
        "days": days,
    }


def _parse_start(text: str) -> dt.datetime | dt.date:
    t = (text or "").strip()
    try:
        if len(t) == 10:
            return dt.date.fromisoformat(t)
        moment = dt.datetime.fromisoformat(t)
    except ValueError as exc:
        raise ValidationFailed(
            "bad_start", "起算时间格式无效：应为 YYYY-MM-DD 或 ISO 8601 时间", "start"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=workdays.SHANGHAI)
    return moment


def _in_range(d: dt.date, fld: str) -> None:
    if not workdays.FIRST <= d <= workdays.LAST:
        raise ValidationFailed("out_of_range", f"日期 {d} 超出支持范围（{_MIN}–{_MAX}年）", fld)


@router.get(
    "/working-days/add", response={200: AddOut, **_READ_ERRORS}, summary="推算 n 个工作日后的截止日"
)
def add(
    request,
    start: Annotated[
        str, Query(description="起算日期 YYYY-MM-DD，或 ISO 8601 时间（无时区按北京时间）")
    ],
    n: Annotated[int, Query(ge=0, le=3650, description="工作日数")],
):
    """The due date n working days after the day an event counts as received (ADR 0004)."""
    if not request.auth:
        raise PermissionDenied("forbidden", "请先登录")
    s = _parse_start(start)
    _in_range(workdays.local_date(s), "start")
    try:
        received = workdays.receipt_date(s)
        due = workdays.add_working_days(s, n)
    except ValueError as exc:
        raise ValidationFailed("out_of_range", f"超出支持范围：{exc}", "n") from exc
    return {
        "start": start,
        "n": n,
        "received": received,
        "due_date": due.date,
        "due_at": workdays.end_of_day(due.date),
        "provisional": due.provisional,
    }


@router.get(
    "/working-days/between",
    response={200: BetweenOut, **_READ_ERRORS},
    summary="两个日期之间的工作日天数",
)
def between(
    request,
    a: Annotated[dt.date, Query(description="起始日期（不计入）")],
    b: Annotated[dt.date, Query(description="结束日期（计入）")],
):
    """Working days d with a < d ≤ b (negative when b is before a)."""
    if not request.auth:
        raise PermissionDenied("forbidden", "请先登录")
    _in_range(a, "a")
    _in_range(b, "b")
    return {
        "a": a,
        "b": b,
        "working_days": workdays.working_days_between(a, b),
        "provisional": workdays.span_provisional(a, b),
    }


def _require_manage(actor) -> None:
    if not actor.can(Perm.CALENDAR_MANAGE):
        raise PermissionDenied("forbidden", "无权管理工作日历")


@router.post(
    "/import",
    response={
        200: CalendarImportOut,
        400: ApiError,
        401: ApiError,
        403: ApiError,
        409: ApiError,
        422: ErrorListOut,
    },
    summary="导入年度日历（CSV 或 YAML）",
)
def import_year(
    request,
    file: Annotated[
        UploadedFile, File(description="CSV 或 YAML 文件，格式见 docs/calendar-import.md")
    ],
    dry_run: Annotated[bool, Form(description="只校验和预览，不写入")] = False,
    year: Annotated[
        int | None, Form(ge=_MIN, le=_MAX, description="指定年度；文件年度不符时拒绝")
    ] = None,
):
    """Validate a year's file; unless dry_run, replace the year and recompute open deadlines.

    Any problem answers 422 with every problem's line and field, and nothing is written.
    """
    actor = request.auth
    _require_manage(actor)
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationFailed(
            "file_too_large", f"文件过大：不得超过 {MAX_BYTES // 1024} KB", "file"
        )
    content = file.read(MAX_BYTES + 1)
    plan = parse_calendar(content, filename=file.name, expected_year=year)
    preview = selectors.calendar_import_preview(user=actor, year=plan.year, entries=plan.entries)
    recomputed = None
    if not dry_run:
        res = calendar_import_year(
            actor=actor, year=plan.year, entries=plan.entries, source=plan.source, note=plan.note
        )
        recomputed = res["recomputed"]
    return {
        "dry_run": dry_run,
        "format": plan.format,
        "year": plan.year,
        "source": plan.source,
        "holidays": len(plan.holidays),
        "workdays": len(plan.workdays),
        "replaced": preview["loaded"],
        "added": preview["added"],
        "removed": preview["removed"],
        "changed": preview["changed"],
        "warnings": plan.warnings,
        "deadlines_moved": preview["deadlines_moved"],
        "recomputed": recomputed,
    }


@router.put(
    "/days/{date}",
    response={200: DaySetOut, **{s: ApiError for s in (400, 401, 403, 409, 422, 429)}},
    summary="修改某一天（节假日 / 调休上班 / 普通日）",
)
def put_day(request, date: dt.date, body: DayIn):
    """Set one date of a loaded year; open deadlines whose window holds it are recomputed."""
    actor = request.auth
    _require_manage(actor)
    res = calendar_day_set(
        actor=actor, date=date, kind=body.kind, name=body.name, source=body.source
    )
    return {
        "date": res.date,
        "kind": res.kind or "normal",
        "name": res.name,
        "source": res.source,
        "changed": res.changed,
        "recomputed": res.recomputed,
    }
