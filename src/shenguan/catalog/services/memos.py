"""Handover memoranda between the bureau and the original departments (交接备忘录)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.i18n import source_choice, source_label
from shenguan.core.serialize import snapshot
from shenguan.org.models import Department
from shenguan.outbox.services import outbox_emit

from ..handling import jurisdiction_bureau
from ..models import (
    MEMO_TRANSITIONS,
    HandoverMemo,
    HandoverMemoAmendment,
    HandoverMemoItem,
    LicensingItem,
    MemoState,
    TransferRecord,
    TransferStatus,
)
from ..validators import (
    clean_checklist,
    clean_long_text,
    clean_text,
)
from .common import _dept_in, _liaison_user_ids, _require_manage, _today
from .transfers import _write_transfer

_MEMO_TEXT = {
    "number": ("备忘录编号", 100),
    "title": ("标题", 200),
    "from_signatory": ("原审批部门签字人", 50),
    "from_signatory_title": ("原审批部门签字人职务", 50),
    "to_signatory": ("承接部门签字人", 50),
    "to_signatory_title": ("承接部门签字人职务", 50),
}


_MEMO_LONG = {
    "duty_boundary": "审管职责边界",
    "feedback_arrangement": "审管信息双向反馈",
    "technical_support": "技术支持",
}


_MEMO_CONTENT = [*_MEMO_TEXT, *_MEMO_LONG, "checklist"]


def _clean_memo_fields(data: dict) -> dict:
    out = {}
    for f, (label, n) in _MEMO_TEXT.items():
        if f in data:
            out[f] = clean_text(data[f], f, label, n, required=(f == "title"))
    for f, label in _MEMO_LONG.items():
        if f in data:
            out[f] = clean_long_text(data[f], f, label)
    if "checklist" in data:
        out["checklist"] = clean_checklist(data["checklist"])
    return out


def _memo_items(
    jurisdiction_id: int,
    from_department: Department,
    items,
    include_related: bool,
    exclude_related: Iterable[int],
) -> list[LicensingItem]:
    resolved: list[LicensingItem] = []
    for it in items or []:
        if not isinstance(it, LicensingItem):
            it = LicensingItem.objects.filter(pk=it, jurisdiction_id=jurisdiction_id).first()
        if it is None or it.jurisdiction_id != jurisdiction_id:
            raise ValidationFailed("bad_item", "事项不存在或不属于本行政区划", "items")
        if not it.active:
            raise ValidationFailed("bad_item", f"事项“{it.name}”已删减", "items")
        if it.original_department_id != from_department.pk:
            raise ValidationFailed(
                "item_not_of_department",
                f"事项“{it.name}”的原审批部门不是{from_department.name}",
                "items",
            )
        if it.pk not in {r.pk for r in resolved}:
            resolved.append(it)
    if not resolved:
        raise ValidationFailed("items_required", "备忘录至少须包含一个事项", "items")
    excluded = {int(x) for x in exclude_related}
    if include_related:
        for main in list(resolved):
            for r in main.related_items.filter(active=True).order_by("id"):
                if r.pk not in excluded and r.pk not in {x.pk for x in resolved}:
                    resolved.append(r)
    return resolved


def memo_create(
    *,
    actor,
    from_department,
    items,
    title: str,
    to_department=None,
    include_related: bool = True,
    exclude_related: Iterable[int] = (),
    **content,
) -> HandoverMemo:
    """Draft a handover memorandum (起草审管衔接备忘录) for one or more items of an original
    department; related items come along unless excluded (004 三(二)1, 三(三)2)."""
    if not isinstance(from_department, Department):
        from_department = Department.objects.filter(pk=from_department).first()
    if from_department is None:
        raise ValidationFailed("required", "请选择原审批部门", "from_department")
    jid = from_department.jurisdiction_id
    _require_manage(actor, jid)
    unknown = set(content) - set(_MEMO_CONTENT)
    if unknown:
        raise ValidationFailed(
            "bad_field", f"未知字段：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    fields = _clean_memo_fields({"title": title, **content})
    to_dept = (
        _dept_in(jid, to_department, "to_department", "承接部门")
        if to_department is not None
        else jurisdiction_bureau(jid)
    )
    if to_dept is None:
        raise ValidationFailed("no_bureau", "本行政区划尚未设立行政审批局", "to_department")
    if to_dept.pk == from_department.pk:
        raise ValidationFailed("same_department", "原审批部门与承接部门不能相同", "to_department")
    with transaction.atomic():
        resolved = _memo_items(jid, from_department, items, include_related, exclude_related)
        busy = (
            HandoverMemoItem.objects.filter(item__in=resolved, memo__state=MemoState.DRAFT)
            .select_related("item")
            .first()
        )
        if busy is not None:
            raise Conflict(
                "item_in_draft_memo", f"事项“{busy.item.name}”已在另一份草稿备忘录中", "items"
            )
        memo = HandoverMemo.objects.create(
            jurisdiction_id=jid,
            from_department=from_department,
            to_department=to_dept,
            created_by_id=actor.pk
            if actor is not None and getattr(actor, "kind", "") == "user"
            else None,
            **fields,
        )
        HandoverMemoItem.objects.bulk_create(
            [HandoverMemoItem(jurisdiction_id=jid, memo=memo, item=it) for it in resolved]
        )
        audit_record(
            actor=actor,
            action="catalog.memo.create",
            obj=memo,
            after={**snapshot(memo), "item_ids": [it.pk for it in resolved]},
        )
    return memo


def memo_update(
    *,
    actor,
    memo: HandoverMemo,
    items=None,
    include_related: bool = True,
    exclude_related: Iterable[int] = (),
    **content,
) -> HandoverMemo:
    """Edit a draft memo's content or items (修改备忘录草稿); signed memos change by amendment."""
    _require_manage(actor, memo.jurisdiction_id)
    unknown = set(content) - set(_MEMO_CONTENT)
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    fields = _clean_memo_fields(content)
    with transaction.atomic():
        obj = HandoverMemo.objects.select_for_update().get(pk=memo.pk)
        if obj.state != MemoState.DRAFT:
            raise Conflict("memo_not_draft", "备忘录已签订，只能通过修订变更", "state")
        before = {
            **snapshot(obj),
            "item_ids": list(obj.memo_items.values_list("item_id", flat=True)),
        }
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.updated_at = timezone.now()
        obj.save()
        if items is not None:
            resolved = _memo_items(
                obj.jurisdiction_id, obj.from_department, items, include_related, exclude_related
            )
            obj.memo_items.all().delete()
            HandoverMemoItem.objects.bulk_create(
                [
                    HandoverMemoItem(jurisdiction_id=obj.jurisdiction_id, memo=obj, item=it)
                    for it in resolved
                ]
            )
        after = {
            **snapshot(obj),
            "item_ids": list(obj.memo_items.values_list("item_id", flat=True)),
        }
        audit_record(actor=actor, action="catalog.memo.update", obj=obj, before=before, after=after)
    return obj


