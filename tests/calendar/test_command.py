"""`shenguan calendar import|show|recompute`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shenguan.audit.models import AuditEvent
from shenguan.calendar.models import CalendarDay, CalendarYear

from .conftest import CSV_2027, YAML_2027


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_dry_run_writes_nothing_then_import(world, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    events = AuditEvent.objects.count()
    out, _ = run("import", str(YAML_2027), "--dry-run")
    assert "2027 年：节假日 29 天，调休上班日 5 天" in out and "未写入任何数据" in out
    assert "将重算进行中的时限：1 个" in out
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.count() == events
    out, _ = run("import", str(CSV_2027))
    assert "已导入 2027 年日历（34 条），重算时限 1 个" in out
    d.refresh_from_db()
    assert d.due_date == dt.date(2027, 1, 4) and not d.provisional
    ev = AuditEvent.objects.get(action="calendar.import_year")
    assert ev.actor_kind == "system"
    out, _ = run("show", "2027")
    assert "2027-01-01 周五 休 元旦" in out and "2027-01-31 周日 班 春节调休" in out
    out, _ = run("import", str(YAML_2027), "--dry-run")
    assert "该年度已导入，将被替换：新增 0，删除 0，变更 0" in out


@pytest.mark.django_db
def test_errors_exit_non_zero_and_write_nothing(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,kind,name,source\n2026-02-30,休,春节,x\n2027-01-04,班,调休,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="共 2 处错误，未写入任何数据"):
        run("import", str(bad))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(bad), stderr=err)
    assert "bad.csv 第2行 “日期”：日期“2026-02-30”不存在" in err.getvalue()
    assert "bad.csv 第3行" in err.getvalue()
    with pytest.raises(CommandError, match="无法读取文件"):
        run("import", str(tmp_path / "missing.yaml"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("calendar", "import", str(YAML_2027), "--year", "2028", stderr=err)
    assert "文件年度为 2027 年，与指定的 2028 年不符" in err.getvalue()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_show_a_provisional_year_and_recompute(world):
    out, _ = run("show", "2031")
    assert "尚未导入" in out
    out, _ = run("recompute", "2026")
    assert "0 个" in out


def test_the_console_command_exits_non_zero(tmp_path):
    """Through the real `shenguan` entry point (a fresh process on the configured database)."""
    import os
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind\n2027-01-01,休\n", encoding="utf-8")
    env = {**os.environ, "SHENGUAN_VAR_DIR": str(tmp_path)}
    p = subprocess.run(
        [sys.executable, "-m", "shenguan", "calendar", "import", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert p.returncode != 0
    assert "缺少列" in p.stderr
