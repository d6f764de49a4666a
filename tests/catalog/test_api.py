"""The catalogue API: scoped reads, bureau-only writes, import/export, handler and routes."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from shenguan.catalog import services as cat
from shenguan.catalog.models import LinkageEntry
from shenguan.catalog.seed003 import build_xlsx
from shenguan.org.roles import Role

from .conftest import D, make_item

pytestmark = pytest.mark.django_db


def _body(resp, status):
    assert resp.status_code == status, resp.content[:800]
    return resp.json()


def test_bureau_creates_and_regulator_only_reads(world, api_as):
    head = api_as(world.users[Role.BUREAU_HEAD])
    reg = api_as(world.users[Role.REGULATOR_LIAISON])
    item = _body(
        head.post(
            "items",
            {
                "name": "食品经营许可",
                "code": "37150000SJ001",
                "original_department_id": world.depts["reg_a"].pk,
                "statutory_days": 20,
                "promised_days": 10,
                "needs_site_inspection": True,
            },
        ),
        201,
    )
    assert item["handling"]["department"]["id"] == world.depts["reg_a"].pk
    # the regulator reads the item but may not change it
    assert _body(reg.get(f"items/{item['id']}"), 200)["code"] == "37150000SJ001"
    body = _body(reg.patch(f"items/{item['id']}", {"name": "改名"}), 403)
    assert body["code"] == "forbidden" and "审批局" in body["message"]
    # the regulator got a change notice (002 §20) and acknowledges it
    notices = _body(reg.get("notices"), 200)["items"]
    assert [n["kind"] for n in notices] == ["item_add"]
    ack = _body(reg.post(f"notices/{notices[0]['id']}/acknowledge"), 200)
    assert ack["recipients"][0]["acknowledged_at"]
    _body(reg.post(f"notices/{notices[0]['id']}/acknowledge"), 409)


def test_other_jurisdiction_answers_404(world, api_as):
    item = make_item(world.city, world.depts["reg_a"], name="食品经营许可")
    county = api_as(world.county_users[Role.BUREAU_HEAD])
    _body(county.get(f"items/{item.pk}"), 404)
    _body(county.patch(f"items/{item.pk}", {"name": "x"}), 404)
    assert _body(county.get("items"), 200)["items"] == []
    # anonymous callers are refused
    assert api_as().get("items").status_code == 401


def test_transfer_with_related_items_and_handler_endpoint(world, api_as):
    head = api_as(world.users[Role.BUREAU_HEAD])
    main = make_item(world.city, world.depts["reg_a"], name="食品生产许可")
    rel = make_item(world.city, world.depts["reg_a"], name="食品生产许可变更", main_item=main)
    rec = _body(
        head.post(
            f"items/{main.pk}/transfers", {"status": "transferred", "effective_on": "2023-05-01"}
        ),
        201,
    )
    assert rec["status_label"] == "已划转"
    h = _body(head.get(f"items/{rel.pk}/handler", on_date="2023-05-01"), 200)
    assert h["department"]["id"] == world.depts["bureau"].pk and h["by_bureau"]
    h = _body(head.get(f"items/{rel.pk}/handler", on_date="2023-04-30"), 200)
    assert h["department"]["id"] == world.depts["reg_a"].pk
    body = _body(
        head.post(
            f"items/{main.pk}/transfers", {"status": "planned", "effective_on": "2023-06-01"}
        ),
        422,
    )
    assert body["field"] == "batch_name"


def test_import_dry_run_commit_and_export_roundtrip(yiyang, api_as):
    head = api_as(yiyang.head)
    dry = _body(head.upload("import/linkage", build_xlsx(), "清单.xlsx", dry_run="true"), 200)
    assert dry["ok"] and dry["records"] == 12
    assert LinkageEntry.objects.count() == 0
    done = _body(
        head.upload(
            "import/linkage", build_xlsx(), "清单.xlsx", dry_run="false", valid_from="2023-10-16"
        ),
        201,
    )
    assert done["created"]["entries"] == 12
    page = _body(head.get("entries", on_date="2023-10-16", page_size=50), 200)
    assert len(page["items"]) == 12
    # export as csv and xlsx: the same rows, and the export imports back as a dry run
    resp = head.get("export/linkage", format="csv", code="430604011W00")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "序号",
        "行政审批部门",
        "审批事项",
        "行业主管部门",
        "监管事项编码",
        "监管事项名称",
    ]
    assert [r[0] for r in rows[1:]] == ["4", "5", "6"]
    xl = head.get("export/linkage", format="xlsx")
    ws = load_workbook(io.BytesIO(xl.content), read_only=True).worksheets[0]
    data = [r for r in ws.iter_rows(values_only=True)][1:]
    assert len(data) == 12 and data[1][4] == "430264056W00\n430264038W00"


def test_import_problems_answer_422_with_every_row(yiyang, api_as):
    from .test_import_linkage import _xlsx

    head = api_as(yiyang.head)
    rows = [
        ["序号", "行政审批部门", "审批事项", "行业主管部门", "监管事项编码", "监管事项名称"],
        ["1", "区经济合作局", "甲审批", "区无此局", "BAD", "1、甲"],
        ["2", "区经济合作局", "乙审批", "区社会事务局", "430264034W0Y", "1、乙"],
    ]
    body = _body(head.upload("import/linkage", _xlsx(rows), "x.xlsx", dry_run="false"), 422)
    assert body["code"] == "validation_failed"
    assert {(p["row"], p["column"]) for p in body["problems"]} == {
        (2, "行业主管部门"),
        (2, "监管事项编码"),
    }
    assert LinkageEntry.objects.count() == 0


def test_regulator_cannot_import_or_publish(yiyang, api_as):
    reg = api_as(yiyang.reg_liaison)
    _body(reg.upload("import/linkage", build_xlsx(), "清单.xlsx", dry_run="true"), 403)
    _body(reg.post("versions", {"title": "第一批"}), 403)


def test_publish_versions_keep_old_lists_readable(yiyang, api_as):
    from shenguan.catalog.importers import linkage_import

    head = api_as(yiyang.head)
    linkage_import(
        actor=None,
        jurisdiction=yiyang.j,
        source=io.BytesIO(build_xlsx()),
        dry_run=False,
        valid_from=D(2023, 10, 16),
    )
    v1 = _body(head.post("versions", {"title": "第一批", "published_on": "2023-10-16"}), 201)
    assert v1["number"] == 1 and v1["entry_count"] == 12
    entry = LinkageEntry.objects.get(seq=12)
    changed = _body(
        head.patch(
            f"entries/{entry.pk}", {"responsible_person": "尹涛", "effective_on": "2024-01-01"}
        ),
        200,
    )
    assert changed["id"] != entry.pk and changed["replaces_id"] == entry.pk
    v2 = _body(
        head.post("versions", {"title": "第一批（调整）", "published_on": "2024-01-01"}), 201
    )
    old = _body(head.get(f"versions/{v1['id']}/entries", page_size=50), 200)["items"]
    new = _body(head.get(f"versions/{v2['id']}/entries", page_size=50), 200)["items"]
    assert [e["responsible_person"] for e in old if e["seq"] == 12] == [""]
    assert [e["responsible_person"] for e in new if e["seq"] == 12] == ["尹涛"]
    # the regulator of the changed entry was pre-notified
    reg = api_as(yiyang.reg_liaison)
    assert _body(reg.get("versions"), 200)["items"][0]["number"] == 2


def test_gap_report(world, api_as):
    reg_a, reg_b = world.depts["reg_a"], world.depts["reg_b"]
    covered = make_item(world.city, reg_a, name="食品经营许可")
    gap = make_item(world.city, reg_b, name="燃气经营许可")
    for it in (covered, gap):
        cat.transfer_record(actor=None, item=it, status="transferred", effective_on=D(2023, 1, 1))
    s1 = cat.supervision_item_create(
        actor=None,
        jurisdiction=world.city,
        code="371500001W00",
        name="食品经营监督检查",
        regulator=reg_a,
    )
    unused = cat.supervision_item_create(
        actor=None, jurisdiction=world.city, code="371500009W00", name="燃气检查", regulator=reg_b
    )
    e = cat.entry_create(
        actor=None,
        jurisdiction=world.city,
        item=covered,
        regulator=reg_a,
        supervision_items=[s1],
        valid_from=D(2023, 1, 1),
    )
    body = _body(api_as(world.users[Role.BUREAU_HEAD]).get("gaps", on_date="2023-02-01"), 200)
    assert [i["id"] for i in body["items_without_entry"]] == [gap.pk]
    assert [s["id"] for s in body["unused_supervision_items"]] == [unused.pk]
    # reg_a has no liaison person registered in the world fixture
    assert [x["id"] for x in body["entries_without_liaison"]] == [e.pk]
    from shenguan.org import services as org

    org.liaison_appoint(
        actor=None,
        department=reg_a,
        kind="liaison",
        name="李四",
        phone="13800000000",
        valid_from=D(2023, 1, 1),
    )
    body = _body(api_as(world.users[Role.BUREAU_HEAD]).get("gaps", on_date="2023-02-01"), 200)
    assert body["entries_without_liaison"] == []
