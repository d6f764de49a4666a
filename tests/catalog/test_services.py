"""Catalogue services: validation, permissions, memos, notices, versions, audit and outbox."""

from __future__ import annotations

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.catalog import services as cat
from shenguan.catalog.models import (
    ChangeNotice,
    HandoverMemoAmendment,
    LinkageEntry,
    MemoState,
    TransferStatus,
)
from shenguan.catalog.selectors import item_handler
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.roles import Role
from shenguan.outbox.models import OutboxEvent

from .conftest import D, full_memo_content, make_item

pytestmark = pytest.mark.django_db


def test_item_validation(world):
    reg = world.depts["reg_a"]
    with pytest.raises(ValidationFailed) as exc:
        make_item(world.city, reg, code="坏编码!!")
    assert exc.value.field == "code"
    with pytest.raises(ValidationFailed) as exc:
        make_item(world.city, reg, statutory_days=10, promised_days=20)
    assert exc.value.code == "promise_exceeds_statute"
    make_item(world.city, reg, code="37150000TEST01")
    with pytest.raises(Conflict):
        make_item(world.city, reg, name="另一个", code="37150000TEST01")
    # a department of another jurisdiction cannot be the original department
    with pytest.raises(ValidationFailed) as exc:
        make_item(world.city, world.county_depts["reg_a"])
    assert exc.value.field == "original_department"
    # full-width code is stored half-width
    assert make_item(world.city, reg, name="丙", code="３７１５ＡＢ").code == "3715AB"


def test_only_the_bureau_of_the_jurisdiction_writes(world):
    reg_user = world.users[Role.REGULATOR_LIAISON]
    county_head = world.county_users[Role.BUREAU_HEAD]
    approver = world.users[Role.APPROVER]  # bureau, but without catalog.manage
    for actor in (reg_user, county_head, approver):
        with pytest.raises(PermissionDenied):
            cat.item_create(
                actor=actor,
                jurisdiction=world.city,
                name="甲",
                original_department=world.depts["reg_a"],
            )
    item = cat.item_create(
        actor=world.users[Role.BUREAU_LIAISON],
        jurisdiction=world.city,
        name="甲",
        original_department=world.depts["reg_a"],
    )
    assert AuditEvent.objects.filter(action="catalog.item.create", object_id=str(item.pk)).exists()


def test_changes_are_pre_notified_with_their_effective_date(world):
    reg_a, reg_b = world.depts["reg_a"], world.depts["reg_b"]
    item = make_item(world.city, reg_a, name="食品经营许可", effective_on=D(2024, 1, 1))
    notice = ChangeNotice.objects.get(item=item, kind="item_add")
    assert notice.effective_on == D(2024, 1, 1)
    assert list(notice.recipients.values_list("department_id", flat=True)) == [reg_a.pk]
    sup = cat.supervision_item_create(
        actor=None, jurisdiction=world.city, code="371500001W00", name="检查", regulator=reg_b
    )
    cat.entry_create(
        actor=None,
        jurisdiction=world.city,
        item=item,
        regulator=reg_b,
        supervision_items=[sup],
        valid_from=D(2024, 1, 1),
    )
    cat.item_update(actor=None, item=item, effective_on=D(2024, 3, 1), promised_days=5)
    change = ChangeNotice.objects.get(item=item, kind="item_change")
    assert change.effective_on == D(2024, 3, 1) and "承诺时限" in change.summary
    assert set(change.recipients.values_list("department_id", flat=True)) == {reg_a.pk, reg_b.pk}
    ev = OutboxEvent.objects.filter(event_type="catalog.change.notice").order_by("-id").first()
    assert set(ev.department_ids) == {reg_a.pk, reg_b.pk}
    assert ev.payload["effective_on"] == "2024-03-01"


