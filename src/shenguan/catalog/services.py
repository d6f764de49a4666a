"""Writes to the catalogue: items, transfers, memos, supervision items, linkage entries, versions
and change notices (事项清单维护). Every service validates, writes, audits and notifies in one
transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice, source_label
from shenguan.core.serialize import snapshot
from shenguan.core.text import normalize_text
from shenguan.org.models import Department, Division, Jurisdiction, LiaisonAssignment
from shenguan.org.roles import DepartmentKind, Perm
from shenguan.org.validators import clean_phone
from shenguan.outbox.services import outbox_emit

from .handling import jurisdiction_bureau, live_entries_q
from .models import (
    MEMO_TRANSITIONS,
    ChangeKind,
    ChangeNotice,
    ChangeNoticeRecipient,
    DepartmentAlias,
    HandoverMemo,
    HandoverMemoAmendment,
    HandoverMemoItem,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    LinkageListVersion,
    LinkageVersionEntry,
    MemoState,
    PowerType,
    PushMethod,
    SupervisionItem,
    TransferRecord,
    TransferStatus,
)
from .validators import (
    clean_checklist,
    clean_days,
    clean_item_code,
    clean_long_text,
    clean_supervision_code,
    clean_text,
    parse_stages,
)

# --- common helpers ----------------------------------------------------------------------------


def _require_manage(actor, jurisdiction_id: int) -> None:
    """Refuse unless the actor manages the catalogue of this jurisdiction (the bureau)."""
    if actor is None:  # the system itself (demo loader, migrations)
        return
    if not actor.can(Perm.CATALOG_MANAGE):
        raise PermissionDenied("forbidden", "无权维护事项清单（仅行政审批局清单管理人员）")
    if actor.jurisdiction_id != jurisdiction_id:
        raise PermissionDenied("forbidden_jurisdiction", "无权维护其他行政区划的事项清单")


def _today() -> dt.date:
    return timezone.localdate()


def _dept_in(jurisdiction_id: int, dept, field: str, label: str) -> Department:
    if dept is None:
        raise ValidationFailed("required", f"请选择{label}", field)
    if not isinstance(dept, Department):
        dept = Department.objects.filter(pk=dept).first()
    if dept is None or dept.jurisdiction_id != jurisdiction_id:
        raise ValidationFailed("bad_department", f"{label}不属于本行政区划", field)
    if not dept.active:
        raise ValidationFailed("inactive_department", f"{label}已停用", field)
    return dept


def _division_of(dept: Department, division, field: str, label: str) -> Division | None:
    if division in (None, ""):
        return None
    if not isinstance(division, Division):
        division = Division.objects.filter(pk=division).first()
    if division is None or division.department_id != dept.pk:
        raise ValidationFailed("bad_division", f"{label}不属于{dept.name}", field)
    return division


def _liaison_user_ids(department_ids: Iterable[int]) -> list[int]:
    """Accounts of the current liaison persons and leaders of the departments (notification)."""
    today = _today()
    return sorted(
        set(
            LiaisonAssignment.objects.filter(
                department_id__in=list(department_ids), user__isnull=False, valid_from__lte=today
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
            .values_list("user_id", flat=True)
        )
    )


def _sender_department_id(actor, jurisdiction_id: int) -> int:
    if actor is not None and actor.department_id:
        return actor.department_id
    bureau = jurisdiction_bureau(jurisdiction_id)
    if bureau is None:
        raise ValidationFailed("no_bureau", "本行政区划尚未设立行政审批局", "jurisdiction")
    return bureau.pk


def _regulator_ids(dept_ids: Iterable[int | None]) -> list[int]:
    """Of the given departments, the ones that are not approval bureaux."""
    ids = {d for d in dept_ids if d}
    if not ids:
        return []
    return sorted(
        Department.objects.filter(pk__in=ids)
        .exclude(kind=DepartmentKind.BUREAU)
        .values_list("pk", flat=True)
    )


def _affected_by_item(item: LicensingItem, on_date: dt.date) -> list[int]:
    """Regulators affected by a change of an item: its original department and the regulators
    of its live linkage entries."""
    regs = (
        LinkageEntry.objects.filter(jurisdiction_id=item.jurisdiction_id, item_id=item.pk)
        .filter(live_entries_q(on_date))
        .values_list("regulator_id", flat=True)
    )
    return _regulator_ids([item.original_department_id, *regs])


def _notice(
    *,
    actor,
    jurisdiction_id: int,
    kind: str,
    summary: str,
    effective_on: dt.date,
    department_ids: Iterable[int],
    item: LicensingItem | None = None,
    entry: LinkageEntry | None = None,
) -> ChangeNotice | None:
    """Record a change notice to the given regulators and emit it (no-op without recipients)."""
    dept_ids = sorted({int(d) for d in department_ids if d})
    if not dept_ids:
        return None
    notice = ChangeNotice.objects.create(
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        item=item,
        entry=entry,
        summary=summary[:1000],
        effective_on=effective_on,
        notified_on=_today(),
        department_id=_sender_department_id(actor, jurisdiction_id),
        created_by_id=actor.pk
        if actor is not None and getattr(actor, "kind", "") == "user"
        else None,
    )
    ChangeNoticeRecipient.objects.bulk_create(
        [
            ChangeNoticeRecipient(jurisdiction_id=jurisdiction_id, notice=notice, department_id=d)
            for d in dept_ids
        ]
    )
    outbox_emit(
        event_type="catalog.change.notice",
        jurisdiction_id=jurisdiction_id,
        payload={
            "notice_id": notice.pk,
            "kind": kind,
            "summary": notice.summary,
            "effective_on": effective_on,
            "notified_on": notice.notified_on,
            "item_id": item.pk if item else None,
            "entry_id": entry.pk if entry else None,
            "department_ids": dept_ids,
        },
        department_ids=dept_ids,
        aggregate=notice,
        notify_user_ids=_liaison_user_ids(dept_ids),
        notify={
            "title": f"审批事项调整函告：{source_label(notice, 'kind')}",
            "body": f"{notice.summary}（自{effective_on.isoformat()}起生效）",
            "link": f"/catalog/notices/{notice.pk}/",
        },
    )
    return notice


# --- department aliases ----------------------------------------------------------------------


def department_alias_set(
    *, actor, jurisdiction: Jurisdiction, alias: str, department
) -> DepartmentAlias:
    """Record another name of a department used in imported lists (部门别名)."""
    _require_manage(actor, jurisdiction.pk)
    alias = clean_text(alias, "alias", "别名", 200, required=True)
    dept = _dept_in(jurisdiction.pk, department, "department", "部门")
    with transaction.atomic():
        obj, _ = DepartmentAlias.objects.update_or_create(
            jurisdiction=jurisdiction, alias=alias, defaults={"department": dept}
        )
        audit_record(actor=actor, action="catalog.alias.set", obj=obj, after=snapshot(obj))
    return obj


# --- licensing items -------------------------------------------------------------------------

_FLAGS = (
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
)
_ITEM_EDITABLE = {
    "code",
    "name",
    "power_type",
    "original_department",
    "statutory_days",
    "promised_days",
    "main_item",
    "note",
    *_FLAGS,
}


def _clean_item_fields(jurisdiction_id: int, data: dict, item: LicensingItem | None) -> dict:
    out: dict = {}
    if "code" in data:
        out["code"] = clean_item_code(data["code"])
    if "name" in data:
        out["name"] = clean_text(data["name"], "name", "事项名称", 200, required=True)
    if "power_type" in data:
        pt = data["power_type"] or PowerType.LICENSING
        if pt not in PowerType.values:
            raise ValidationFailed("bad_power_type", "权力类型无效", "power_type")
        out["power_type"] = pt
    if "original_department" in data:
        out["original_department"] = _dept_in(
            jurisdiction_id, data["original_department"], "original_department", "原审批部门"
        )
    for f, label in (("statutory_days", "法定时限"), ("promised_days", "承诺时限")):
        if f in data:
            out[f] = clean_days(data[f], f, label)
    sd = out.get("statutory_days", item.statutory_days if item else None)
    pd = out.get("promised_days", item.promised_days if item else None)
    if sd is not None and pd is not None and pd > sd:
        raise ValidationFailed(
            "promise_exceeds_statute", "承诺时限不得超过法定时限", "promised_days"
        )
    for f in _FLAGS:
        if f in data:
            out[f] = bool(data[f])
    if "note" in data:
        out["note"] = clean_text(data["note"], "note", "备注", 500)
    if "main_item" in data:
        main = data["main_item"]
        if main in (None, ""):
            out["main_item"] = None
        else:
            if not isinstance(main, LicensingItem):
                main = LicensingItem.objects.filter(pk=main).first()
            if main is None or main.jurisdiction_id != jurisdiction_id:
                raise ValidationFailed("bad_main_item", "主项不属于本行政区划", "main_item")
            if item is not None and main.pk == item.pk:
                raise ValidationFailed("bad_main_item", "事项不能作为自己的主项", "main_item")
            if main.main_item_id:
                raise ValidationFailed(
                    "bad_main_item", "主项本身是关联事项，不能再挂关联事项", "main_item"
                )
            if item is not None and item.related_items.exists():
                raise ValidationFailed(
                    "bad_main_item", "该事项已有关联事项，不能再挂到其他主项下", "main_item"
                )
            if not main.active:
                raise ValidationFailed("bad_main_item", "主项已删减", "main_item")
            out["main_item"] = main
    return out


def _check_code_free(jurisdiction_id: int, code: str, exclude_pk=None) -> None:
    if not code:
        return
    qs = LicensingItem.objects.filter(jurisdiction_id=jurisdiction_id, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict("code_taken", f"事项编码 {code} 已存在", "code")


def item_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    name: str,
    original_department,
    code: str = "",
    power_type: str = PowerType.LICENSING,
    statutory_days=None,
    promised_days=None,
    main_item=None,
    note: str = "",
    effective_on: dt.date | None = None,
    **flags,
) -> LicensingItem:
    """Add a licensing item (新增审批事项) and pre-notify its regulator (002 §20)."""
    _require_manage(actor, jurisdiction.pk)
    unknown = set(flags) - set(_FLAGS)
    if unknown:
        raise ValidationFailed(
            "bad_field", f"未知字段：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    data = {
        "code": code,
        "name": name,
        "power_type": power_type,
        "original_department": original_department,
        "statutory_days": statutory_days,
        "promised_days": promised_days,
        "main_item": main_item,
        "note": note,
        **flags,
    }
    fields = _clean_item_fields(jurisdiction.pk, data, None)
    effective_on = effective_on or _today()
    with transaction.atomic():
        _check_code_free(jurisdiction.pk, fields["code"])
        item = LicensingItem.objects.create(jurisdiction=jurisdiction, **fields)
        _notice(
            actor=actor,
            jurisdiction_id=jurisdiction.pk,
            kind=ChangeKind.ITEM_ADD,
            summary=f"新增审批事项“{item.name}”",
            effective_on=effective_on,
            department_ids=_affected_by_item(item, effective_on),
            item=item,
        )
        audit_record(actor=actor, action="catalog.item.create", obj=item, after=snapshot(item))
    return item


def item_update(
    *, actor, item: LicensingItem, effective_on: dt.date | None = None, **changes
) -> LicensingItem:
    """Change an item's data (调整审批事项) and pre-notify the affected regulators (002 §20)."""
    _require_manage(actor, item.jurisdiction_id)
    unknown = set(changes) - _ITEM_EDITABLE
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    effective_on = effective_on or _today()
    with transaction.atomic():
        obj = LicensingItem.objects.select_for_update().get(pk=item.pk)
        fields = _clean_item_fields(obj.jurisdiction_id, changes, obj)
        if "code" in fields:
            _check_code_free(obj.jurisdiction_id, fields["code"], obj.pk)
        before = snapshot(obj)
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.updated_at = timezone.now()
        obj.save()
        after = snapshot(obj)
        changed = [k for k in after if before.get(k) != after.get(k) and k != "updated_at"]
        if changed:
            labels = "、".join(
                str(LicensingItem._meta.get_field(k.removesuffix("_id")).verbose_name)
                for k in changed
            )
            affected = set(_affected_by_item(obj, effective_on))
            if before.get("original_department_id") != after.get("original_department_id"):
                affected |= set(_regulator_ids([before.get("original_department_id")]))
            _notice(
                actor=actor,
                jurisdiction_id=obj.jurisdiction_id,
                kind=ChangeKind.ITEM_CHANGE,
                summary=f"调整审批事项“{obj.name}”：{labels}",
                effective_on=effective_on,
                department_ids=affected,
                item=obj,
            )
        audit_record(actor=actor, action="catalog.item.update", obj=obj, before=before, after=after)
    return obj


