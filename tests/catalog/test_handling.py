"""item_handler, item_handling and linkage_routes (004 三(三)2, 三(二)1)."""

from __future__ import annotations

import pytest

from shenguan.catalog import services as cat
from shenguan.catalog.models import TransferRecord, TransferStatus
from shenguan.catalog.selectors import item_handler, item_handling, linkage_routes

from .conftest import D, full_memo_content, make_item

pytestmark = pytest.mark.django_db


def test_handler_changes_on_the_memo_signing_date(dalate):
    item = make_item(dalate.j, dalate.reg)
    cat.transfer_record(
        actor=None, item=item, status=TransferStatus.TRANSFERRED, effective_on=D(2023, 2, 1)
    )
    memo = cat.memo_create(
        actor=None,
        from_department=dalate.reg,
        items=[item],
        title="林草审管衔接备忘录",
        **full_memo_content(),
    )
    # transferred on paper, but no memo signed yet: the original department still handles it
    h = item_handling(item=item, on_date=D(2023, 3, 14))
    assert h.department == dalate.reg and h.waiting_for_memo
    cat.memo_sign(actor=dalate.head, memo=memo, signed_on=D(2023, 3, 15))
    assert item_handler(item=item, on_date=D(2023, 3, 14)) == dalate.reg
    assert item_handler(item=item, on_date=D(2023, 3, 15)) == dalate.bureau
    assert item_handler(item=item, on_date=D(2024, 1, 1)) == dalate.bureau


def test_transition_period_of_the_profile_runs_from_the_signing(dalate):
    item = make_item(dalate.j, dalate.reg)
    memo = cat.memo_create(
        actor=None, from_department=dalate.reg, items=[item], title="备忘录", **full_memo_content()
    )
    cat.memo_sign(actor=None, memo=memo, signed_on=D(2023, 3, 31))
    h = item_handling(item=item, on_date=D(2023, 9, 29))
    assert h.by_bureau and h.memo.pk == memo.pk and h.since == D(2023, 3, 31)
    assert h.transition_months == 6
    assert h.transition_ends_on == D(2023, 9, 30)
    assert h.in_transition
    assert not item_handling(item=item, on_date=D(2023, 9, 30)).in_transition


def test_without_memo_requirement_the_transfer_date_decides(world):
    item = make_item(world.city, world.depts["reg_a"], name="食品经营许可")
    assert item_handler(item=item, on_date=D(2023, 1, 1)) == world.depts["reg_a"]
    cat.transfer_record(
        actor=None, item=item, status=TransferStatus.TRANSFERRED, effective_on=D(2023, 5, 1)
    )
    assert item_handler(item=item, on_date=D(2023, 4, 30)) == world.depts["reg_a"]
    h = item_handling(item=item, on_date=D(2023, 5, 1))
    assert h.department == world.depts["bureau"] and not h.memo_required
    assert h.transition_ends_on is None


def test_retained_items_stay_with_their_department_and_show_the_hall_window(world):
    item = make_item(world.city, world.depts["reg_b"], name="建设工程规划许可")
    cat.transfer_record(
        actor=None,
        item=item,
        status=TransferStatus.RETAINED,
        effective_on=D(2023, 1, 1),
        reason="专业性强，暂不划转",
        hall_window="政务服务大厅B区12号窗口",
    )
    h = item_handling(item=item, on_date=D(2023, 6, 1))
    assert h.department == world.depts["reg_b"]
    assert h.hall_window == "政务服务大厅B区12号窗口"
    assert h.status == TransferStatus.RETAINED


def test_taken_back_item_needs_a_new_memo_after_retransfer(dalate):
    item = make_item(dalate.j, dalate.reg)
    m1 = cat.memo_create(
        actor=None, from_department=dalate.reg, items=[item], title="一", **full_memo_content()
    )
    cat.memo_sign(actor=None, memo=m1, signed_on=D(2023, 3, 1))
    cat.transfer_record(
        actor=None,
        item=item,
        status=TransferStatus.TAKEN_BACK,
        effective_on=D(2023, 6, 1),
        reason="承接条件不具备",
    )
    assert item_handler(item=item, on_date=D(2023, 5, 31)) == dalate.bureau
    assert item_handler(item=item, on_date=D(2023, 6, 1)) == dalate.reg
    cat.transfer_record(
        actor=None, item=item, status=TransferStatus.TRANSFERRED, effective_on=D(2023, 9, 1)
    )
    # the old memo does not count for the new run
    assert item_handler(item=item, on_date=D(2023, 9, 2)) == dalate.reg
    m2 = cat.memo_create(
        actor=None, from_department=dalate.reg, items=[item], title="二", **full_memo_content()
    )
    cat.memo_sign(actor=None, memo=m2, signed_on=D(2023, 9, 10))
    assert item_handler(item=item, on_date=D(2023, 9, 9)) == dalate.reg
    assert item_handler(item=item, on_date=D(2023, 9, 10)) == dalate.bureau


