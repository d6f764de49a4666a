"""Parsing and validating a year's CSV or YAML file (calendar/importer.py)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shenguan.calendar.importer import describe, parse_calendar
from shenguan.calendar.seed import holiday_name
from shenguan.core.errors import ErrorList

from .conftest import CSV_2027, YAML_2027

SRC = "国务院办公厅关于2027年部分节假日安排的通知"


def problems_of(content, filename="f.csv", **kw) -> list[dict]:
    with pytest.raises(ErrorList) as exc:
        parse_calendar(
            content.encode() if isinstance(content, str) else content, filename=filename, **kw
        )
    return exc.value.problems


def codes(problems) -> set[str]:
    return {p["code"] for p in problems}


def test_test_files_are_marked_as_test_data_and_agree():
    for path in (YAML_2027, CSV_2027):
        text = path.read_text(encoding="utf-8")
        assert "TEST DATA" in text and "测试数据" in text and "不是国务院办公厅的真实通知" in text
    y = parse_calendar(YAML_2027.read_bytes(), filename=YAML_2027.name)
    c = parse_calendar(CSV_2027.read_bytes(), filename=CSV_2027.name)
    assert (y.format, c.format) == ("yaml", "csv")
    assert y.year == c.year == 2027
    assert y.source == c.source and "测试数据" in y.source
    assert [(e.date, e.kind, e.name) for e in y.entries] == [
        (e.date, e.kind, e.name) for e in c.entries
    ]
    first = y.entries[0]
    assert (first.date, first.kind, first.name) == (dt.date(2027, 1, 1), "holiday", "元旦")
    assert y.warnings == [] and c.warnings == []
    assert len(y.holidays) == 29 and len(y.workdays) == 5


def _real_year_files(year: int) -> tuple[str, str]:
    """A year of chinese-calendar (the independent oracle) written in both formats."""
    hol = sorted(
        (d, holiday_name(v)) for d, v in chinese_calendar.holidays.items() if d.year == year
    )
    wd = sorted(
        (d, holiday_name(v)) for d, v in chinese_calendar.workdays.items() if d.year == year
    )
    ranges: list[list] = []
    for d, name in hol:
        if ranges and ranges[-1][0] == name and (d - ranges[-1][2]).days == 1:
            ranges[-1][2] = d
        else:
            ranges.append([name, d, d])
    y = [f"year: {year}", f"source: 国务院办公厅关于{year}年部分节假日安排的通知", "holidays:"]
    for name, a, b in ranges:
        y += [f"  - name: {name}", f"    from: {a}", f"    to: {b}"]
    y.append("workdays:")
    for d, name in wd:
        y += [f"  - date: {d}", f"    name: {name}调休"]
    c = ["日期,类型,名称,依据"]
    src = f"国务院办公厅关于{year}年部分节假日安排的通知"
    for d, kind, name in sorted(
        [(d, "休", n) for d, n in hol] + [(d, "班", n + "调休") for d, n in wd]
    ):
        c.append(f"{d:%Y/%m/%d},{kind},{name},{src}")
    return "\n".join(y) + "\n", "\n".join(c) + "\n"


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_real_year_reads_back_as_chinese_calendar_has_it(year):
    yaml_text, csv_text = _real_year_files(year)
    for text, name in ((yaml_text, "y.yaml"), (csv_text, "y.csv")):
        plan = parse_calendar(text.encode(), filename=name)
        assert plan.year == year
        assert {e.date for e in plan.holidays} == {
            d for d in chinese_calendar.holidays if d.year == year
        }
        assert {e.date for e in plan.workdays} == {
            d for d in chinese_calendar.workdays if d.year == year
        }
        assert plan.warnings == [], [describe(w) for w in plan.warnings]


CSV_HEAD = "date,kind,name,source\n"


@pytest.mark.parametrize(
    ("body", "code", "line", "field"),
    [
        ("date,kind,name\n2027-01-01,休,元旦\n", "missing_column", 1, "source"),
        ("date,kind,name,source,extra\n2027-01-01,休,元旦,x,y\n", "unknown_column", 1, "header"),
        ("date,date,name,source\n", "duplicate_column", 1, "date"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2026-02-30,休,春节,\n", "bad_date", 3, "date"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-13-01,休,春节,\n", "bad_date", 3, "date"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n1 Jan 2027,休,元旦,\n", "bad_date", 3, "date"),
        (
            CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-01-02,休,元旦,\n2026-12-31,休,元旦,\n",
            "wrong_year",
            4,
            "date",
        ),
        (
            CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-01-01,休,元旦,\n",
            "duplicate_date",
            3,
            "date",
        ),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-01-02,放班,元旦,\n", "bad_kind", 3, "kind"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-01-02,,元旦,\n", "bad_kind", 3, "kind"),
        (
            CSV_HEAD + f"2027-01-01,休,元旦,{SRC}\n2027-01-04,班,元旦调休,\n",
            "workday_on_weekday",
            3,
            "date",
        ),
        (CSV_HEAD + f"2027-01-01,休,,{SRC}\n", "name_required", 2, "name"),
        (CSV_HEAD + "2027-01-01,休,元旦,\n", "source_required", 2, "source"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{SRC},多余\n", "wrong_cell_count", 2, None),
        (CSV_HEAD + f"2027-01-01,休,{'长' * 51},{SRC}\n", "name_too_long", 2, "name"),
        (CSV_HEAD + f"2027-01-01,休,元旦,{'长' * 301}\n", "source_too_long", 2, "source"),
        (CSV_HEAD + f"2027-01-02,班,元旦调休,{SRC}\n", "no_holidays", None, "holidays"),
        (CSV_HEAD, "no_days", None, "holidays"),
        ("", "empty_file", None, "file"),
        ("# only a comment\n", "empty_file", None, "file"),
        (CSV_HEAD + f"1999-01-01,休,元旦,{SRC}\n", "bad_date", 2, "date"),
    ],
)
def test_csv_mistakes_are_reported_with_line_and_field(body, code, line, field):
    problems = problems_of(body)
    hit = [p for p in problems if p["code"] == code]
    assert hit, problems
    assert hit[0]["line"] == line and hit[0]["field"] == field
    assert all(p["message"] for p in problems)
    # The message is Chinese.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in hit[0]["message"])


def test_every_problem_is_listed_at_once_in_line_order():
    body = CSV_HEAD + (
        f"2027-01-01,休,元旦,{SRC}\n"
        "2026-02-30,休,春节,\n"
        "2027-01-05,班,春节调休,\n"
        "2027-01-01,休,元旦,\n"
        "2026-12-31,休,元旦,\n"
        "2027-01-09,foo,,\n"
    )
    problems = problems_of(body)
    assert [p["line"] for p in problems] == sorted(p["line"] for p in problems)
    assert {
        "bad_date",
        "workday_on_weekday",
        "duplicate_date",
        "wrong_year",
        "bad_kind",
        "name_required",
    } <= codes(problems)
    assert describe(problems[0]).startswith("第3行 “日期”：")


def test_csv_accepts_chinese_header_words_gbk_fullwidth_and_excel_dates():
    text = (
        "\ufeff# 注释行\n日期,类型,名称,依据\n"
        "２０２７－０１－０１,休,元旦,国务院办公厅通知（国办发明电〔2026〕1号）\n"
        "2027/1/2,假,元旦,\n"
        "2027年1月3日,HOLIDAY,元旦,\n"
        "2027.1.31,补班,春节调休,\n"
        "2027-02-01 , holiday , 春节 ,\n"
    )
    for content in (text.encode("utf-8"), text.lstrip("\ufeff").encode("gb18030")):
        plan = parse_calendar(content, filename="x.csv")
        assert [(e.date.isoformat(), e.kind) for e in plan.entries] == [
            ("2027-01-01", "holiday"),
            ("2027-01-02", "holiday"),
            ("2027-01-03", "holiday"),
            ("2027-01-31", "workday"),
            ("2027-02-01", "holiday"),
        ]
        assert plan.entries[-1].name == "春节"
        # Chinese punctuation in the source is kept as written.
        assert plan.source == "国务院办公厅通知（国办发明电〔2026〕1号）"


def test_file_type_problems():
    assert codes(problems_of(b"PK\x03\x04\x00\x00binary", filename="x.xlsx")) <= {
        "not_text",
        "unknown_format",
    }
    assert codes(problems_of(b"PK\x03\x04\x00\x00", filename="x.csv")) == {"not_text"}
    assert codes(problems_of("year: 2027\n", filename="x.txt")) == {"unknown_format"}
    assert codes(problems_of(b"a" * (300 * 1024), filename="x.csv")) == {"file_too_large"}
    assert codes(problems_of(b"\xff\xfe\xfa\xfb", filename="x.csv")) <= {"bad_encoding", "not_text"}


def test_expected_year_must_match():
    problems = problems_of(YAML_2027.read_bytes(), filename="x.yaml", expected_year=2028)
    assert codes(problems) == {"unexpected_year"}


YAML_OK = f"""year: 2027
source: {SRC}
holidays:
  - name: 元旦
    from: 2027-01-01
    to: 2027-01-03