def item_remove(*, actor, item: LicensingItem, effective_on: dt.date, reason: str) -> LicensingItem:
    """Remove an item from the catalogue from a date (删减审批事项): its live linkage entries end
    that day and the affected regulators are pre-notified (002 §20)."""
    _require_manage(actor, item.jurisdiction_id)
    reason = clean_text(reason, "reason", "删减原因", 500, required=True)
    if effective_on is None:
        raise ValidationFailed("required", "请填写生效日期", "effective_on")
    with transaction.atomic():
        obj = LicensingItem.objects.select_for_update().get(pk=item.pk)
        if not obj.active:
            raise Conflict("already_removed", "该事项已删减", "item")
        if obj.related_items.filter(active=True).exists():
            raise Conflict(
                "has_related_items", "该事项仍有关联事项，请先删减或改挂关联事项", "item"
            )
        before = snapshot(obj)
        affected = _affected_by_item(obj, effective_on)
        LinkageEntry.objects.filter(jurisdiction_id=obj.jurisdiction_id, item_id=obj.pk).filter(
            live_entries_q(effective_on) | Q(valid_from__gt=effective_on, valid_to__isnull=True)
        ).update(valid_to=effective_on)
        obj.active = False
        obj.removed_on = effective_on
        obj.note = (obj.note + f"；删减：{reason}").strip("；")[:500]
        obj.updated_at = timezone.now()
        obj.save()
        _notice(
            actor=actor,
            jurisdiction_id=obj.jurisdiction_id,
            kind=ChangeKind.ITEM_REMOVE,
            summary=f"删减审批事项“{obj.name}”：{reason}",
            effective_on=effective_on,
            department_ids=affected,
            item=obj,
        )
        audit_record(
            actor=actor, action="catalog.item.remove", obj=obj, before=before, after=snapshot(obj)
        )
    return obj


