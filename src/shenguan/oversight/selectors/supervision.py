"""Reading supervision tasks (事中事后监管任务) and the bureau's handling of feedback."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ..models import FeedbackHandling, SupervisionTask
from ._common import one


def supervision_list(*, user, filters: dict | None = None) -> QuerySet[SupervisionTask]:
    """Supervision tasks the actor may see (its department's; oversight: all), most urgent
    first; filtered by state, department, overdue (window over without a start), inspector."""
    qs = SupervisionTask.objects.restrict(user).select_related(
        "department", "division", "inspector"
    )
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("overdue"):
        qs = qs.filter(started_at__isnull=True, start_due_at__lte=timezone.now())
    if f.get("late"):
        qs = qs.filter(start_late=True)
    if f.get("mine"):
        qs = qs.filter(inspector_id=user.pk)
    return qs.order_by("started_at", "start_due_date", "id")


def supervision_get(*, user, pk) -> SupervisionTask:
    """One task the actor may see, or 404."""
    return one(
        SupervisionTask.objects.restrict(user).select_related(
            "department", "division", "inspector", "push", "record", "feedback"
        ),
        pk,
    )


def supervision_for_push(*, user, push) -> SupervisionTask | None:
    """The task of a push, if the actor may see it."""
    return SupervisionTask.objects.restrict(user).filter(push_id=push.pk).first()


def handling_for_feedback(*, user, feedback) -> FeedbackHandling | None:
    """What the bureau recorded for a feedback, if the actor may see it."""
    return FeedbackHandling.objects.restrict(user).filter(feedback_id=feedback.pk).first()


def handling_list(*, user, filters: dict | None = None) -> QuerySet[FeedbackHandling]:
    """Handling records the actor may see, newest first."""
    qs = FeedbackHandling.objects.restrict(user).select_related(
        "feedback", "department", "sender_department"
    )
    f = filters or {}
    if f.get("action"):
        qs = qs.filter(action=f["action"])
    return qs.order_by("-handled_at", "-id")


def feedback_unhandled(*, user):
    """Feedback pushed to the actor's department that has no handling record yet."""
    from shenguan.linkage.models import Feedback, FeedbackState

    if user.department_id is None:
        return Feedback.objects.none()
    return (
        Feedback.objects.restrict(user)
        .filter(
            addressee_department_id=user.department_id,
            state=FeedbackState.PUSHED,
            handling__isnull=True,
        )
        .select_related("sender_department")
        .order_by("-sent_at", "-id")
    )
