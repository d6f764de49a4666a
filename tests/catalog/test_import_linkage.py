"""Importing the linkage list: the 003 fixture and broken files (003 附件, 002 §9)."""

from __future__ import annotations

import glob
import io
import os
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from shenguan.catalog import importers
from shenguan.catalog.models import (
    ChangeNotice,
    LicensingItem,
    LinkageEntry,
    SupervisionItem,
    TransferStatus,
)
from shenguan.catalog.seed003 import HEADER, ROWS, build_xlsx
from shenguan.core.errors import ErrorList, PermissionDenied

pytestmark = pytest.mark.django_db


def _import(y, data: bytes, *, dry_run=False, filename="清单.xlsx", actor="head", **kw):
    actor = getattr(y, actor) if isinstance(actor, str) else actor
    return importers.linkage_import(
        actor=actor,
        jurisdiction=y.j,
        source=io.BytesIO(data),
        filename=filename,
        dry_run=dry_run,
        **kw,
    )


def _entries(y):
    return list(
        LinkageEntry.objects.filter(jurisdiction=y.j)
        .order_by("seq")
        .select_related("item", "regulator")
        .prefetch_related("links__supervision_item")
    )


def test_003_fixture_yields_twelve_entries_with_the_source_codes_and_names(yiyang):
    report = _import(yiyang, build_xlsx())
    assert report.ok and report.records == 12 and report.header_row == 2
    entries = _entries(yiyang)
    assert [e.seq for e in entries] == list(range(1, 13))
    by_seq = {e.seq: e for e in entries}
    e2 = by_seq[2]
    assert e2.item.name == "林木采伐许可证核发"
    assert e2.regulator == yiyang.depts["social"]
    assert [link.supervision_item.code for link in e2.links.all()] == [
        "430264056W00",
        "430264038W00",
    ]
    assert [link.supervision_item.name for link in e2.links.all()] == [
        "对违法买卖林木采伐许可证、木材运输证件、批准出口文件、允许进出口证明书的处罚。",
        "违规收购没有林木采伐许可证或其他合法来源的木材的处罚",
    ]
    shared = {
        e.seq
        for e in entries
        if "430604011W00" in [link.supervision_item.code for link in e.links.all()]
    }
    assert shared == {4, 5, 6}
    assert by_seq[12].regulator == yiyang.depts["fire"]
    assert all(e.approval_department == yiyang.depts["bureau"] for e in entries)
    # independent oracle: plain SQL counts
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM catalog_linkageentry WHERE jurisdiction_id = %s", [yiyang.j.pk]
        )
        assert cur.fetchone()[0] == 12
        cur.execute("SELECT COUNT(*) FROM catalog_linkageentrysupervision")
        assert cur.fetchone()[0] == 14
        cur.execute("SELECT COUNT(DISTINCT code) FROM catalog_supervisionitem")
        assert cur.fetchone()[0] == 10
    # new approval items were created and recorded as transferred to the bureau
    assert LicensingItem.objects.filter(jurisdiction=yiyang.j).count() == 12
    assert set(LicensingItem.objects.values_list("transfer_status", flat=True)) == {
        TransferStatus.TRANSFERRED
    }
    # each points at its own transfer record, to the bureau on the import's day
    for item in LicensingItem.objects.filter(jurisdiction=yiyang.j).select_related(
        "current_transfer"
    ):
        rec = item.current_transfer
        assert rec is not None and rec.item_id == item.pk
        assert rec.receiving_department == yiyang.depts["bureau"]
        assert rec.effective_on == item.transfer_effective_on
    assert ChangeNotice.objects.filter(jurisdiction=yiyang.j, kind="list_import").count() == 1


def test_fixture_matches_the_seed_text(yiyang):
    """Independent oracle: the transcription equals the attachment in the seed document."""
    seeds = os.environ.get("SHENGUAN_SEEDS_DIR") or Path(__file__).parents[3] / "shared" / "seeds"
    paths = sorted(glob.glob(str(Path(seeds) / "003_*.txt")))
    if not paths:
        pytest.skip("seed documents not available")
    with open(paths[0], encoding="utf-8") as fh:
        text = fh.read()
    tail = text[text.index("益阳高新区审管联动事项清单(第一批)\n序号") :]
    cells = [c.strip() for c in tail.split("|")]
    cells[0] = cells[0].split("\n")[-1]
    rows, i = [], 0
    while i < len(cells):
        if tuple(cells[i : i + 6]) == HEADER:
            i += 6
            continue
        rows.append(tuple(cells[i : i + 6]))
        i += 6
    norm = [tuple(" ".join(c.split()) for c in r) for r in ROWS]
    assert [tuple(" ".join(c.split()) for c in r) for r in rows[:12]] == norm