# --- transfer history ------------------------------------------------------------------------


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


# --- handover memoranda ----------------------------------------------------------------------

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


# --- supervision items -----------------------------------------------------------------------


def supervision_item_create(
    *, actor, jurisdiction: Jurisdiction, code: str, name: str, regulator, division=None
) -> SupervisionItem:
    """Register a supervision item (登记监管事项); its code appears once per jurisdiction."""
    _require_manage(actor, jurisdiction.pk)
    code = clean_supervision_code(code)
    name = clean_text(name, "name", "监管事项名称", 500, required=True)
    reg = _dept_in(jurisdiction.pk, regulator, "regulator", "监管部门")
    div = _division_of(reg, division, "division", "监管科室")
    with transaction.atomic():
        if SupervisionItem.objects.filter(jurisdiction=jurisdiction, code=code).exists():
            raise Conflict("code_taken", f"监管事项编码 {code} 已存在", "code")
        obj = SupervisionItem.objects.create(
            jurisdiction=jurisdiction, code=code, name=name, regulator=reg, division=div
        )
        audit_record(actor=actor, action="catalog.supervision.create", obj=obj, after=snapshot(obj))
    return obj


def supervision_item_update(
    *, actor, supervision_item: SupervisionItem, **changes
) -> SupervisionItem:
    """Edit a supervision item's name, regulator, division or active flag (修改监管事项)."""
    _require_manage(actor, supervision_item.jurisdiction_id)
    allowed = {"name", "regulator", "division", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    with transaction.atomic():
        obj = SupervisionItem.objects.select_for_update().get(pk=supervision_item.pk)
        before = snapshot(obj)
        if "name" in changes:
            obj.name = clean_text(changes["name"], "name", "监管事项名称", 500, required=True)
        if "regulator" in changes:
            obj.regulator = _dept_in(
                obj.jurisdiction_id, changes["regulator"], "regulator", "监管部门"
            )
            if (
                "division" not in changes
                and obj.division_id
                and obj.division.department_id != obj.regulator_id
            ):
                obj.division = None
        if "division" in changes:
            reg = obj.regulator
            obj.division = _division_of(reg, changes["division"], "division", "监管科室")
        if "active" in changes:
            obj.active = bool(changes["active"])
        obj.updated_at = timezone.now()
        obj.save()
        audit_record(
            actor=actor,
            action="catalog.supervision.update",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )
    return obj


# --- linkage entries -------------------------------------------------------------------------

_ENTRY_FIELDS = {
    "item",
    "approval_department",
    "approval_division",
    "regulator",
    "regulator_division",
    "supervision_items",
    "responsible_person",
    "contact_phone",
    "power_type",
    "stages",
    "approval_duties",
    "supervision_duties",
    "push_method",
    "note",
    "seq",
}


def _clean_entry(jurisdiction_id: int, data: dict, current: LinkageEntry | None) -> dict:
    """Validate entry fields; returns model fields plus 'supervision_items' (ordered list)."""
    out: dict = {}
    if "item" in data:
        item = data["item"]
        if not isinstance(item, LicensingItem):
            item = LicensingItem.objects.filter(pk=item).first()
        if item is None or item.jurisdiction_id != jurisdiction_id:
            raise ValidationFailed("bad_item", "审批事项不存在或不属于本行政区划", "item")
        if not item.active:
            raise ValidationFailed("bad_item", "审批事项已删减", "item")
        out["item"] = item
    if "approval_department" in data:
        dept = data["approval_department"]
        out["approval_department"] = (
            _dept_in(jurisdiction_id, dept, "approval_department", "行政审批部门")
            if dept not in (None, "")
            else jurisdiction_bureau(jurisdiction_id)
        )
        if out["approval_department"] is None:
            raise ValidationFailed(
                "no_bureau", "本行政区划尚未设立行政审批局", "approval_department"
            )
    if "regulator" in data:
        out["regulator"] = _dept_in(jurisdiction_id, data["regulator"], "regulator", "行业主管部门")
    adept = out.get("approval_department") or (current.approval_department if current else None)
    rdept = out.get("regulator") or (current.regulator if current else None)
    if adept is not None and rdept is not None and adept.pk == rdept.pk:
        raise ValidationFailed("same_department", "行业主管部门不能与行政审批部门相同", "regulator")
    if "approval_division" in data:
        out["approval_division"] = _division_of(
            adept, data["approval_division"], "approval_division", "审批科室"
        )
    elif (
        "approval_department" in data
        and current
        and current.approval_division_id
        and current.approval_division.department_id != adept.pk
    ):
        out["approval_division"] = None
    if "regulator_division" in data:
        out["regulator_division"] = _division_of(
            rdept, data["regulator_division"], "regulator_division", "监管科室"
        )
    elif (
        "regulator" in data
        and current
        and current.regulator_division_id
        and current.regulator_division.department_id != rdept.pk
    ):
        out["regulator_division"] = None
    if "supervision_items" in data:
        sups = []
        for s in data["supervision_items"] or []:
            if not isinstance(s, SupervisionItem):
                s = SupervisionItem.objects.filter(pk=s).first()
            if s is None or s.jurisdiction_id != jurisdiction_id:
                raise ValidationFailed(
                    "bad_supervision_item", "监管事项不存在或不属于本行政区划", "supervision_items"
                )
            if s.pk not in {x.pk for x in sups}:
                sups.append(s)
        if not sups:
            raise ValidationFailed(
                "supervision_items_required", "请至少选择一个监管事项", "supervision_items"
            )
        out["supervision_items"] = sups
    if "responsible_person" in data:
        out["responsible_person"] = clean_text(
            data["responsible_person"], "responsible_person", "责任人", 50
        )
    if "contact_phone" in data:
        out["contact_phone"] = clean_phone(data["contact_phone"], "contact_phone", required=False)
    if "power_type" in data:
        pt = data["power_type"] or PowerType.LICENSING
        if pt not in PowerType.values:
            raise ValidationFailed("bad_power_type", "权力类型无效", "power_type")
        out["power_type"] = pt
    if "stages" in data:
        out["stages"] = parse_stages(data["stages"] or [], "stages")
    for f, label in (("approval_duties", "审批职责"), ("supervision_duties", "监管职责")):
        if f in data:
            out[f] = clean_long_text(data[f], f, label)
    if "push_method" in data:
        pm = data["push_method"] or PushMethod.PLATFORM
        if pm not in PushMethod.values:
            raise ValidationFailed("bad_push_method", "信息推送方式无效", "push_method")
        out["push_method"] = pm
    if "note" in data:
        out["note"] = clean_text(data["note"], "note", "备注", 500)
    if "seq" in data and data["seq"] not in (None, ""):
        try:
            seq = int(data["seq"])
        except (TypeError, ValueError):
            seq = -1
        if seq < 0 or seq > 10_000_000:
            raise ValidationFailed("bad_seq", "序号须为非负整数", "seq")
        out["seq"] = seq
    return out


def _check_regulator_of_sups(regulator: Department, sups: list[SupervisionItem]) -> None:
    for s in sups:
        if s.regulator_id != regulator.pk:
            raise ValidationFailed(
                "supervision_regulator_mismatch",
                f"监管事项 {s.code} 属于其他监管部门，与本条行业主管部门不一致",
                "supervision_items",
            )


def _set_links(entry: LinkageEntry, sups: list[SupervisionItem]) -> None:
    LinkageEntrySupervision.objects.filter(entry=entry).delete()
    LinkageEntrySupervision.objects.bulk_create(
        [
            LinkageEntrySupervision(
                jurisdiction_id=entry.jurisdiction_id, entry=entry, supervision_item=s, position=i
            )
            for i, s in enumerate(sups, start=1)
        ]
    )


def _entry_snapshot(entry: LinkageEntry) -> dict:
    snap = snapshot(entry)
    snap["supervision_item_ids"] = list(
        entry.links.order_by("position").values_list("supervision_item_id", flat=True)
    )
    return snap


def _next_seq(jurisdiction_id: int) -> int:
    m = LinkageEntry.objects.filter(
        jurisdiction_id=jurisdiction_id, valid_to__isnull=True
    ).aggregate(m=Max("seq"))["m"]
    return (m or 0) + 1


def entry_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    item,
    regulator,
    supervision_items,
    approval_department=None,
    valid_from: dt.date | None = None,
    notify: bool = True,
    **fields,
) -> LinkageEntry:
    """Add an entry to the linkage list (新增审管联动事项) from a date; the regulator is
    pre-notified (002 §20)."""
    _require_manage(actor, jurisdiction.pk)
    unknown = set(fields) - _ENTRY_FIELDS
    if unknown:
        raise ValidationFailed(
            "bad_field", f"未知字段：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    data = _clean_entry(
        jurisdiction.pk,
        {
            "item": item,
            "regulator": regulator,
            "supervision_items": supervision_items,
            "approval_department": approval_department,
            **fields,
        },
        None,
    )
    sups = data.pop("supervision_items")
    _check_regulator_of_sups(data["regulator"], sups)
    valid_from = valid_from or _today()
    with transaction.atomic():
        data.setdefault("seq", _next_seq(jurisdiction.pk))
        entry = LinkageEntry.objects.create(
            jurisdiction=jurisdiction,
            valid_from=valid_from,
            created_by_id=actor.pk
            if actor is not None and getattr(actor, "kind", "") == "user"
            else None,
            **data,
        )
        _set_links(entry, sups)
        if notify:
            _notice(
                actor=actor,
                jurisdiction_id=jurisdiction.pk,
                kind=ChangeKind.ENTRY_ADD,
                summary=f"新增审管联动事项：“{entry.item.name}”由{entry.regulator.name}监管",
                effective_on=valid_from,
                department_ids=_regulator_ids([entry.regulator_id]),
                item=entry.item,
                entry=entry,
            )
        audit_record(
            actor=actor, action="catalog.entry.create", obj=entry, after=_entry_snapshot(entry)
        )
    return entry


