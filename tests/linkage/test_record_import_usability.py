"""The records import as users expect it (issue 12 item 10): a template with an example row and
drop-down validations, a dry run that writes nothing, every problem of a row (not only the
first), and dates written the Chinese way ("2026年12月7日")."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from shenguan.core.errors import ErrorList
from shenguan.linkage.importer import COLUMNS, records_import
from shenguan.linkage.models import ApprovalRecord
from tests.linkage.conftest import PERSON_ID

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(lk, case: str, **over) -> dict:
    day = dt.date.today() - dt.timedelta(days=3)
    row = {
        "办件编号": case,
        "事项编码": lk.food.code,
        "申请人类型": "个人",
        "申请人": "王五",
        "身份证号码": PERSON_ID,
        "联系电话": "13806351111",
        "受理日期": f"{day.year}年{day.month}月{day.day}日",
    }
    row.update(over)
    return row


def _file(rows: list[dict]) -> bytes:
    head = list(COLUMNS)
    return _xlsx([head, *[[r.get(h, "") for h in head] for r in rows]])


def test_template_has_examples_drop_downs_and_notes(lk):
    c = Client()
    c.force_login(lk.users["approver"])
    r = c.get("/linkage/records/import?template=1")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["办件", "示例", "填写说明"]
    ws = wb["办件"]
    assert [c.value for c in ws[1]] == list(COLUMNS) and ws.max_row == 1  # nothing to import
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"个人,企业"' in lists and '"准予,不予"' in lists
    ex = wb["示例"]
    assert ex.max_row >= 3 and ex.cell(2, 1).value
    assert [c.value for c in ex[1]] == list(COLUMNS)
    assert "2026年12月7日" in [c.value for c in wb["填写说明"]["A"]][3]


def test_dry_run_writes_nothing_and_reports_the_rows(lk):
    data = _file([_row(lk, "DRY-1"), _row(lk, "DRY-2")])
    rep = records_import(
        actor=lk.users["approver"], fileobj=io.BytesIO(data), filename="a.xlsx", dry_run=True
    )
    assert rep["dry_run"] and rep["rows"] == 2 and rep["created"] == 0
    assert not ApprovalRecord.objects.filter(case_number__startswith="DRY-").exists()
    c = Client()
    c.force_login(lk.users["approver"])
    html = c.post(
        "/linkage/records/import",
        {"file": SimpleUploadedFile("a.xlsx", data), "dry_run": "1"},
    ).content.decode()
    assert 'data-testid="import-dry-report"' in html
    assert not ApprovalRecord.objects.filter(case_number__startswith="DRY-").exists()
    rep = records_import(actor=lk.users["approver"], fileobj=io.BytesIO(data), filename="a.xlsx")
    assert rep["created"] == 2


def test_chinese_dates_are_accepted(lk):
    data = _file([_row(lk, "CN-1")])
    records_import(actor=lk.users["approver"], fileobj=io.BytesIO(data), filename="a.xlsx")
    rec = ApprovalRecord.objects.get(case_number="CN-1")
    assert rec.accepted_on == dt.date.today() - dt.timedelta(days=3)


def test_every_problem_of_a_row_is_reported(lk):
    bad = _row(
        lk,
        "ALL-1",
        **{"身份证号码": "371502199801010011", "联系电话": "12345", "受理日期": "2026年13月1日"},
    )
    with pytest.raises(ErrorList) as e:
        records_import(
            actor=lk.users["approver"],
            fileobj=io.BytesIO(_file([bad])),
            filename="a.xlsx",
            dry_run=True,
        )
    columns = [p["column"] for p in e.value.problems if p["row"] == 2]
    assert set(columns) >= {"身份证号码", "联系电话", "受理日期"}, e.value.problems