def _check_memo_transition(memo: HandoverMemo, to: str) -> None:
    if to not in MEMO_TRANSITIONS.get(memo.state, frozenset()):
        raise Conflict(
            "bad_transition",
            f"备忘录当前状态为“{source_label(memo, 'state')}”，"
            f"不能变为“{source_choice(MemoState, to)}”",
            "state",
        )


def _emit_memo(event_type: str, memo: HandoverMemo, payload: dict, title: str, body: str) -> None:
    depts = [memo.from_department_id, memo.to_department_id]
    outbox_emit(
        event_type=event_type,
        jurisdiction_id=memo.jurisdiction_id,
        payload={
            "memo_id": memo.pk,
            "number": memo.number,
            "title": memo.title,
            "from_department_id": memo.from_department_id,
            "to_department_id": memo.to_department_id,
            **payload,
        },
        department_ids=depts,
        aggregate=memo,
        notify_user_ids=_liaison_user_ids(depts),
        notify={"title": title, "body": body, "link": f"/catalog/memos/{memo.pk}/"},
    )


def memo_sign(
    *,
    actor,
    memo: HandoverMemo,
    signed_on: dt.date,
    from_signatory: str | None = None,
    from_signatory_title: str | None = None,
    to_signatory: str | None = None,
    to_signatory_title: str | None = None,
) -> HandoverMemo:
    """Record the signing of a memo (签订审管衔接备忘录): from the signing date the bureau handles
    its items (004 三(三)2); both departments are notified."""
    _require_manage(actor, memo.jurisdiction_id)
    if signed_on is None:
        raise ValidationFailed("required", "请填写签订日期", "signed_on")
    if signed_on > _today():
        raise ValidationFailed(
            "future_signing", "签订日期不能晚于今天（签订后再登记）", "signed_on"
        )
    sig = _clean_memo_fields(
        {
            k: v
            for k, v in {
                "from_signatory": from_signatory,
                "from_signatory_title": from_signatory_title,
                "to_signatory": to_signatory,
                "to_signatory_title": to_signatory_title,
            }.items()
            if v is not None
        }
    )
    with transaction.atomic():
        obj = (
            HandoverMemo.objects.select_for_update(of=("self",))
            .select_related("from_department", "to_department")
            .get(pk=memo.pk)
        )
        _check_memo_transition(obj, MemoState.SIGNED)
        before = snapshot(obj)
        for k, v in sig.items():
            setattr(obj, k, v)
        if not obj.from_signatory or not obj.to_signatory:
            raise ValidationFailed("signatories_required", "请填写双方签字人", "from_signatory")
        if not obj.checklist:
            raise ValidationFailed("checklist_required", "请填写交接清单", "checklist")
        if not obj.duty_boundary:
            raise ValidationFailed("duty_boundary_required", "请填写审管职责边界", "duty_boundary")
        lines = list(obj.memo_items.select_related("item").order_by("id"))
        for line in lines:
            if not line.item.active:
                raise Conflict("item_removed", f"事项“{line.item.name}”已删减，不能签订", "items")
        obj.state = MemoState.SIGNED
        obj.signed_on = signed_on
        obj.signed_at = timezone.now()
        obj.updated_at = obj.signed_at
        obj.save()
        HandoverMemoItem.objects.filter(memo=obj).update(covered_from=signed_on)
        records: dict[int, TransferRecord] = {}
        in_memo = {line.item_id for line in lines}
        for line in sorted(lines, key=lambda x: (x.item.main_item_id is not None, x.id)):
            it = line.item
            via = records.get(it.main_item_id) if it.main_item_id in in_memo else None
            records[it.pk] = _write_transfer(
                actor=actor,
                item=it,
                status=TransferStatus.TRANSFERRED,
                effective_on=signed_on,
                receiving_department=obj.to_department,
                memo=obj,
                via_main=via,
                note=f"依据备忘录{obj.number or obj.title}签订",
            )
        _emit_memo(
            "catalog.memo.signed",
            obj,
            {"signed_on": signed_on, "item_ids": sorted(in_memo)},
            "审管衔接备忘录已签订",
            f"《{obj.title}》于{signed_on.isoformat()}签订，所涉{len(lines)}项事项自当日起由"
            f"{obj.to_department.name}办理。",
        )
        audit_record(
            actor=actor,
            action="catalog.memo.sign",
            obj=obj,
            before=before,
            after={**snapshot(obj), "item_ids": sorted(in_memo)},
        )
    return obj