def _in_published_version(entry: LinkageEntry) -> bool:
    return LinkageVersionEntry.objects.filter(entry_id=entry.pk).exists()


def entry_update(
    *,
    actor,
    entry: LinkageEntry,
    effective_on: dt.date | None = None,
    notify: bool = True,
    **changes,
) -> LinkageEntry:
    """Change a linkage entry (调整审管联动事项). An entry already published is never edited: it
    ends on `effective_on` and a new entry replacing it starts that day. Regulators are notified."""
    _require_manage(actor, entry.jurisdiction_id)
    unknown = set(changes) - _ENTRY_FIELDS
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    effective_on = effective_on or _today()
    with transaction.atomic():
        old = (
            LinkageEntry.objects.select_for_update(of=("self",))
            .select_related(
                "approval_department",
                "regulator",
                "approval_division",
                "regulator_division",
                "item",
            )
            .get(pk=entry.pk)
        )
        if old.valid_to is not None and old.valid_to <= effective_on:
            raise Conflict("entry_retired", "该联动事项已失效，不能修改", "entry")
        data = _clean_entry(old.jurisdiction_id, changes, old)
        before = _entry_snapshot(old)
        sups = data.pop("supervision_items", None)
        if sups is None:
            sups = [
                link.supervision_item
                for link in old.links.select_related("supervision_item").order_by("position")
            ]
        regulator = data.get("regulator", old.regulator)
        _check_regulator_of_sups(regulator, sups)
        if _in_published_version(old) or old.valid_from < effective_on:
            if effective_on < old.valid_from:
                raise ValidationFailed(
                    "bad_effective_on", "生效日期不得早于原条目的生效日期", "effective_on"
                )
            kept = {
                f: getattr(old, f)
                for f in (
                    "seq",
                    "item",
                    "approval_department",
                    "approval_division",
                    "regulator",
                    "regulator_division",
                    "responsible_person",
                    "contact_phone",
                    "power_type",
                    "stages",
                    "approval_duties",
                    "supervision_duties",
                    "push_method",
                    "note",
                )
            }
            kept.update(data)
            old.valid_to = effective_on
            old.save(update_fields=["valid_to"])
            new = LinkageEntry.objects.create(
                jurisdiction_id=old.jurisdiction_id,
                valid_from=effective_on,
                replaces=old,
                created_by_id=actor.pk
                if actor is not None and getattr(actor, "kind", "") == "user"
                else None,
                **kept,
            )
        else:
            new = old
            for k, v in data.items():
                setattr(new, k, v)
            new.save()
        _set_links(new, sups)
        after = _entry_snapshot(new)
        if notify:
            _notice(
                actor=actor,
                jurisdiction_id=new.jurisdiction_id,
                kind=ChangeKind.ENTRY_CHANGE,
                summary=f"调整审管联动事项：“{new.item.name}”（{new.regulator.name}）",
                effective_on=effective_on,
                department_ids=_regulator_ids([before["regulator_id"], new.regulator_id]),
                item=new.item,
                entry=new,
            )
        audit_record(
            actor=actor, action="catalog.entry.update", obj=new, before=before, after=after
        )
    return new


