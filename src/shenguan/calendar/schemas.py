"""Request and response bodies of the calendar API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from shenguan.core.api_errors import ApiError


class DayOut(Schema):
    """A holiday or make-up working day (节假日/调休上班日)."""

    date: dt.date
    weekday: int = Field(..., description="1=周一 … 7=周日")
    kind: str = Field(..., description="holiday=法定节假日（休）；workday=调休上班（班）")
    name: str
    source: str


class YearOut(Schema):
    """A year of the calendar: loaded or provisional, with its days."""

    year: int
    loaded: bool
    provisional: bool = Field(..., description="未导入官方日历，按周末规则暂定计算")
    source: str = ""
    note: str = ""
    loaded_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    working_days: int = Field(..., description="全年工作日天数")
    days: list[DayOut]


class LoadedYearOut(Schema):
    """A loaded year (已导入年度)."""

    year: int
    source: str
    loaded_at: dt.datetime
    updated_at: dt.datetime


class AddOut(Schema):
    """The due date n working days after a start (工作日推算)."""

    start: str
    n: int
    received: dt.date = Field(..., description="起算日（收到之日；非工作日或下班后顺延）")
    due_date: dt.date
    due_at: dt.datetime = Field(..., description="截止时刻（截止日次日零时，北京时间）")
    provisional: bool


class BetweenOut(Schema):
    """Working days d with a < d ≤ b (工作日天数)."""

    a: dt.date
    b: dt.date
    working_days: int
    provisional: bool


class CalendarProblemOut(Schema):
    """One problem of an uploaded file, with its line and field."""

    line: int | None = None
    field: str | None = None
    code: str
    message: str


class DayChangeOut(Schema):
    """A day that an import adds, removes or changes."""

    date: dt.date
    kind: str
    name: str
    old_kind: str | None = None
    old_name: str | None = None


class CalendarImportOut(Schema):
    """The result (or, on a dry run, the preview) of importing a year."""

    dry_run: bool
    format: str
    year: int
    source: str
    holidays: int
    workdays: int
    replaced: bool = Field(..., description="该年度已导入，本次整体替换")
    added: list[DayChangeOut]
    removed: list[DayChangeOut]
    changed: list[DayChangeOut]
    warnings: list[CalendarProblemOut]
    deadlines_moved: int = Field(..., description="将重算（或已重算）的进行中时限个数")
    recomputed: int | None = Field(None, description="实际重算的时限个数（试运行时为空）")


class DayIn(Schema):
    """Set one date: holiday, make-up working day, or normal (back to the weekend rule)."""

    kind: Literal["holiday", "workday", "normal"]
    name: str = Field("", max_length=50)
    source: str = Field("", max_length=300)


class DaySetOut(Schema):
    """One date after an edit and how many open deadlines moved."""

    date: dt.date
    kind: str = Field(..., description="holiday、workday 或 normal")
    name: str
    source: str
    changed: bool
    recomputed: int


class ErrorListOut(ApiError):
    """Several problems, each with its line and field (nothing was written)."""

    problems: list[CalendarProblemOut] = []
