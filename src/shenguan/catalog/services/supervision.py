"""Supervision items (监管事项)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.org.models import Jurisdiction

from ..models import (
    SupervisionItem,
)
from ..validators import (
    clean_supervision_code,
    clean_text,
)
from .common import _dept_in, _division_of, _require_manage


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
