"""Importing the item catalogue (with transfer statuses and related items) and supervision items;
exports read back by the importers."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from shenguan.catalog import exports, importers
from shenguan.catalog.models import LicensingItem, SupervisionItem, TransferRecord
from shenguan.catalog.selectors import item_handler
from shenguan.core.errors import ErrorList

from .conftest import D

pytestmark = pytest.mark.django_db

ITEM_HEADER = [
    "事项编码",
    "事项名称",
    "权力类型",
    "原审批部门",
    "法定时限",
    "承诺时限",
    "现场勘察",
    "告知承诺",
    "主项编码",
    "划转状态",
    "生效日期",
    "批次",
    "计划划转日期",
    "暂不划转原因",
    "大厅窗口",
]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _items(world, rows, **kw):
    return importers.item_import(
        actor=None,
        jurisdiction=world.city,
        source=io.BytesIO(_xlsx(rows)),
        filename="目录.xlsx",
        **kw,
    )


def test_item_catalogue_with_statuses_and_related_items(world):
    samr, housing = world.depts["reg_a"].name, world.depts["reg_b"].name
    rows = [
        ["聊城市行政许可事项目录"],
        ITEM_HEADER,
        [
            "3715SC01",
            "食品生产许可",
            "行政许可",
            samr,
            "20个工作日",
            "10",
            "是",
            "否",
            "",
            "已划转",
            "2021-09-01",
            "",
            "",
            "",
            "",
        ],
        [
            "3715SC02",
            "食品生产许可变更",
            "",
            samr,
            20,
            10,
            "否",
            "否",
            "3715SC01",
            "已划转",
            "2021-09-01",
            "",
            "",
            "",
            "",
        ],
        [
            "3715ZJ01",
            "建设工程消防验收",
            "行政许可",
            housing,
            15,
            10,
            "√",
            "",
            "",
            "分批划转",
            "2021-08-29",
            "机构改革后划转",
            "2022-01-01",
            "",
            "",
        ],
        [
            "3715SC03",
            "特种设备使用登记",
            "其他行政权力",
            samr,
            "",
            "",
            "",
            "",
            "",
            "暂不划转",
            "2021-08-29",
            "",
            "",
            "专业性强",
            "B区18号窗口",
        ],
    ]
    report = _items(world, rows, dry_run=True)
    assert report.ok and report.records == 4 and report.header_row == 2
    assert LicensingItem.objects.count() == 0
    _items(world, rows, dry_run=False)
    main = LicensingItem.objects.get(code="3715SC01")
    rel = LicensingItem.objects.get(code="3715SC02")
    assert rel.main_item_id == main.pk and main.statutory_days == 20 and main.needs_site_inspection
    assert item_handler(item=rel, on_date=D(2021, 9, 1)) == world.depts["bureau"]
    planned = LicensingItem.objects.get(code="3715ZJ01")
    assert planned.transfer_status == "planned"
    assert planned.current_transfer.batch_name == "机构改革后划转"
    kept = LicensingItem.objects.get(code="3715SC03")
    assert kept.current_transfer.hall_window == "B区18号窗口" and kept.power_type == "other_power"
    # exported and imported again: nothing changes (no new transfer records)
    count = TransferRecord.objects.count()
    qs = LicensingItem.objects.select_related(
        "original_department", "main_item", "current_transfer"
    )
    data = [exports.ITEM_HEADERS, *exports.item_rows(qs.order_by("code"))]
    again = importers.item_import(
        actor=None, jurisdiction=world.city, source=io.BytesIO(_xlsx(data)), dry_run=False
    )
    assert again.created == {"items": 0, "updated": 4}
    assert TransferRecord.objects.count() == count


def test_item_catalogue_problems(world):
    samr = world.depts["reg_a"].name
    rows = [
        ITEM_HEADER,
        ["3715SC01", "", "", samr, "二十", "", "也许", "", "", "", "", "", "", "", ""],
        [
            "3715SC01",
            "重复编码",
            "",
            "区无此局",
            "",
            "",
            "",
            "",
            "",
            "暂不划转",
            "",
            "",
            "",
            "",
            "",
        ],
        ["3715SC09", "关联事项", "", samr, "", "", "", "", "3715XX99", "", "", "", "", "", ""],
    ]
    with pytest.raises(ErrorList) as exc:
        _items(world, rows, dry_run=False)
    got = {(p["row"], p["column"]) for p in exc.value.problems}
    assert {
        (2, "事项名称"),
        (2, "法定时限"),
        (2, "现场勘察"),
        (3, "事项编码"),
        (3, "原审批部门"),
        (3, "暂不划转原因"),
        (4, "主项编码"),
    } <= got
    assert LicensingItem.objects.count() == 0


def test_supervision_items_import_and_update(world):
    reg = world.depts["reg_a"].name
    rows = [
        ["监管事项编码", "监管事项名称", "监管部门"],
        ["371500001W00", "食品经营监督检查", reg],
        ["３７１５００００２Ｗ００", "食品抽检", reg],
    ]
    importers.supervision_import(
        actor=None, jurisdiction=world.city, source=io.BytesIO(_xlsx(rows)), dry_run=False
    )
    assert set(SupervisionItem.objects.values_list("code", flat=True)) == {
        "371500001W00",
        "371500002W00",
    }
    rows[1][1] = "食品经营者监督检查"
    report = importers.supervision_import(
        actor=None, jurisdiction=world.city, source=io.BytesIO(_xlsx(rows)), dry_run=False
    )
    assert report.created == {"supervision_items": 0, "updated": 1}
    assert SupervisionItem.objects.get(code="371500001W00").name == "食品经营者监督检查"
    bad = [
        rows[0],
        ["ABC", "", "区无此局"],
        ["371500001W00", "甲", reg],
        ["371500001W00", "乙", reg],
    ]
    report = importers.supervision_import(
        actor=None, jurisdiction=world.city, source=io.BytesIO(_xlsx(bad)), dry_run=True
    )
    assert {(p.row, p.code) for p in report.problems} == {
        (2, "bad_supervision_code"),
        (2, "required"),
        (2, "unknown_department"),
        (4, "duplicate_code"),
    }
