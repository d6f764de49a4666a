"""Staff pages: the bureau manages, regulators read; the import wizard; the printable memo."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shenguan.catalog import services as cat
from shenguan.catalog.models import LicensingItem, LinkageEntry, TransferRecord
from shenguan.catalog.seed003 import build_xlsx
from shenguan.org.roles import Role

from .conftest import D, full_memo_content, make_item

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_bureau_creates_and_transfers_an_item_through_the_pages(world):
    c = _client(world.users[Role.BUREAU_HEAD])
    resp = c.post(
        "/catalog/items/new/",
        {
            "code": "37150000SC0009",
            "name": "食品小作坊登记",
            "power_type": "licensing",
            "original_department": world.depts["reg_a"].pk,
            "statutory_days": "10",
            "promised_days": "5",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    item = LicensingItem.objects.get(code="37150000SC0009")
    resp = c.post(
        f"/catalog/items/{item.pk}/transfer/",
        {"status": "transferred", "effective_on": "2023-05-01"},
    )
    assert resp.status_code == 302
    assert TransferRecord.objects.filter(item=item, status="transferred").exists()
    page = c.get(f"/catalog/items/{item.pk}/").content.decode()
    assert world.depts["bureau"].name in page and "2023-05-01" in page
    # a bad form answers the page again with the Chinese message on the field
    resp = c.post(
        f"/catalog/items/{item.pk}/transfer/", {"status": "planned", "effective_on": "2023-06-01"}
    )
    assert resp.status_code == 200 and "分批划转须填写批次" in resp.content.decode()


def test_regulators_read_but_do_not_manage(world):
    item = make_item(world.city, world.depts["reg_a"])
    c = _client(world.users[Role.REGULATOR_LIAISON])
    page = c.get(f"/catalog/items/{item.pk}/").content.decode()
    assert item.name in page and "登记划转状态" not in page
    assert c.get("/catalog/items/new/").status_code == 403
    assert (
        c.post(
            f"/catalog/items/{item.pk}/transfer/",
            {"status": "transferred", "effective_on": "2023-05-01"},
        ).status_code
        == 403
    )
    assert c.get("/catalog/import/").status_code == 403
    assert c.get("/catalog/gaps/").status_code == 403
    # the county's bureau does not see the city's item
    assert (
        _client(world.county_users[Role.BUREAU_HEAD]).get(f"/catalog/items/{item.pk}/").status_code
        == 404
    )


def test_import_wizard_dry_run_then_confirm(yiyang):
    c = _client(yiyang.head)
    resp = c.post(
        "/catalog/import/",
        {
            "kind": "linkage",
            "mode": "append",
            "valid_from": "2023-10-16",
            "file": SimpleUploadedFile("清单.xlsx", build_xlsx()),
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "试运行通过" in html
    assert LinkageEntry.objects.count() == 0
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    resp = c.post("/catalog/import/", {"token": token})
    assert resp.status_code == 302 and LinkageEntry.objects.count() == 12
    assert c.post("/catalog/import/", {"token": token}).status_code == 302  # stale: nothing
    assert LinkageEntry.objects.count() == 12


def test_import_wizard_lists_every_problem(yiyang):
    c = _client(yiyang.head)
    data = (
        "序号,行政审批部门,审批事项,行业主管部门,监管事项编码,监管事项名称\n"
        "1,区经济合作局,甲,区无此局,12,1、甲\n"
    )
    resp = c.post(
        "/catalog/import/",
        {
            "kind": "linkage",
            "mode": "append",
            "file": SimpleUploadedFile("清单.csv", data.encode("utf-8-sig")),
        },
    )
    html = resp.content.decode()
    assert "试运行未通过" in html and "区无此局" in html and "监管事项编码" in html
    assert 'name="token"' not in html


def test_printable_memo_and_signing_page(dalate):
    item = make_item(dalate.j, dalate.reg)
    memo = cat.memo_create(
        actor=None,
        from_department=dalate.reg,
        items=[item],
        title="林草备忘录",
        number="达审管备〔2023〕1号",
        **full_memo_content(),
    )
    c = _client(dalate.head)
    page = c.get(f"/catalog/memos/{memo.pk}/").content.decode()
    assert "登记签订" in page
    resp = c.post(
        f"/catalog/memos/{memo.pk}/sign/",
        {"signed_on": "2023-03-15", "from_signatory": "张三", "to_signatory": "李四"},
    )
    assert resp.status_code == 302
    printed = c.get(f"/catalog/memos/{memo.pk}/print/").content.decode()
    assert "审管衔接备忘录" in printed and "达审管备〔2023〕1号" in printed
    assert "2023年3月15日" in printed and "专用电脑和密钥" in printed and "data-print" in printed
    assert "<script>" not in printed and "style=" not in printed  # CSP: no inline code
    # the regulator party to the memo reads it too
    assert _client(dalate.reg_liaison).get(f"/catalog/memos/{memo.pk}/print/").status_code == 200


def test_entry_pages_and_gap_report(world):
    reg = world.depts["reg_a"]
    item = make_item(world.city, reg)
    cat.transfer_record(actor=None, item=item, status="transferred", effective_on=D(2023, 1, 1))
    c = _client(world.users[Role.BUREAU_HEAD])
    assert item.name in c.get("/catalog/gaps/").content.decode()
    sup = cat.supervision_item_create(
        actor=None, jurisdiction=world.city, code="371500001W00", name="检查", regulator=reg
    )
    resp = c.post(
        "/catalog/entries/new/",
        {
            "item": item.pk,
            "regulator": reg.pk,
            "supervision_items": [sup.pk],
            "power_type": "licensing",
            "push_method": "platform",
            "stages": ["result_push"],
            "effective_on": "2023-01-01",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    entry = LinkageEntry.objects.get(item=item)
    assert entry.stages == ["result_push"]
    gaps = c.get("/catalog/gaps/").content.decode()
    assert f'href="/catalog/items/{item.pk}/"' not in gaps.split("gap-liaison")[0]
    csv = c.get("/catalog/entries/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "371500001W00" in csv and item.name in csv
