"""Change notices and their acknowledgement (清单变更通知与确认)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.core.text import normalize_text
from shenguan.org.models import Jurisdiction

from ..models import (
    ChangeKind,
    ChangeNotice,
    ChangeNoticeRecipient,
    LicensingItem,
)
from ..validators import (
    clean_text,
)
from .common import _dept_in, _notice, _require_manage


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
