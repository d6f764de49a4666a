"""Linkage list entries (审管联动事项清单条目)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.validators import clean_phone

from ..handling import jurisdiction_bureau
from ..models import (
    ChangeKind,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    LinkageVersionEntry,
    PowerType,
    PushMethod,
    SupervisionItem,
)
from ..validators import (
    clean_long_text,
    clean_text,
    parse_stages,
)
from .common import _dept_in, _division_of, _notice, _regulator_ids, _require_manage, _today

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