def memo_amend(
    *,
    actor,
    memo: HandoverMemo,
    signed_on: dt.date,
    reason: str,
    add_items=(),
    include_related: bool = True,
    exclude_related: Iterable[int] = (),
    **changes,
) -> HandoverMemoAmendment:
    """Amend a signed memo (修订备忘录): the text before is kept; items added are handled by the
    bureau from the amendment's signing date."""
    _require_manage(actor, memo.jurisdiction_id)
    reason = clean_text(reason, "reason", "修订原因", 500, required=True)
    unknown = set(changes) - set(_MEMO_CONTENT)
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    fields = _clean_memo_fields(changes)
    if signed_on is None:
        raise ValidationFailed("required", "请填写修订签订日期", "signed_on")
    if signed_on > _today():
        raise ValidationFailed("future_signing", "修订签订日期不能晚于今天", "signed_on")
    with transaction.atomic():
        obj = (
            HandoverMemo.objects.select_for_update(of=("self",))
            .select_related("from_department", "to_department")
            .get(pk=memo.pk)
        )
        _check_memo_transition(obj, MemoState.AMENDED)
        if signed_on < obj.signed_on:
            raise ValidationFailed(
                "amend_before_signing", "修订日期不得早于备忘录签订日期", "signed_on"
            )
        existing = set(obj.memo_items.values_list("item_id", flat=True))
        new_items = []
        if add_items:
            new_items = [
                it
                for it in _memo_items(
                    obj.jurisdiction_id,
                    obj.from_department,
                    add_items,
                    include_related,
                    exclude_related,
                )
                if it.pk not in existing
            ]
        if not fields and not new_items:
            raise ValidationFailed("nothing_changed", "修订未作任何变更", None)
        content_before = {k: getattr(obj, k) for k in _MEMO_CONTENT}
        content_before["item_ids"] = sorted(existing)
        for k, v in fields.items():
            setattr(obj, k, v)
        content_after = {k: getattr(obj, k) for k in _MEMO_CONTENT}
        content_after["item_ids"] = sorted(existing | {it.pk for it in new_items})
        number = (obj.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
        amendment = HandoverMemoAmendment.objects.create(
            jurisdiction_id=obj.jurisdiction_id,
            memo=obj,
            number=number,
            signed_on=signed_on,
            reason=reason,
            before=content_before,
            after=content_after,
            created_by_id=actor.pk
            if actor is not None and getattr(actor, "kind", "") == "user"
            else None,
        )
        obj.state = MemoState.AMENDED
        obj.updated_at = timezone.now()
        obj.save()
        records: dict[int, TransferRecord] = {}
        for it in sorted(new_items, key=lambda x: (x.main_item_id is not None, x.pk)):
            HandoverMemoItem.objects.create(
                jurisdiction_id=obj.jurisdiction_id,
                memo=obj,
                item=it,
                covered_from=signed_on,
                added_by_amendment=amendment,
            )
            records[it.pk] = _write_transfer(
                actor=actor,
                item=it,
                status=TransferStatus.TRANSFERRED,
                effective_on=signed_on,
                receiving_department=obj.to_department,
                memo=obj,
                via_main=records.get(it.main_item_id),
                note=f"依据备忘录{obj.number or obj.title}第{number}次修订",
            )
        _emit_memo(
            "catalog.memo.amended",
            obj,
            {
                "amendment": number,
                "signed_on": signed_on,
                "reason": reason,
                "added_item_ids": [it.pk for it in new_items],
            },
            "审管衔接备忘录已修订",
            f"《{obj.title}》第{number}次修订：{reason}",
        )
        audit_record(
            actor=actor,
            action="catalog.memo.amend",
            obj=obj,
            before=content_before,
            after={**content_after, "amendment": number},
        )
    return amendment
