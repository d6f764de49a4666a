"""Public pages and the public API: no login, filters, and downloads with exactly the rows shown."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _rows_shown(html: str) -> list[str]:
    return re.findall(r'<tr data-seq="(\d+)"', html)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_linkage_page_filters_and_downloads_match(public_data):
    c = Client()
    resp = c.get("/public/430971/linkage/", {"code": "430604011W00"})
    assert resp.status_code == 200
    shown = _rows_shown(resp.content.decode())
    assert shown == ["4", "5", "6"]
    rows = _csv_rows(
        c.get("/public/430971/linkage/", {"code": "430604011W00", "format": "csv"}).content
    )
    assert [r[0] for r in rows[1:]] == shown
    xl = c.get("/public/430971/linkage/", {"code": "430604011W00", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(xl.content), read_only=True).worksheets[0]
    data = list(ws.iter_rows(values_only=True))
    assert data[1][0] == "序号"  # a title row, then the header
    assert [str(r[0]) for r in data[2:]] == shown
    # responsible persons and phones are not published
    assert all(r[10] in (None, "") and r[11] in (None, "") for r in data[2:])


def test_linkage_filters_by_department_and_item(public_data):
    _, depts = public_data
    c = Client()
    html = c.get(
        "/public/430971/linkage/", {"department": depts["construction"].pk}
    ).content.decode()
    assert _rows_shown(html) == ["9", "10", "11"]
    html = c.get("/public/430971/linkage/", {"item": "消防"}).content.decode()
    assert _rows_shown(html) == ["9", "12"]
    assert _rows_shown(Client().get("/public/430971/linkage/").content.decode()) == [
        str(n) for n in range(1, 13)
    ]


def test_transferred_retained_and_planned_pages(public_data):
    c = Client()
    html = c.get("/public/430971/transferred/").content.decode()
    assert "林木采伐许可证核发" in html and "区经济合作局（政务管理服务局）" in html
    assert "2023-10-16" in html
    rows = _csv_rows(c.get("/public/430971/transferred/", {"format": "csv"}).content)
    assert len(rows) == 1 + 12 and rows[1][4] == "区经济合作局（政务管理服务局）"
    html = c.get("/public/430971/retained/").content.decode()
    assert "排污许可证核发" in html and "政务服务中心3号窗口" in html
    rows = _csv_rows(c.get("/public/430971/retained/", {"format": "csv"}).content)
    assert rows[1][:2] == ["4309710001", "排污许可证核发"] and rows[1][5] == "政务服务中心3号窗口"
    html = c.get("/public/430971/planned/").content.decode()
    assert "机构改革后划转" in html and "2024-06-30" in html


def test_unknown_jurisdiction_or_version_is_404(public_data):
    c = Client()
    assert c.get("/public/999999/linkage/").status_code == 404
    assert c.get("/public/430971/linkage/", {"version": "7"}).status_code == 404
    assert c.get("/api/v1/public/430971/linkage", {"version": 7}).status_code == 404


def test_public_api_without_login(public_data):
    c = Client()
    js = c.get("/api/v1/public/jurisdictions").json()
    assert [j["code"] for j in js] == ["430971"]
    page = c.get("/api/v1/public/430971/linkage", {"code": "430604011W00"}).json()
    assert [e["seq"] for e in page["items"]] == [4, 5, 6]
    assert page["items"][0]["supervision_items"] == [
        {"code": "430604011W00", "name": "对本级政府投资代建项目实施的监督检查。"}
    ]
    items = c.get("/api/v1/public/430971/transferred", {"page_size": 50}).json()["items"]
    assert len(items) == 12 and {i["handler"] for i in items} == {"区经济合作局（政务管理服务局）"}
    kept = c.get("/api/v1/public/430971/retained").json()["items"]
    assert kept[0]["hall_window"] == "政务服务中心3号窗口"