def test_related_items_move_with_their_main_item(world):
    reg = world.depts["reg_a"]
    main = make_item(world.city, reg, name="食品生产许可")
    rel1 = make_item(world.city, reg, name="食品生产许可变更", main_item=main)
    rel2 = make_item(world.city, reg, name="食品生产许可延续", main_item=main)
    rel3 = make_item(world.city, reg, name="食品生产许可注销", main_item=main)
    rec = cat.transfer_record(
        actor=None,
        item=main,
        status=TransferStatus.TRANSFERRED,
        effective_on=D(2023, 4, 1),
        exclude_related=[rel3.pk],
    )
    for rel in (rel1, rel2):
        rel.refresh_from_db()
        assert rel.transfer_status == TransferStatus.TRANSFERRED
        moved = TransferRecord.objects.get(item=rel)
        assert moved.via_main_id == rec.pk and moved.effective_on == D(2023, 4, 1)
        assert item_handler(item=rel, on_date=D(2023, 4, 1)) == world.depts["bureau"]
    rel3.refresh_from_db()
    assert rel3.transfer_status == TransferStatus.UNDECIDED
    assert item_handler(item=rel3, on_date=D(2023, 4, 1)) == reg
    # independent oracle: a plain count of the history rows
    assert TransferRecord.objects.filter(via_main=rec).count() == 2


def test_memo_brings_related_items_and_they_move_on_signing(dalate):
    main = make_item(dalate.j, dalate.reg, name="林草种子生产经营许可证核发")
    rel = make_item(dalate.j, dalate.reg, name="林草种子生产经营许可证变更", main_item=main)
    memo = cat.memo_create(
        actor=None, from_department=dalate.reg, items=[main], title="种子", **full_memo_content()
    )
    assert set(memo.memo_items.values_list("item_id", flat=True)) == {main.pk, rel.pk}
    cat.memo_sign(actor=None, memo=memo, signed_on=D(2023, 5, 8))
    assert item_handler(item=rel, on_date=D(2023, 5, 7)) == dalate.reg
    assert item_handler(item=rel, on_date=D(2023, 5, 8)) == dalate.bureau
    rel_rec = TransferRecord.objects.get(item=rel)
    assert rel_rec.via_main.item_id == main.pk and rel_rec.memo_id == memo.pk


def _sup(j, code, name, reg):
    return cat.supervision_item_create(
        actor=None, jurisdiction=j, code=code, name=name, regulator=reg
    )


def test_linkage_routes_follow_the_live_list(world):
    reg_a, reg_b = world.depts["reg_a"], world.depts["reg_b"]
    item = make_item(world.city, reg_a, name="食品经营许可")
    rel = make_item(world.city, reg_a, name="食品经营许可变更", main_item=item)
    other = make_item(world.city, reg_b, name="燃气经营许可")
    s1 = _sup(world.city, "371500001W00", "食品经营监督检查", reg_a)
    s2 = _sup(world.city, "371500002W00", "食品安全抽检", reg_a)
    assert linkage_routes(item=item, on_date=D(2023, 1, 1)) == []
    e = cat.entry_create(
        actor=None,
        jurisdiction=world.city,
        item=item,
        regulator=reg_a,
        supervision_items=[s2, s1],
        valid_from=D(2023, 1, 1),
    )
    routes = linkage_routes(item=item, on_date=D(2023, 1, 1))
    assert [r.entry_id for r in routes] == [e.pk]
    assert routes[0].regulator == reg_a
    assert [s.code for s in routes[0].supervision_items] == ["371500002W00", "371500001W00"]
    assert routes[0].approval_department == world.depts["bureau"]
    assert linkage_routes(item=item, on_date=D(2022, 12, 31)) == []
    # a related item without entries is routed by its main item
    rel_routes = linkage_routes(item=rel, on_date=D(2023, 2, 1))
    assert rel_routes[0].via_main and rel_routes[0].regulator == reg_a
    # no entry at all: a supervision gap
    assert linkage_routes(item=other, on_date=D(2023, 2, 1)) == []
    cat.entry_retire(actor=None, entry=e, effective_on=D(2023, 6, 1), reason="调整")
    assert linkage_routes(item=item, on_date=D(2023, 5, 31))
    assert linkage_routes(item=item, on_date=D(2023, 6, 1)) == []