def test_memo_lifecycle_signing_notifies_both_departments(dalate):
    item = make_item(dalate.j, dalate.reg)
    memo = cat.memo_create(
        actor=dalate.head, from_department=dalate.reg, items=[item], title="备忘录"
    )
    with pytest.raises(ValidationFailed) as exc:  # nothing to sign yet
        cat.memo_sign(actor=dalate.head, memo=memo, signed_on=D(2023, 3, 1))
    assert exc.value.code == "signatories_required"
    cat.memo_update(actor=dalate.head, memo=memo, **full_memo_content())
    cat.memo_sign(actor=dalate.head, memo=memo, signed_on=D(2023, 3, 1))
    memo.refresh_from_db()
    assert memo.state == MemoState.SIGNED and memo.signed_on == D(2023, 3, 1)
    ev = OutboxEvent.objects.get(event_type="catalog.memo.signed")
    assert set(ev.department_ids) == {dalate.reg.pk, dalate.bureau.pk}
    assert ev.payload["item_ids"] == [item.pk]
    assert AuditEvent.objects.filter(action="catalog.memo.sign").count() == 1
    with pytest.raises(Conflict):
        cat.memo_sign(actor=dalate.head, memo=memo, signed_on=D(2023, 3, 2))
    with pytest.raises(Conflict):
        cat.memo_update(actor=dalate.head, memo=memo, title="改")
    # a regulator cannot sign or amend
    with pytest.raises(PermissionDenied):
        cat.memo_amend(
            actor=dalate.reg_liaison,
            memo=memo,
            signed_on=D(2023, 4, 1),
            reason="x",
            duty_boundary="新",
        )


def test_amendment_keeps_the_signed_text_and_adds_items_from_its_date(dalate):
    first = make_item(dalate.j, dalate.reg, name="林草种子生产经营许可证核发")
    later = make_item(dalate.j, dalate.reg, name="草种进出口审批")
    memo = cat.memo_create(
        actor=None, from_department=dalate.reg, items=[first], title="备忘录", **full_memo_content()
    )
    cat.memo_sign(actor=None, memo=memo, signed_on=D(2023, 3, 1))
    original = memo.duty_boundary if memo.duty_boundary else full_memo_content()["duty_boundary"]
    amd = cat.memo_amend(
        actor=dalate.head,
        memo=memo,
        signed_on=D(2023, 6, 1),
        reason="增加草种进出口审批",
        add_items=[later],
        duty_boundary="边界调整后的文本",
    )
    assert amd.number == 1 and amd.before["duty_boundary"] == original
    assert amd.after["duty_boundary"] == "边界调整后的文本"
    memo.refresh_from_db()
    assert memo.state == MemoState.AMENDED
    assert item_handler(item=later, on_date=D(2023, 5, 31)) == dalate.reg
    assert item_handler(item=later, on_date=D(2023, 6, 1)) == dalate.bureau
    assert item_handler(item=first, on_date=D(2023, 3, 1)) == dalate.bureau
    with pytest.raises(ValidationFailed):
        cat.memo_amend(
            actor=None, memo=memo, signed_on=D(2023, 2, 1), reason="早于签订", duty_boundary="x"
        )
    assert HandoverMemoAmendment.objects.count() == 1


def test_memo_items_must_belong_to_the_original_department(dalate):
    other = make_item(dalate.j, dalate.reg2, name="道路运输经营许可")
    with pytest.raises(ValidationFailed) as exc:
        cat.memo_create(actor=None, from_department=dalate.reg, items=[other], title="x")
    assert exc.value.code == "item_not_of_department"
    with pytest.raises(ValidationFailed):
        cat.memo_create(actor=None, from_department=dalate.reg, items=[], title="x")