def entry_retire(
    *, actor, entry: LinkageEntry, effective_on: dt.date, reason: str, notify: bool = True
) -> LinkageEntry:
    """End a linkage entry from a date (删减审管联动事项); the regulator is pre-notified."""
    _require_manage(actor, entry.jurisdiction_id)
    reason = clean_text(reason, "reason", "删减原因", 500, required=True)
    if effective_on is None:
        raise ValidationFailed("required", "请填写生效日期", "effective_on")
    with transaction.atomic():
        obj = (
            LinkageEntry.objects.select_for_update(of=("self",))
            .select_related("item", "regulator")
            .get(pk=entry.pk)
        )
        if obj.valid_to is not None and obj.valid_to <= effective_on:
            raise Conflict("entry_retired", "该联动事项已失效", "entry")
        if effective_on < obj.valid_from:
            raise ValidationFailed("bad_effective_on", "失效日期不得早于生效日期", "effective_on")
        before = _entry_snapshot(obj)
        obj.valid_to = effective_on
        obj.save(update_fields=["valid_to"])
        if notify:
            _notice(
                actor=actor,
                jurisdiction_id=obj.jurisdiction_id,
                kind=ChangeKind.ENTRY_REMOVE,
                summary=f"删减审管联动事项：“{obj.item.name}”（{obj.regulator.name}）：{reason}",
                effective_on=effective_on,
                department_ids=_regulator_ids([obj.regulator_id]),
                item=obj.item,
                entry=obj,
            )
        audit_record(
            actor=actor,
            action="catalog.entry.retire",
            obj=obj,
            before=before,
            after={**_entry_snapshot(obj), "reason": reason},
        )
    return obj


