"""Reads of supervision feedback and notices (反馈、函告查询)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import (
    Feedback,
    Notice,
)
from .common import _one


def feedback_list(*, user, filters: dict | None = None) -> QuerySet[Feedback]:
    """Feedback the actor sent or received, newest first."""
    qs = Feedback.objects.restrict(user).select_related(
        "sender_department", "addressee_department", "record", "licence"
    )
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("record_id"):
        qs = qs.filter(record_id=f["record_id"])
    if f.get("addressee_id"):
        qs = qs.filter(addressee_department_id=f["addressee_id"])
    if f.get("sender_id"):
        qs = qs.filter(sender_department_id=f["sender_id"])
    if f.get("licence_id"):
        qs = qs.filter(licence_id=f["licence_id"])
    if f.get("late") is not None:
        qs = qs.filter(send_late=f["late"])
    if f.get("open_disposal"):
        qs = qs.filter(kind="revocation_opinion", disposal__isnull=True, state="pushed")
    if f.get("open_reply"):
        qs = qs.filter(kind="correction_request", replied_at__isnull=True, state="pushed")
    return qs.order_by("-id")


def feedback_get(*, user, pk) -> Feedback:
    """One feedback the actor may see, or 404."""
    return _one(feedback_list(user=user).select_related("reply_deadline"), pk)


def notice_list(*, user, filters: dict | None = None) -> QuerySet[Notice]:
    """Notices the actor sent or received, newest first."""
    qs = Notice.objects.restrict(user).select_related("sender_department")
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    return qs.order_by("-id")


def notice_get(*, user, pk) -> Notice:
    """One notice the actor may see, or 404."""
    return _one(notice_list(user=user), pk)
