"""`shenguan calendar import FILE [--dry-run]`, `calendar show YEAR`, `calendar recompute YEAR`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shenguan.calendar import workdays
from shenguan.calendar.importer import describe, parse_calendar, weekday_zh
from shenguan.calendar.models import CalendarDay, CalendarYear, DayKind
from shenguan.calendar.selectors import calendar_import_preview
from shenguan.calendar.services import calendar_import_year, calendar_recompute_year
from shenguan.core.errors import DomainError, ErrorList

KIND_ZH = {DayKind.HOLIDAY: "休", DayKind.WORKDAY: "班"}


class _System:
    """The command line acts as the system itself (audited as 系统)."""

    is_authenticated = True


class Command(BaseCommand):
    help = (
        "Working-day calendar: import a year from a CSV or YAML file (docs/calendar-import.md), "
        "show a year, or recompute the open deadlines touching a year."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import one year from FILE (.csv, .yaml or .yml)")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="validate and preview only")
        imp.add_argument("--year", type=int, default=None, help="refuse a file of another year")
        show = sub.add_parser("show", help="print a year's holidays and make-up working days")
        show.add_argument("year", type=int)
        rec = sub.add_parser("recompute", help="recompute open deadlines touching YEAR")
        rec.add_argument("year", type=int)

    def handle(self, *args, action, **opts):
        if action == "import":
            return self._import(opts["file"], opts["dry_run"], opts["year"])
        if action == "show":
            return self._show(opts["year"])
        n = calendar_recompute_year(actor=None, year=opts["year"])
        self.stdout.write(f"重算完成：{n} 个进行中的时限发生变化")
        return None

    def _import(self, file: str, dry_run: bool, year: int | None) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
        try:
            plan = parse_calendar(content, filename=path.name, expected_year=year)
        except ErrorList as exc:
            for p in exc.problems:
                self.stderr.write(f"{path.name} {describe(p)}")
            raise CommandError(
                f"校验未通过：共 {len(exc.problems)} 处错误，未写入任何数据"
            ) from exc
        preview = calendar_import_preview(user=_System(), year=plan.year, entries=plan.entries)
        self.stdout.write(
            f"{plan.year} 年：节假日 {len(plan.holidays)} 天，调休上班日 {len(plan.workdays)} 天；"
            f"依据：{plan.source}"
        )
        if preview["loaded"]:
            self.stdout.write(
                f"该年度已导入，将被替换：新增 {len(preview['added'])}，删除 "
                f"{len(preview['removed'])}，变更 {len(preview['changed'])}"
            )
        for w in plan.warnings:
            self.stdout.write(f"提示：{describe(w)}")
        self.stdout.write(
            f"将重算进行中的时限：{preview['deadlines_moved']} 个（其中暂定转正式 "
            f"{preview['provisional_cleared']} 个）"
        )
        if dry_run:
            self.stdout.write("试运行（--dry-run）：未写入任何数据")
            return
        try:
            res = calendar_import_year(
                actor=None,
                year=plan.year,
                entries=plan.entries,
                source=plan.source,
                note=plan.note,
            )
        except ErrorList as exc:
            for p in exc.problems:
                self.stderr.write(describe(p))
            raise CommandError("校验未通过，未写入任何数据") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已导入 {res['year']} 年日历（{res['days']} 条），重算时限 {res['recomputed']} 个"
        )

    def _show(self, year: int) -> None:
        cy = CalendarYear.objects.filter(year=year).first()
        if cy is None:
            self.stdout.write(f"{year} 年日历尚未导入：按周末规则暂定计算（暂定）")
            return
        self.stdout.write(f"{year} 年  依据：{cy.source}  更新：{cy.updated_at:%Y-%m-%d %H:%M}")
        for d in CalendarDay.objects.filter(date__year=year).order_by("date"):
            self.stdout.write(
                f"{d.date.isoformat()} {weekday_zh(d.date)} {KIND_ZH.get(d.kind, d.kind)} {d.name}"
            )
        first = dt.date(year, 1, 1)
        n = workdays.working_days_between(first, dt.date(year, 12, 31))
        n += workdays.is_working_day(first)
        self.stdout.write(f"全年工作日 {n} 天")
