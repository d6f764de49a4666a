"""Importing the technical-step table: a dry run checks every row and writes nothing; a file with
a bad row lists every problem by row and column and writes nothing; a good file writes all."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import Workbook

from shenguan.review.models import TechnicalStep

pytestmark = pytest.mark.django_db
HEAD = [
    "事项编码",
    "技术环节",
    "实施主体",
    "实施部门",
    "实施程序",
    "办理时限（工作日）",
    "依据",
    "生效日期",
]


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "steps.xlsx"
    return buf


def post(c, buf, dry_run):
    return c.post(
        "/api/v1/review/steps/import", {"file": buf, "dry_run": "true" if dry_run else "false"}
    )


def test_dry_run_problems_and_import(lk):
    c = Client()
    c.force_login(lk.users["bureau_liaison"])
    good = [
        [
            lk.food.code,
            "现场勘验",
            "行业主管部门书面支持",
            lk.reg_a.name,
            "现场核查",
            5,
            "",
            "2024-01-01",
        ],
        [lk.food.code, "技术审查", "审批局", lk.bureau.name, "材料核对", 2, "", "2024-01-01"],
    ]
    r = post(c, xlsx(good), True)
    assert r.status_code == 200, r.content
    assert r.json() == {"rows": 2, "created": 0, "valid": 2, "dry_run": True}
    assert TechnicalStep.objects.count() == 0
    bad = [
        *good,
        ["NOPE", "听证", "regulator", lk.reg_a.name, "x", 5, "", "2024-01-01"],
        [lk.food.code, "检验检测", "regulator", lk.bureau.name, "x", 0, "", "2024-01-01"],
    ]
    r = post(c, xlsx(bad), False)
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [p["row"] for p in problems] == [4, 5]
    assert problems[0]["column"] == "事项编码"
    assert TechnicalStep.objects.count() == 0
    r = post(c, xlsx(good), False)
    assert r.status_code == 200 and r.json()["created"] == 2
    assert TechnicalStep.objects.count() == 2
    assert post(Client(), xlsx(good), True).status_code in (401, 403)


def test_public_page_shows_the_table_in_force_without_login(lk, steps):
    anon = Client()
    r = anon.get(f"/review/public/{lk.j.code}/steps/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "现场勘验" in body and lk.reg_a.name in body and "勘验经营场所布局" in body
    assert anon.get("/review/public/999999/steps/").status_code == 404
