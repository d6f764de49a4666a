"""The warning library (警示信息库, 003 四(三)): entries from revocations, effective penalties,
broken commitments, fraud found in applications and imported lists; consulted at acceptance and
removed only by credit repair (信用修复) with a recorded decision."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.roles import Perm

from ..models import WarningEntry, WarningReason
from .common import actor_name, clean_subject_code, require

DEFAULT_YEARS = 3  # publication period of dishonesty information, unless a decision says more


def _text(value, field: str, label: str, max_len: int, *, required=True) -> str:
    t = " ".join(str(value or "").split())
    if required and not t:
        raise ValidationFailed("required", f"请填写{label}", field)
    if len(t) > max_len:
        raise ValidationFailed("too_long", f"{label}不得超过{max_len}字", field)
    return t


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def warning_add_system(
    *,
    jurisdiction_id: int,
    code: str,
    subject_name: str,
    subject_kind: str,
    reason_kind: str,
    reason: str,
    source_type: str,
    source_id: int,
    measures: str = "",
    valid_from: dt.date | None = None,
    actor=None,
) -> WarningEntry | None:
    """An entry made by the platform itself from a source record (idempotent per source and
    code); None when the subject has no code (never matched by name)."""
    if not code:
        return None
    valid_from = valid_from or timezone.localdate()
    existing = WarningEntry.objects.filter(
        reason_kind=reason_kind, source_type=source_type, source_id=source_id, code=code
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            w = WarningEntry.objects.create(
                jurisdiction_id=jurisdiction_id,
                subject_kind=subject_kind,
                subject_name=subject_name[:200],
                code=code,
                reason_kind=reason_kind,
                reason=reason[:1000],
                source_type=source_type,
                source_id=source_id,
                measures=measures[:1000],
                valid_from=valid_from,
                valid_until=_add_years(valid_from, DEFAULT_YEARS),
                created_by_name=actor_name(actor),
            )
    except IntegrityError:
        return WarningEntry.objects.filter(
            reason_kind=reason_kind, source_type=source_type, source_id=source_id, code=code
        ).first()
    audit_record(
        actor=actor,
        action="credit.warning_add",
        obj=w,
        after={"code": code, "reason_kind": reason_kind, "source": f"{source_type}:{source_id}"},
    )
    return w


def warning_create(
    *,
    actor,
    jurisdiction_id: int,
    code: str,
    subject_name: str,
    reason_kind: str,
    reason: str,
    measures: str = "",
    valid_from=None,
    valid_until=None,
) -> WarningEntry:
    """A credit manager records an entry by hand (e.g. fraud found in an application)."""
    require(actor, Perm.CREDIT_MANAGE, "无权登记警示信息")
    if actor is not None and jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise ValidationFailed("bad_jurisdiction", "行政区划不存在或无权操作", "jurisdiction_id")
    code, kind = clean_subject_code(code)
    if reason_kind not in WarningReason.values:
        raise ValidationFailed("bad_reason_kind", "警示信息来源无效", "reason_kind")
    subject_name = _text(subject_name, "subject_name", "主体名称", 200)
    reason = _text(reason, "reason", "事由", 1000)
    measures = _text(measures, "measures", "措施", 1000, required=False)
    valid_from = valid_from or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed("bad_validity", "有效期至不能早于有效期自", "valid_until")
    with transaction.atomic():
        w = WarningEntry.objects.create(
            jurisdiction_id=jurisdiction_id,
            subject_kind=kind,
            subject_name=subject_name,
            code=code,
            reason_kind=reason_kind,
            reason=reason,
            measures=measures,
            valid_from=valid_from,
            valid_until=valid_until or _add_years(valid_from, DEFAULT_YEARS),
            created_by_name=actor_name(actor),
        )
        audit_record(
            actor=actor,
            action="credit.warning_add",
            obj=w,
            after={"code": code, "reason_kind": reason_kind, "reason": reason},
        )
    return w


def warning_repair(*, actor, entry: WarningEntry, decision: str, reason: str) -> WarningEntry:
    """Remove an entry by credit repair (信用修复) with the decision recorded; audited."""
    require(actor, Perm.CREDIT_MANAGE, "无权办理信用修复")
    decision = _text(decision, "decision", "信用修复决定文书", 300)
    reason = _text(reason, "reason", "信用修复说明", 1000)
    with transaction.atomic():
        w = WarningEntry.objects.select_for_update().get(pk=entry.pk)
        if w.removed_at is not None:
            raise Conflict("already_repaired", "该警示信息已信用修复移出", "entry")
        w.removed_at = timezone.now()
        w.removal_decision = decision
        w.removal_reason = reason
        w.removed_by_name = actor_name(actor)
        w.save(
            update_fields=["removed_at", "removal_decision", "removal_reason", "removed_by_name"]
        )
        audit_record(
            actor=actor,
            action="credit.warning_repair",
            obj=w,
            after={"decision": decision, "reason": reason},
        )
    return w
