"""Suspensions of the approval time limit (时限中止)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import (
    ApprovalRecord,
    CaseSuspension,
    RecordState,
    SuspensionKind,
)
from .common import _require, _require_department, actor_name


def _suspension_audit(s: CaseSuspension) -> dict:
    return {
        "record_id": s.record_id,
        "kind": s.kind,
        "started_on": s.started_on,
        "ended_on": s.ended_on,
        "reason": s.reason,
        "source": s.source,
    }


def suspension_start(
    *,
    actor,
    record: ApprovalRecord,
    kind: str,
    started_on: dt.date,
    reason: str,
    source: str = "",
    ended_on: dt.date | None = None,
) -> CaseSuspension:
    """Stop a case's approval clock for a hearing, expert review, inspection, testing …
    (中止计算审批时限, 行政许可法第四十五条); `ended_on` records a finished period at once."""
    _require(actor, Perm.APPROVAL_RECORD, "无权登记审批时限中止")
    _require_department(actor, record.department_id, "只能登记本部门办件的时限中止")
    kind = v.clean_choice(kind, SuspensionKind, "kind", "中止类型")
    started_on = v.clean_date(started_on, "started_on", "开始日期", required=True)
    ended_on = v.clean_date(ended_on, "ended_on", "结束日期")
    reason = v.clean_text(reason, "reason", "事由", 500, required=True)
    source = v.clean_text(source, "source", "来源", 64)
    with transaction.atomic():
        r = ApprovalRecord.objects.select_for_update().get(pk=record.pk)
        if r.state != RecordState.DRAFT:
            raise Conflict("record_completed", "办件已办结，不能再中止审批时限", "state")
        if started_on < r.accepted_on:
            raise ValidationFailed("before_acceptance", "开始日期不能早于受理日期", "started_on")
        if ended_on is not None and ended_on < started_on:
            raise ValidationFailed("bad_period", "结束日期不能早于开始日期", "ended_on")
        s = CaseSuspension.objects.create(
            jurisdiction_id=r.jurisdiction_id,
            record=r,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            reason=reason,
            source=source,
            created_by_name=actor_name(actor),
            ended_by_name=actor_name(actor) if ended_on else "",
        )
        outbox_emit(
            event_type="approval.suspended",
            jurisdiction_id=r.jurisdiction_id,
            payload={"id": s.pk, **_suspension_audit(s)},
            department_ids=[r.department_id],
            aggregate=r,
        )
        audit_record(actor=actor, action="approval.suspend", obj=s, after=_suspension_audit(s))
    return s


def suspension_end(*, actor, suspension: CaseSuspension, ended_on: dt.date) -> CaseSuspension:
    """Restart a case's approval clock at the end of a suspension (恢复计算审批时限)."""
    _require(actor, Perm.APPROVAL_RECORD, "无权登记审批时限恢复")
    ended_on = v.clean_date(ended_on, "ended_on", "结束日期", required=True)
    with transaction.atomic():
        s = (
            CaseSuspension.objects.select_for_update()
            .select_related("record")
            .get(pk=suspension.pk)
        )
        _require_department(actor, s.record.department_id, "只能登记本部门办件的时限恢复")
        if s.ended_on is not None:
            raise Conflict("suspension_ended", "该时限中止已结束", "ended_on")
        if ended_on < s.started_on:
            raise ValidationFailed("bad_period", "结束日期不能早于开始日期", "ended_on")
        before = _suspension_audit(s)
        s.ended_on = ended_on
        s.ended_by_name = actor_name(actor)
        s.save(update_fields=["ended_on", "ended_by_name"])
        outbox_emit(
            event_type="approval.resumed",
            jurisdiction_id=s.jurisdiction_id,
            payload={"id": s.pk, **_suspension_audit(s)},
            department_ids=[s.record.department_id],
            aggregate=s.record,
        )
        audit_record(
            actor=actor, action="approval.resume", obj=s, before=before, after=_suspension_audit(s)
        )
    return s
