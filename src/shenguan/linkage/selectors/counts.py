"""The counts of a user's inboxes (待办数量)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from shenguan.org.roles import Perm

from ..models import (
    ApprovalRecord,
    Feedback,
    FeedbackState,
    Push,
    PushOpen,
    RecordState,
)
from .pushes import AUTO_CLAIMED


def inbox_counts(*, user) -> dict:
    """Live counts for the actor's home and inbox tabs (real queries, never made-up figures)."""
    now = timezone.now()
    mine = None if user.is_oversight else user.department_id
    if not (user.is_oversight or (mine and user.can(Perm.PUSH_READ))):
        opened = PushOpen.objects.none()
        received = Push.objects.none()
    else:
        opened = PushOpen.objects.filter(jurisdiction_id__in=user.visible_jurisdiction_ids)
        received = Push.objects.restrict(user)
        if mine:
            opened = opened.filter(addressee_department_id=mine)
            received = received.filter(addressee_department_id=mine)
    agg = opened.aggregate(
        to_claim=Count("push_id"),
        overdue=Count("push_id", filter=Q(claim_due_at__lte=now)),
        provisional=Count("push_id", filter=Q(push__claim_provisional=True)),
        feedback_to_claim=Count("push_id", filter=Q(kind="feedback")),
    )
    agg["auto_claimed"] = received.filter(AUTO_CLAIMED).count()
    out = {k: int(v or 0) for k, v in agg.items()}
    fb = Feedback.objects.restrict(user)
    if mine:
        out["open_disposals"] = fb.filter(
            addressee_department_id=mine,
            kind="revocation_opinion",
            disposal__isnull=True,
            state=FeedbackState.PUSHED,
        ).count()
        out["open_replies"] = fb.filter(
            addressee_department_id=mine,
            kind="correction_request",
            replied_at__isnull=True,
            state=FeedbackState.PUSHED,
        ).count()
        out["feedback_held"] = fb.filter(
            sender_department_id=mine, state=FeedbackState.HELD
        ).count()
    recs = ApprovalRecord.objects.restrict(user)
    if mine:
        recs = recs.filter(department_id=mine)
    out["drafts"] = recs.filter(state=RecordState.DRAFT).count()
    out["gaps"] = recs.filter(supervision_gap=True).count()
    return out
