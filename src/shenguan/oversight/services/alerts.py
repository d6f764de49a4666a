"""Writes on alerts by people: a department's explanation (情况说明) and an oversight role's
review (核查：属实 / 予以免责 / 移交问责)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import Alert, AlertReview
from ._common import actor_name, require, require_department, require_reach


def alert_explain(*, actor, alert: Alert, text: str) -> Alert:
    """Attach the responsible department's explanation to an alert (情况说明); it may be
    rewritten until the alert is reviewed."""
    require(actor, Perm.ALERT_EXPLAIN, "无权提交情况说明（须为本部门联络员或分管领导）")
    require_department(actor, alert.department_id, "只能为本部门的预警提交情况说明")
    text = v.text(text, "explanation", "情况说明", 2000, required=True, multiline=True)
    with transaction.atomic():
        a = Alert.objects.select_for_update().get(pk=alert.pk)
        if a.review:
            raise Conflict("already_reviewed", "该预警已核查，不能再修改情况说明", "explanation")
        before = {"explanation": a.explanation}
        a.explanation = text
        a.explained_at = timezone.now()
        a.explained_by_name = actor_name(actor)
        a.save(update_fields=["explanation", "explained_at", "explained_by_name"])
        audit_record(
            actor=actor, action="alert.explain", obj=a, before=before, after={"explanation": text}
        )
        outbox_emit(
            event_type="alert.explained",
            jurisdiction_id=a.jurisdiction_id,
            payload={"alert_id": a.pk, "kind": a.kind, "level": a.level},
            department_ids=[a.department_id],
            aggregate=a,
        )
    return a


def alert_review(*, actor, alert: Alert, review: str, note: str = "") -> Alert:
    """An oversight role's conclusion on an alert (核查): verified (属实), excused (予以免责,
    with reasons) or referred for accountability (移交问责, with reasons). Once only."""
    require(actor, Perm.ALERT_REVIEW, "无权核查预警（须为纪检监察或审改办人员）")
    require_reach(actor, alert.jurisdiction_id, "无权核查该行政区划的预警")
    review = v.choice(review, AlertReview, "review", "核查结论")
    note = v.text(note, "review_note", "核查意见", 1000, multiline=True)
    if review in (AlertReview.EXCUSED, AlertReview.REFERRED) and not note:
        raise ValidationFailed("required", "予以免责或移交问责须填写核查意见", "review_note")
    with transaction.atomic():
        a = Alert.objects.select_for_update().get(pk=alert.pk)
        if a.review:
            raise Conflict("already_reviewed", "该预警已核查", "review")
        a.review = review
        a.review_note = note
        a.reviewed_at = timezone.now()
        a.reviewed_by_name = actor_name(actor)
        a.save(update_fields=["review", "review_note", "reviewed_at", "reviewed_by_name"])
        audit_record(
            actor=actor,
            action="alert.review",
            obj=a,
            before={"review": ""},
            after={"review": review, "note": note},
        )
        outbox_emit(
            event_type="alert.reviewed",
            jurisdiction_id=a.jurisdiction_id,
            payload={"alert_id": a.pk, "review": review},
            department_ids=[a.department_id],
            aggregate=a,
        )
    return a