def test_dry_run_writes_nothing(yiyang):
    report = _import(yiyang, build_xlsx(), dry_run=True)
    assert report.ok and report.records == 12 and report.created["supervision_items"] == 10
    assert LinkageEntry.objects.count() == 0 and SupervisionItem.objects.count() == 0
    assert LicensingItem.objects.count() == 0


def _xlsx(rows, merges=()):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _problems(y, data, **kw):
    report = _import(y, data, dry_run=True, **kw)
    with pytest.raises(ErrorList) as exc:
        _import(y, data, dry_run=False, **kw)
    assert LinkageEntry.objects.count() == 0 and SupervisionItem.objects.count() == 0
    assert LicensingItem.objects.count() == 0
    assert [p["row"] for p in exc.value.problems] == [p.row for p in report.problems]
    return report.problems


def test_broken_file_imports_nothing_and_reports_every_problem(yiyang):
    rows = [list(HEADER)] + [list(r) for r in ROWS[:6]]
    rows[1][4] = "43026403W0Y"  # bad code (11 characters) in sheet row 2
    rows[3][3] = "区农业农村局"  # unknown department in sheet row 4
    rows.insert(
        4, ["监管事项编码", "序号", "行政审批部门", "审批事项", "行业主管部门", "监管事项名称"]
    )
    problems = _problems(yiyang, _xlsx(rows))
    by_row = {p.row: p for p in problems}
    assert set(by_row) == {2, 4, 5}
    assert by_row[2].column == "监管事项编码" and "43026403W0Y" in by_row[2].message
    assert by_row[4].column == "行业主管部门" and "区农业农村局" in by_row[4].message
    assert by_row[5].code == "misplaced_header"
    assert all(p.message.startswith(f"第{p.row}行") for p in problems)


def test_missing_column_is_reported_on_the_header_row(yiyang):
    rows = [["说明：第一批"], [h for h in HEADER if h != "监管事项名称"]]
    rows += [list(r[:5]) for r in ROWS[:2]]
    problems = _problems(yiyang, _xlsx(rows))
    assert [(p.row, p.column, p.code) for p in problems] == [(2, "监管事项名称", "missing_column")]


def test_header_repeated_inside_a_merged_block_is_misplaced(yiyang):
    rows = [list(HEADER)] + [list(r) for r in ROWS[:2]] + [list(HEADER)] + [list(ROWS[2])]
    problems = _problems(yiyang, _xlsx(rows, merges=["B2:B5"]))
    assert [(p.row, p.code) for p in problems] == [(4, "misplaced_header")]


def test_full_width_characters_and_stray_spaces_are_normalised(yiyang):
    rows = [
        list(HEADER),
        [
            "１",
            " 区经济合作局（政务管理服务局） ",
            "  临时使用林地审批 ",
            "区社会事务局　",
            "４３０２６４０３４Ｗ０Ｙ",
            "1、对擅自改变林地用途和临时占用林地,逾期不归还的处罚。 ",
        ],
    ]
    report = _import(yiyang, _xlsx(rows))
    assert report.ok
    e = _entries(yiyang)[0]
    assert e.seq == 1 and e.item.name == "临时使用林地审批"
    assert e.links.get().supervision_item.code == "430264034W0Y"


