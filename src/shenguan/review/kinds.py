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


CERTIFICATE_KIND = "review.certificate_issue"


def certificate_rows(*, jurisdiction_ids=None, open_only=True, closed_since=None):
    """Certificate tasks not issued yet (a dispute does not stop the clock), and those issued
    since `closed_since`: the regulator issues within the statutory or promised limit."""
    from .models import CertificateTask

    qs = CertificateTask.objects.all()
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=list(jurisdiction_ids))
    cond = ~Q(state="issued")
    if not open_only:
        cond = Q() if closed_since is None else cond | Q(issued_at__gte=closed_since)
    cols = (
        "pk", "jurisdiction_id", "department_id", "record__case_number", "start_date",
        "budget_days", "due_date", "provisional", "issued_at",
    )  # fmt: skip
    for pk, j, d, case, start, budget, due, prov, issued in (
        qs.filter(cond).values_list(*cols).iterator(chunk_size=2000)
    ):
        yield DeadlineRow(
            kind=CERTIFICATE_KIND,
            object_type="review.certificatetask",
            object_id=pk,
            jurisdiction_id=j,
            department_id=d,
            title=f"配发证照：{case}",
            start=start,
            budget_days=budget,
            due_date=due,
            provisional=prov,
            closed_at=issued,
            url=f"/review/certificates/{pk}/",
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
    register_deadline_kind(
        DeadlineKind(
            code=CERTIFICATE_KIND,
            label=_("监管部门配发证照"),
            app_label="review",
            rows=certificate_rows,
            order=71,
            basis="《聊城市强化审管互动工作暂行办法》第十三条",
        )
    )
