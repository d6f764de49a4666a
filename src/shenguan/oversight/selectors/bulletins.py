"""Reading bulletins (定期通报) and escalations (督办)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Bulletin, Escalation, EscalationStep
from ._common import one


def bulletin_list(*, user, filters: dict | None = None) -> QuerySet[Bulletin]:
    """Bulletins the actor may see (departments: published ones), newest period first."""
    qs = Bulletin.objects.restrict(user).select_related("jurisdiction")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("year"):
        qs = qs.filter(period_start__year=f["year"])
    return qs.order_by("-period_start", "jurisdiction__path", "-version")


def bulletin_get(*, user, pk) -> Bulletin:
    """One bulletin the actor may see, or 404."""
    return one(Bulletin.objects.restrict(user).select_related("jurisdiction"), pk)


def escalation_list(*, user, filters: dict | None = None) -> QuerySet[Escalation]:
    """Escalations the actor may see (oversight, the jurisdiction's bureau, the department
    concerned), newest first."""
    qs = Escalation.objects.restrict(user).select_related("department", "jurisdiction")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    return qs.order_by("-opened_at", "-id")


def escalation_get(*, user, pk) -> Escalation:
    """One escalation the actor may see, or 404."""
    return one(Escalation.objects.restrict(user).select_related("department", "jurisdiction"), pk)


def escalation_steps(*, user, escalation: Escalation) -> QuerySet[EscalationStep]:
    """The steps of an escalation the actor may see (the bureau does not see 问责 steps)."""
    return (
        EscalationStep.objects.restrict(user)
        .filter(escalation=escalation)
        .select_related("deadline", "issued_by_department")
        .order_by("issued_at", "id")
    )


def step_get(*, user, pk) -> EscalationStep:
    """One step the actor may see, or 404."""
    return one(
        EscalationStep.objects.restrict(user).select_related(
            "escalation__department", "deadline", "issued_by_department"
        ),
        pk,
    )