def test_csv_in_gb18030_with_continuation_rows(yiyang):
    lines = [
        ",".join(HEADER),
        "1,区经济合作局 (政务管理服务局),林木采伐许可证核发,区社会事务局,"
        '430264056W00,"1、甲的处罚。"',
        ',,,,430264038W00,"2、乙的处罚"',
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("gb18030")
    report = _import(yiyang, data, filename="清单.csv")
    assert report.ok and report.records == 1
    e = _entries(yiyang)[0]
    assert [link.supervision_item.code for link in e.links.all()] == [
        "430264056W00",
        "430264038W00",
    ]
    assert [link.supervision_item.name for link in e.links.all()] == ["甲的处罚。", "乙的处罚"]


def test_same_code_with_another_name_is_a_problem(yiyang):
    rows = [list(HEADER), list(ROWS[3]), list(ROWS[4])]
    rows[2][5] = "1、别的名称"
    problems = _problems(yiyang, _xlsx(rows))
    assert [(p.row, p.code) for p in problems] == [(3, "name_mismatch")]
    assert "第2行" in problems[0].message


def test_codes_and_names_must_pair_up(yiyang):
    rows = [list(HEADER), list(ROWS[1])]
    rows[1][5] = "1、只有一个名称"
    problems = _problems(yiyang, _xlsx(rows))
    assert [(p.row, p.code) for p in problems] == [(2, "count_mismatch")]


def test_importing_the_same_list_twice_is_refused(yiyang):
    _import(yiyang, build_xlsx())
    with pytest.raises(ErrorList) as exc:
        _import(yiyang, build_xlsx())
    assert {p["code"] for p in exc.value.problems} == {"duplicate_entry"}
    assert LinkageEntry.objects.count() == 12


def test_replace_mode_ends_the_old_list(yiyang):
    import datetime as dt

    _import(yiyang, build_xlsx(), valid_from=dt.date(2023, 10, 16))
    report = _import(yiyang, build_xlsx(), mode="replace", valid_from=dt.date(2024, 1, 1))
    assert report.created["retired_entries"] == 12
    assert LinkageEntry.objects.filter(valid_to=dt.date(2024, 1, 1)).count() == 12
    assert LinkageEntry.objects.filter(valid_to__isnull=True).count() == 12


def test_regulators_cannot_import(yiyang):
    with pytest.raises(PermissionDenied):
        _import(yiyang, build_xlsx(), actor="reg_liaison")


def test_alias_table_matches_other_department_names(yiyang):
    from shenguan.catalog.services import department_alias_set

    rows = [list(HEADER), list(ROWS[11])]
    rows[1][3] = "益阳高新区消防救援大队"
    assert _problems(yiyang, _xlsx(rows))[0].code == "unknown_department"
    department_alias_set(
        actor=yiyang.head,
        jurisdiction=yiyang.j,
        alias="益阳高新区消防救援大队",
        department=yiyang.depts["fire"],
    )
    assert _import(yiyang, _xlsx(rows)).ok


def test_no_header_at_all(yiyang):
    problems = _problems(yiyang, _xlsx([["a", "b"], ["c", "d"]]))
    assert [p.code for p in problems] == ["header_not_found"]


@pytest.mark.parametrize("batch", [2, 1000])
def test_repeated_rows_are_found_within_and_across_batches(yiyang, monkeypatch, batch):
    monkeypatch.setattr(importers._Scratch, "BATCH", batch)
    rows = [list(HEADER)] + [list(ROWS[i]) for i in (0, 1, 0, 2, 3, 1, 1)]
    rows[4][2] = "  " + rows[4][2]  # the same item with a stray space is the same item
    report = _import(yiyang, _xlsx(rows), dry_run=True)
    assert report.records == 4
    assert [(p.row, p.code) for p in report.problems] == [
        (4, "duplicate_row"),
        (7, "duplicate_row"),
        (8, "duplicate_row"),
    ]
    assert all(p.message.startswith(f"第{p.row}行“审批事项”") for p in report.problems)
    assert "与第2行重复" in report.problems[0].message
    assert (
        "与第3行重复" in report.problems[1].message and "与第3行重复" in report.problems[2].message
    )
    _problems(yiyang, _xlsx(rows))  # and nothing is written


@pytest.mark.parametrize("batch", [2, 1000])
def test_entries_already_listed_are_refused_across_batches(yiyang, monkeypatch, batch):
    _import(yiyang, _xlsx([list(HEADER)] + [list(r) for r in ROWS[:3]]))
    monkeypatch.setattr(importers._Scratch, "BATCH", batch)
    rows = [list(HEADER)] + [list(ROWS[i]) for i in (3, 1, 4, 1, 5, 0)]
    report = _import(yiyang, _xlsx(rows), dry_run=True)
    assert [(p.row, p.code) for p in report.problems] == [
        (3, "duplicate_entry"),
        (5, "duplicate_row"),
        (7, "duplicate_entry"),
    ]
    assert report.records == 3


def test_the_columns_of_002_are_stored(yiyang):
    header = [*HEADER, "互动环节", "信息推送方式", "责任人", "联系电话", "监管职责", "备注"]
    row = [
        *ROWS[0],
        "事前、联审会；结果推送",
        "书面函告",
        " 张三 ",
        "0737-1234567",
        " 第一条 \n\n 第二条",
        "试点",
    ]
    report = _import(yiyang, _xlsx([header, row, list(ROWS[1])]))
    assert report.ok and report.records == 2
    first, second = _entries(yiyang)
    assert first.stages == ["prior_guidance", "joint_review", "result_push"]
    assert (first.push_method, first.responsible_person, first.contact_phone) == (
        "letter",
        "张三",
        "0737-1234567",
    )
    assert (first.supervision_duties, first.note, first.power_type) == (
        "第一条\n第二条",
        "试点",
        "licensing",
    )
    assert (second.stages, second.push_method, second.contact_phone) == ([], "platform", "")
