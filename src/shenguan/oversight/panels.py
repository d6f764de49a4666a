"""Panels oversight adds to linkage pages: a claimed approval's supervision, the bureau's
handling of a feedback it received, and a case's approval time limit."""

from __future__ import annotations

from django.utils import timezone

from shenguan.org.roles import Perm


def push_panel(request, push) -> dict | None:
    """On a push page: the supervision of a claimed approval, or the handling of feedback."""
    from . import selectors as sel
    from .models import HandlingAction

    user = request.user
    if push.kind == "approval":
        task = sel.supervision_for_push(user=user, push=push)
        if task is None:
            return None
        return {"task": task}
    if push.kind == "feedback" and push.feedback_id:
        from shenguan.linkage.models import Feedback

        fb = Feedback.objects.restrict(user).filter(pk=push.feedback_id).first()
        if fb is None:
            return None
        handling = sel.handling_for_feedback(user=user, feedback=fb)
        can = (
            handling is None
            and user.can(Perm.FEEDBACK_HANDLE)
            and user.department_id == fb.addressee_department_id
            and fb.state == "pushed"
        )
        return {
            "feedback": fb,
            "handling": handling,
            "can_handle": can,
            "actions": HandlingAction.choices,
        }
    return None


def record_panel(request, record) -> dict | None:
    """On a case page: its time limits (promised and statutory) with suspensions excluded,
    and the alerts the monitor raised on it."""
    from shenguan.linkage.models import ApprovalRecord

    from . import kinds as K
    from .models import Alert

    qs = ApprovalRecord.objects.filter(pk=record.pk)
    limits = list(K.approval_deadline_rows(qs, statutory=False)) + list(
        K.approval_deadline_rows(qs, statutory=True)
    )
    if not limits:
        return None
    alerts = Alert.objects.restrict(request.user).filter(
        jurisdiction_id=record.jurisdiction_id,
        kind__in=[K.APPROVAL_PROMISED, K.APPROVAL_STATUTORY],
        object_id=record.pk,
    )
    return {"limits": limits, "alerts": list(alerts), "today": timezone.localdate()}