workdays:
  - date: 2027-01-09
    name: 元旦调休
"""


def test_yaml_reads_ranges_and_single_days():
    plan = parse_calendar(YAML_OK.encode(), filename="x.yml")
    assert [e.date.day for e in plan.holidays] == [1, 2, 3]
    assert plan.workdays[0].date == dt.date(2027, 1, 9)
    single = YAML_OK.replace("    to: 2027-01-03\n", "")
    assert len(parse_calendar(single.encode(), filename="x.yaml").holidays) == 1
    # Without a file name the format is recognised from the content.
    assert parse_calendar(YAML_OK.encode()).format == "yaml"


@pytest.mark.parametrize(
    ("text", "code", "line", "field"),
    [
        (YAML_OK.replace("from: 2027-01-01", "from: 2027-01-04"), "range_reversed", 6, "to"),
        (YAML_OK.replace("to: 2027-01-03", "to: 2027-03-01"), "range_too_long", 6, "to"),
        (YAML_OK.replace("from: 2027-01-01", "from: 2027-02-30"), "bad_date", 5, "from"),
        (YAML_OK.replace("    from:", "    form:"), "unknown_key", 5, "holidays"),
        (YAML_OK.replace("year: 2027\n", ""), "year_required", 1, "year"),
        (YAML_OK.replace("year: 2027", "year: 二〇二七"), "bad_year", 1, "year"),
        (YAML_OK.replace("year: 2027", "year: 1999"), "year_out_of_range", 1, "year"),
        (YAML_OK.replace(f"source: {SRC}", "source: ''"), "source_required", 2, "source"),
        (YAML_OK.replace(f"source: {SRC}\n", ""), "source_required", 1, "source"),
        (YAML_OK.replace("date: 2027-01-09", "date: 2027-01-08"), "workday_on_weekday", 8, "date"),
        (YAML_OK.replace("year: 2027", "year: 2028"), "wrong_year", 5, "from"),
        (YAML_OK.replace("    name: 元旦调休\n", ""), "name_required", 8, "name"),
        (YAML_OK + "  - date: 2027-01-02\n    name: 元旦调休\n", "duplicate_date", 10, "date"),
        (YAML_OK.replace(f"source: {SRC}", 'source: "未闭合'), "yaml_syntax", None, "file"),
        (YAML_OK.replace("    from:", "   from:"), "yaml_syntax", 5, "file"),
        (YAML_OK.replace("workdays:", "foo: 1\nworkdays:"), "unknown_key", 7, "file"),
        ("year: 2027\nsource: x\nholidays: 元旦\n", "not_list", 3, "holidays"),
        ("year: 2027\nsource: x\nholidays:\n  - 2027-01-01\n", "not_mapping", 4, "holidays"),
        ("- 1\n- 2\n", "not_mapping", 1, "file"),
        ("year: &y 2027\nsource: *y\nholidays: []\n", "yaml_alias", 1, None),
        ("year: 2027\nyear: 2028\nsource: x\nholidays: []\n", "duplicate_key", 2, "year"),
        ("year: 2027\nsource: x\n", "holidays_required", 1, "holidays"),
    ],
)
def test_yaml_mistakes_are_reported_with_line_and_field(text, code, line, field):
    problems = problems_of(text, filename="x.yaml")
    hit = [p for p in problems if p["code"] == code]
    assert hit, problems
    if line is not None:
        assert hit[0]["line"] == line, hit[0]
    assert hit[0]["field"] == field


def test_warnings_point_at_likely_slips_without_refusing():
    text = (
        YAML_OK.replace("name: 元旦\n", "name: 元旦节日\n").replace(
            "date: 2027-01-09\n    name: 元旦调休", "date: 2027-06-05\n    name: 端午调休"
        )
        + "  - date: 2027-01-09\n    name: 元旦节日调休\n"
    )
    plan = parse_calendar(text.replace("元旦节日", "新年"), filename="x.yaml")
    got = {w["code"] for w in plan.warnings}
    assert got == {"unusual_name", "makeup_unmatched", "makeup_far"}
