"""The transfer history of licensing items (划转记录)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.outbox.services import outbox_emit

from ..handling import jurisdiction_bureau
from ..models import (
    ChangeKind,
    HandoverMemo,
    LicensingItem,
    TransferRecord,
    TransferStatus,
)
from ..validators import (
    clean_text,
)
from .common import _affected_by_item, _dept_in, _notice, _require_manage


def _refresh_item_status(item_id: int, jurisdiction_id: int) -> None:
    """Copy the latest transfer record (by effective date) onto the item for listing."""
    rec = (
        TransferRecord.objects.filter(jurisdiction_id=jurisdiction_id, item_id=item_id)
        .order_by("-effective_on", "-id")
        .first()
    )
    LicensingItem.objects.filter(pk=item_id).update(
        transfer_status=rec.status if rec else TransferStatus.UNDECIDED,
        transfer_effective_on=rec.effective_on if rec else None,
        current_transfer=rec,
        updated_at=timezone.now(),
    )


def _validate_transfer(
    item: LicensingItem, status: str, *, batch_name: str, planned_on, reason: str, effective_on
) -> None:
    if status not in TransferStatus.values or status == TransferStatus.UNDECIDED:
        raise ValidationFailed("bad_status", "划转状态无效", "status")
    if effective_on is None:
        raise ValidationFailed("required", "请填写生效日期", "effective_on")
    if status == TransferStatus.PLANNED and not (batch_name or planned_on):
        raise ValidationFailed("batch_required", "分批划转须填写批次或计划划转日期", "batch_name")
    if status == TransferStatus.PLANNED and planned_on and planned_on < effective_on:
        raise ValidationFailed("bad_planned_on", "计划划转日期不得早于登记生效日期", "planned_on")
    if status in (TransferStatus.RETAINED, TransferStatus.TAKEN_BACK) and not reason:
        label = "暂不划转" if status == TransferStatus.RETAINED else "收回"
        raise ValidationFailed("reason_required", f"{label}须填写原因", "reason")


def _write_transfer(
    *,
    actor,
    item: LicensingItem,
    status: str,
    effective_on: dt.date,
    receiving_department,
    batch_name: str = "",
    planned_on=None,
    reason: str = "",
    hall_window: str = "",
    note: str = "",
    memo: HandoverMemo | None = None,
    via_main: TransferRecord | None = None,
) -> TransferRecord:
    rec = TransferRecord.objects.create(
        jurisdiction_id=item.jurisdiction_id,
        item=item,
        status=status,
        effective_on=effective_on,
        receiving_department=receiving_department if status == TransferStatus.TRANSFERRED else None,
        batch_name=batch_name,
        planned_on=planned_on,
        reason=reason,
        hall_window=hall_window,
        note=note,
        memo=memo,
        via_main=via_main,
        recorded_by_id=actor.pk
        if actor is not None and getattr(actor, "kind", "") == "user"
        else None,
    )
    _refresh_item_status(item.pk, item.jurisdiction_id)
    return rec


def transfer_record(
    *,
    actor,
    item: LicensingItem,
    status: str,
    effective_on: dt.date,
    batch_name: str = "",
    planned_on: dt.date | None = None,
    reason: str = "",
    hall_window: str = "",
    note: str = "",
    receiving_department=None,
    exclude_related: Iterable[int] = (),
) -> TransferRecord:
    """Record a dated change of an item's transfer status (划转状态变更, 001 二(二), 004 三(二)1).

    A main item's related items (关联事项) move with it unless listed in `exclude_related`
    (关联事项一并划). Records are append-only; the latest by effective date is shown on the item.
    """
    _require_manage(actor, item.jurisdiction_id)
    batch_name = clean_text(batch_name, "batch_name", "批次", 100)
    reason = clean_text(reason, "reason", "原因", 500)
    hall_window = clean_text(hall_window, "hall_window", "大厅窗口", 100)
    note = clean_text(note, "note", "备注", 500)
    _validate_transfer(
        item,
        status,
        batch_name=batch_name,
        planned_on=planned_on,
        reason=reason,
        effective_on=effective_on,
    )
    excluded = {int(x) for x in exclude_related}
    receiving = None
    if status == TransferStatus.TRANSFERRED:
        receiving = (
            _dept_in(item.jurisdiction_id, receiving_department, "receiving_department", "承接部门")
            if receiving_department is not None
            else jurisdiction_bureau(item.jurisdiction_id)
        )
        if receiving is None:
            raise ValidationFailed(
                "no_bureau", "本行政区划尚未设立行政审批局", "receiving_department"
            )
    with transaction.atomic():
        obj = LicensingItem.objects.select_for_update().get(pk=item.pk)
        if not obj.active:
            raise Conflict("item_removed", "该事项已删减，不能变更划转状态", "item")
        related = list(obj.related_items.filter(active=True).order_by("id"))
        bad = excluded - {r.pk for r in related}
        if bad:
            raise ValidationFailed(
                "bad_exclude", "排除的事项不是该事项的关联事项", "exclude_related"
            )
        before_status = obj.transfer_status
        fields = dict(
            status=status,
            effective_on=effective_on,
            receiving_department=receiving,
            batch_name=batch_name,
            planned_on=planned_on,
            reason=reason,
            hall_window=hall_window,
            note=note,
        )
        rec = _write_transfer(actor=actor, item=obj, **fields)
        moved = []
        for r in related:
            if r.pk in excluded:
                continue
            _write_transfer(actor=actor, item=r, via_main=rec, **fields)
            moved.append(r.pk)
        if status in (TransferStatus.TRANSFERRED, TransferStatus.TAKEN_BACK):
            kind = (
                ChangeKind.ITEM_ADD
                if status == TransferStatus.TRANSFERRED
                else ChangeKind.ITEM_REMOVE
            )
            verb = "划转至行政审批局" if status == TransferStatus.TRANSFERRED else "收回原部门"
            extra = f"（关联事项{len(moved)}项一并办理）" if moved else ""
            _notice(
                actor=actor,
                jurisdiction_id=obj.jurisdiction_id,
                kind=kind,
                summary=f"审批事项“{obj.name}”{verb}{extra}",
                effective_on=effective_on,
                department_ids=_affected_by_item(obj, effective_on),
                item=obj,
            )
        depts = {obj.original_department_id}
        if receiving is not None:
            depts.add(receiving.pk)
        outbox_emit(
            event_type="catalog.transfer.recorded",
            jurisdiction_id=obj.jurisdiction_id,
            payload={
                "item_id": obj.pk,
                "record_id": rec.pk,
                "status": status,
                "effective_on": effective_on,
                "related_item_ids": moved,
            },
            department_ids=depts,
            aggregate=rec,
        )
        audit_record(
            actor=actor,
            action="catalog.transfer.record",
            obj=rec,
            before={"item_id": obj.pk, "status": before_status},
            after={
                **snapshot(rec),
                "related_item_ids": moved,
                "excluded_item_ids": sorted(excluded),
            },
        )
    return rec