def test_transfer_status_rules(world):
    item = make_item(world.city, world.depts["reg_a"])
    with pytest.raises(ValidationFailed) as exc:
        cat.transfer_record(actor=None, item=item, status="planned", effective_on=D(2023, 1, 1))
    assert exc.value.field == "batch_name"
    with pytest.raises(ValidationFailed) as exc:
        cat.transfer_record(actor=None, item=item, status="retained", effective_on=D(2023, 1, 1))
    assert exc.value.field == "reason"
    rec = cat.transfer_record(
        actor=None,
        item=item,
        status="planned",
        effective_on=D(2023, 1, 1),
        batch_name="机构改革后划转",
        planned_on=D(2023, 6, 1),
    )
    item.refresh_from_db()
    assert item.transfer_status == TransferStatus.PLANNED and item.current_transfer_id == rec.pk
    cat.item_remove(actor=None, item=item, effective_on=D(2023, 2, 1), reason="取消")
    with pytest.raises(Conflict):
        cat.transfer_record(actor=None, item=item, status="transferred", effective_on=D(2023, 3, 1))


def test_published_entries_are_replaced_not_edited(world):
    reg = world.depts["reg_a"]
    item = make_item(world.city, reg)
    sup = cat.supervision_item_create(
        actor=None, jurisdiction=world.city, code="371500001W00", name="检查", regulator=reg
    )
    e = cat.entry_create(
        actor=None,
        jurisdiction=world.city,
        item=item,
        regulator=reg,
        supervision_items=[sup],
        valid_from=D(2023, 1, 1),
    )
    # not published yet, effective the same day: edited in place
    same = cat.entry_update(actor=None, entry=e, effective_on=D(2023, 1, 1), note="初稿修改")
    assert same.pk == e.pk
    with pytest.raises(ValidationFailed):
        cat.list_publish(
            actor=None, jurisdiction=world.city, title="清单", published_on=D(2022, 12, 31)
        )
    v1 = cat.list_publish(
        actor=None, jurisdiction=world.city, title="清单", published_on=D(2023, 1, 1)
    )
    new = cat.entry_update(
        actor=None,
        entry=e,
        effective_on=D(2023, 2, 1),
        responsible_person="王五",
        contact_phone="13800000000",
    )
    assert new.pk != e.pk and new.replaces_id == e.pk
    e.refresh_from_db()
    assert e.valid_to == D(2023, 2, 1) and e.note == "初稿修改"
    assert list(new.links.values_list("supervision_item_id", flat=True)) == [sup.pk]
    with pytest.raises(ValidationFailed):
        cat.list_publish(
            actor=None, jurisdiction=world.city, title="清单", published_on=D(2022, 6, 1)
        )
    v2 = cat.list_publish(
        actor=None, jurisdiction=world.city, title="清单", published_on=D(2023, 2, 1)
    )
    assert list(v1.entries.values_list("pk", flat=True)) == [e.pk]
    assert list(v2.entries.values_list("pk", flat=True)) == [new.pk]
    with pytest.raises(ValidationFailed) as exc:
        cat.entry_update(actor=None, entry=new, contact_phone="12345")
    assert exc.value.field == "contact_phone"


def test_entry_supervision_items_must_belong_to_the_regulator(world):
    item = make_item(world.city, world.depts["reg_a"])
    other = cat.supervision_item_create(
        actor=None,
        jurisdiction=world.city,
        code="371500002W00",
        name="住建检查",
        regulator=world.depts["reg_b"],
    )
    with pytest.raises(ValidationFailed) as exc:
        cat.entry_create(
            actor=None,
            jurisdiction=world.city,
            item=item,
            regulator=world.depts["reg_a"],
            supervision_items=[other],
        )
    assert exc.value.code == "supervision_regulator_mismatch"
    with pytest.raises(ValidationFailed) as exc:
        cat.supervision_item_create(
            actor=None,
            jurisdiction=world.city,
            code="43026403W0Y",
            name="短码",
            regulator=world.depts["reg_a"],
        )
    assert exc.value.code == "bad_supervision_code"
    with pytest.raises(Conflict):
        cat.supervision_item_create(
            actor=None,
            jurisdiction=world.city,
            code="371500002W00",
            name="重复",
            regulator=world.depts["reg_b"],
        )
    assert LinkageEntry.objects.count() == 0