def list_publish(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    published_on: dt.date | None = None,
    note: str = "",
) -> LinkageListVersion:
    """Publish the linkage list as a dated version (公布审管联动事项清单, 002 §9): it holds the
    entries live on the publication date; earlier versions stay readable."""
    _require_manage(actor, jurisdiction.pk)
    title = clean_text(title, "title", "标题", 200, required=True)
    note = clean_text(note, "note", "说明", 500)
    published_on = published_on or _today()
    with transaction.atomic():
        # lock the jurisdiction's versions by locking the jurisdiction row
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        last = (
            LinkageListVersion.objects.filter(jurisdiction=jurisdiction).order_by("-number").first()
        )
        if last is not None and published_on < last.published_on:
            raise ValidationFailed("bad_published_on", "公布日期不得早于上一版本", "published_on")
        live = LinkageEntry.objects.filter(jurisdiction=jurisdiction).filter(
            live_entries_q(published_on)
        )
        count = live.count()
        if not count:
            raise ValidationFailed("empty_list", "清单中没有生效的联动事项，无法公布", None)
        version = LinkageListVersion.objects.create(
            jurisdiction=jurisdiction,
            number=(last.number + 1) if last else 1,
            published_on=published_on,
            title=title,
            note=note,
            entry_count=count,
            published_by_id=actor.pk
            if actor is not None and getattr(actor, "kind", "") == "user"
            else None,
        )
        # one set-based INSERT … SELECT: a version may hold tens of thousands of entries
        qn = connection.ops.quote_name
        day = connection.ops.adapt_datefield_value(published_on)
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {qn(LinkageVersionEntry._meta.db_table)} "  # noqa: S608
                f"({qn('jurisdiction_id')}, {qn('version_id')}, {qn('entry_id')}) "
                f"SELECT {qn('jurisdiction_id')}, %s, {qn('id')} "
                f"FROM {qn(LinkageEntry._meta.db_table)} WHERE {qn('jurisdiction_id')} = %s "
                f"AND {qn('valid_from')} <= %s "
                f"AND ({qn('valid_to')} IS NULL OR {qn('valid_to')} > %s)",
                [version.pk, jurisdiction.pk, day, day],
            )
        regs = sorted(set(live.order_by().values_list("regulator_id", flat=True).distinct()))
        outbox_emit(
            event_type="catalog.list.published",
            jurisdiction_id=jurisdiction.pk,
            payload={
                "version_id": version.pk,
                "number": version.number,
                "published_on": published_on,
                "entry_count": count,
            },
            department_ids=regs,
            aggregate=version,
        )
        audit_record(
            actor=actor, action="catalog.list.publish", obj=version, after=snapshot(version)
        )
    return version


