"""审批结果公开 (004 三(六)): the public list of a jurisdiction's decisions, natural persons
masked, searchable, downloadable as exactly the rows shown."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from shenguan.linkage import services as lsvc
from tests.linkage.conftest import COMPANY_USCC, record_data

pytestmark = pytest.mark.django_db


def _cases(lk):
    approver = lk.users["approver"]
    lsvc.record_create(actor=approver, data=record_data(lk.food, "PUB-1"), complete=True)
    lsvc.record_create(
        actor=approver,
        data=record_data(
            lk.food,
            "PUB-2",
            applicant_kind="legal",
            applicant_name="聊城市公开测试有限公司",
            applicant_id_number="",
            applicant_uscc=COMPANY_USCC,
            legal_representative="赵六",
            decision_number="聊审批食许〔2026〕88号",
        ),
        complete=True,
    )
    lsvc.record_create(
        actor=approver,
        data=record_data(
            lk.food,
            "PUB-3",
            result="refused",
            licence_number="",
            licence_valid_until=None,
            decision_number="聊审批不许〔2026〕3号",
        ),
        complete=True,
    )
    lsvc.record_create(actor=approver, data=record_data(lk.food, "PUB-4"))  # draft


def test_public_decisions_list_masks_persons_and_filters(lk):
    _cases(lk)
    c = Client()
    html = c.get(f"/public/{lk.j.code}/decisions/").content.decode()
    assert html.count('data-testid="decision-row"') == 3  # the draft is not public
    assert "张*" in html and "张三" not in html
    assert "聊城市公开测试有限公司" in html and "不予许可" in html
    html = c.get(f"/public/{lk.j.code}/decisions/", {"q": "88号"}).content.decode()
    assert html.count('data-testid="decision-row"') == 1 and "聊城市公开测试有限公司" in html
    html = c.get(f"/public/{lk.j.code}/decisions/", {"q": "张三"}).content.decode()
    assert html.count('data-testid="decision-row"') == 0  # a person cannot be searched by name
    html = c.get(f"/public/{lk.j.code}/decisions/", {"result": "refused"}).content.decode()
    assert html.count('data-testid="decision-row"') == 1
    assert 'data-testid="public-decisions-link"' in c.get(f"/public/{lk.j.code}/").content.decode()


def test_public_decisions_download_holds_the_rows_shown(lk):
    _cases(lk)
    r = Client().get(f"/public/{lk.j.code}/decisions/", {"result": "granted", "format": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "决定日期")
    data = [row for row in rows[header_at + 1 :] if any(row)]
    assert sorted(row[2] for row in data) == sorted(["张*", "聊城市公开测试有限公司"])
    assert all(row[4] == "准予许可" for row in data)
