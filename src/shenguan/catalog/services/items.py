"""Licensing items and department aliases (行政许可事项、部门别名)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.org.models import Jurisdiction

from ..handling import live_entries_q
from ..models import (
    ChangeKind,
    DepartmentAlias,
    LicensingItem,
    LinkageEntry,
    PowerType,
)
from ..validators import (
    clean_days,
    clean_item_code,
    clean_text,
)
from .common import _affected_by_item, _dept_in, _notice, _regulator_ids, _require_manage, _today


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