# --- change notices --------------------------------------------------------------------------


def change_notice_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    kind: str,
    summary: str,
    effective_on: dt.date,
    departments,
    item=None,
) -> ChangeNotice:
    """Send a pre-notification of a planned change to regulators by hand (提前函告, 002 §20)."""
    _require_manage(actor, jurisdiction.pk)
    if kind not in ChangeKind.values:
        raise ValidationFailed("bad_kind", "变更类型无效", "kind")
    summary = clean_text(summary, "summary", "变更内容", 1000, required=True)
    if effective_on is None:
        raise ValidationFailed("required", "请填写生效日期", "effective_on")
    depts = [_dept_in(jurisdiction.pk, d, "departments", "函告部门") for d in departments or []]
    if not depts:
        raise ValidationFailed("departments_required", "请选择函告的行业主管部门", "departments")
    if item is not None and not isinstance(item, LicensingItem):
        item = LicensingItem.objects.filter(pk=item, jurisdiction=jurisdiction).first()
        if item is None:
            raise ValidationFailed("bad_item", "审批事项不存在", "item")
    with transaction.atomic():
        notice = _notice(
            actor=actor,
            jurisdiction_id=jurisdiction.pk,
            kind=kind,
            summary=summary,
            effective_on=effective_on,
            department_ids=[d.pk for d in depts],
            item=item,
        )
        audit_record(
            actor=actor, action="catalog.notice.create", obj=notice, after=snapshot(notice)
        )
    return notice


def change_notice_acknowledge(*, actor, notice: ChangeNotice) -> ChangeNoticeRecipient:
    """A regulator confirms it has read a change notice (确认收到函告)."""
    if actor is None or actor.department_id is None:
        raise PermissionDenied("forbidden", "无权确认该函告")
    with transaction.atomic():
        rec = (
            ChangeNoticeRecipient.objects.select_for_update()
            .filter(notice_id=notice.pk, department_id=actor.department_id)
            .first()
        )
        if rec is None:
            raise NotFound()
        if rec.acknowledged_at is not None:
            raise Conflict("already_acknowledged", "该函告已确认", None)
        rec.acknowledged_at = timezone.now()
        rec.acknowledged_by_id = actor.pk if getattr(actor, "kind", "") == "user" else None
        rec.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            actor=actor,
            action="catalog.notice.acknowledge",
            obj=notice,
            after={"department_id": actor.department_id},
        )
    return rec


def normalize_key(value) -> str:
    """A comparison key for names typed by people: NFKC, no whitespace."""
    return normalize_text(value).replace(" ", "")
