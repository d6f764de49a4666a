"""Deadline kinds the review app declares for e-monitoring (core.deadlines, ADR 0030)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenguan.core.deadlines import DeadlineKind, DeadlineRow, register_deadline_kind

from .models import OpinionRequest, RequestState

OPINION_KIND = "review.opinion_answer"


def opinion_rows(*, jurisdiction_ids=None, open_only=True, closed_since=None):
    """Requests waiting for their written opinion, and (open_only=False) those answered or
    waived since `closed_since`: the regulator answers within the step's working days."""
    qs = OpinionRequest.objects.all()
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=list(jurisdiction_ids))
    cond = Q(state=RequestState.REQUESTED)
    if not open_only:
        if closed_since is None:
            cond = Q()
        else:
            cond |= Q(answered_at__gte=closed_since) | Q(waived_at__gte=closed_since)
    cols = (
        "pk", "jurisdiction_id", "department_id", "step_kind", "record__case_number",
        "start_date", "budget_days", "due_date", "provisional", "answered_at", "waived_at",
    )  # fmt: skip
    labels = dict(OpinionRequest._meta.get_field("step_kind").choices)
    for pk, j, d, kind, case, start, budget, due, prov, answered, waived in (
        qs.filter(cond).values_list(*cols).iterator(chunk_size=2000)
    ):
        yield DeadlineRow(
            kind=OPINION_KIND,
            object_type="review.opinionrequest",
            object_id=pk,
            jurisdiction_id=j,
            department_id=d,
            title=f"技术审查函答复：{labels.get(kind, kind)}（{case}）",
            start=start,
            budget_days=budget,
            due_date=due,
            provisional=prov,
            closed_at=answered or waived,
            url=f"/review/requests/{pk}/",
        )


def register_kinds() -> None:
    register_deadline_kind(
        DeadlineKind(
            code=OPINION_KIND,
            label=_("技术审查函书面答复"),
            app_label="review",
            rows=opinion_rows,
            order=70,
            basis="《乌海市“审管分离”工作制度》第十八条",
        )
    )
