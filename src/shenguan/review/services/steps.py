"""The technical-step table (技术性环节清单, 004 三(三)4): versions per item and step."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm

from .. import validators as v
from ..models import Performer, StepKind, TechnicalStep
from .common import actor_name, require


def _audit_view(s: TechnicalStep) -> dict:
    return {
        "item_id": s.item_id,
        "step_kind": s.step_kind,
        "performer": s.performer,
        "department_id": s.department_id,
        "procedure": s.procedure,
        "time_limit_days": s.time_limit_days,
        "basis": s.basis,
        "valid_from": s.valid_from,
        "valid_to": s.valid_to,
    }


def step_in_force(*, item_id: int, step_kind: str, on_date: dt.date) -> TechnicalStep | None:
    """The version of an item's step in force on a date, or None."""
    return (
        TechnicalStep.objects.filter(item_id=item_id, step_kind=step_kind, valid_from__lte=on_date)
        .exclude(valid_to__lte=on_date)
        .select_related("department", "item")
        .order_by("-valid_from", "-id")
        .first()
    )


def step_create(
    *,
    actor,
    item,
    step_kind: str,
    performer: str,
    department: Department | None,
    procedure: str,
    time_limit_days,
    valid_from,
    basis: str = "",
) -> TechnicalStep:
    """Add a version of an item's technical step; the version in force before it ends the day
    before it starts. A bureau step is done by the item's bureau itself; a regulator step names
    the regulator that gives written support."""
    require(actor, Perm.CATALOG_MANAGE, "无权维护技术性环节清单")
    step_kind = v.choice(step_kind, StepKind, "step_kind", "技术环节")
    performer = v.choice(performer, Performer, "performer", "实施主体")
    procedure = v.text(procedure, "procedure", "实施程序", 2000, required=True, multiline=True)
    days = v.integer(time_limit_days, "time_limit_days", "办理时限（工作日）", lo=1, hi=365)
    valid_from = v.date(valid_from, "valid_from", "生效日期", required=True)
    basis = v.text(basis, "basis", "依据", 300)
    if actor is not None and item.jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise ValidationFailed("bad_item", "审批事项不在本辖区", "item")
    if department is None:
        raise ValidationFailed("required", "请选择实施部门", "department")
    if department.jurisdiction_id != item.jurisdiction_id or not department.active:
        raise ValidationFailed("bad_department", "实施部门须为本辖区在用部门", "department")
    wanted = (
        {DepartmentKind.BUREAU}
        if performer == Performer.BUREAU
        else {DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT}
    )
    if department.kind not in wanted:
        raise ValidationFailed(
            "bad_department",
            "审批局自行办理的环节须选择审批局"
            if performer == Performer.BUREAU
            else "书面支持的环节须选择行业主管部门",
            "department",
        )
    with transaction.atomic():
        versions = list(
            TechnicalStep.objects.select_for_update()
            .filter(item_id=item.pk, step_kind=step_kind)
            .order_by("valid_from")
        )
        if any(s.valid_from >= valid_from for s in versions):
            raise Conflict("version_exists", "该环节已有同日或更晚生效的版本", "valid_from")
        for s in versions:
            if s.valid_to is None or s.valid_to > valid_from:
                before = _audit_view(s)
                s.valid_to = valid_from
                s.save(update_fields=["valid_to"])
                audit_record(
                    actor=actor,
                    action="review.step_close",
                    obj=s,
                    before=before,
                    after=_audit_view(s),
                )
        s = TechnicalStep.objects.create(
            jurisdiction_id=item.jurisdiction_id,
            item=item,
            step_kind=step_kind,
            performer=performer,
            department=department,
            procedure=procedure,
            time_limit_days=days,
            basis=basis,
            valid_from=valid_from,
            created_by_name=actor_name(actor),
        )
        audit_record(actor=actor, action="review.step_create", obj=s, after=_audit_view(s))
    return s
