"""The deadline kinds credit declares for e-monitoring (core.deadlines): 双公示 records due at
the credit platform (002 §19(一)) and 告知承诺 verifications (002 §6, §19(二))."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenguan.calendar import workdays
from shenguan.core.deadlines import DeadlineKind, DeadlineRow, register_deadline_kind

RECORD_PUSH = "credit.record_push"
COMMITMENT_CHECK = "credit.commitment_check"


def _noon(d):
    import datetime as dt

    return dt.datetime.combine(d, dt.time(12, 0), tzinfo=workdays.SHANGHAI)


def record_push_rows(*, jurisdiction_ids=None, open_only=True, closed_since=None):
    """Credit records with a due date: open until the platform acknowledged them."""
    from .models import CreditRecord

    qs = CreditRecord.objects.filter(due_date__isnull=False)
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=list(jurisdiction_ids))
    cond = Q(acknowledged_at__isnull=True)
    if not open_only:
        cond = cond | Q(acknowledged_at__gte=closed_since) if closed_since else Q()
    for row in (
        qs.filter(cond)
        .values_list(
            "pk",
            "jurisdiction_id",
            "department_id",
            "kind",
            "document_number",
            "decision_date",
            "budget_days",
            "due_date",
            "provisional",
            "acknowledged_at",
        )
        .iterator(chunk_size=5000)
    ):
        pk, jid, dept, kind, doc, start, budget, due, prov, ack = row
        yield DeadlineRow(
            kind=RECORD_PUSH,
            object_type="credit.creditrecord",
            object_id=pk,
            jurisdiction_id=jid,
            department_id=dept,
            title=f"双公示信息推送：{'行政许可' if kind == 'licence' else '行政处罚'} {doc}",
            start=start,
            budget_days=budget or 0,
            due_date=due,
            provisional=prov,
            closed_at=ack,
            url=f"/credit/records/{pk}/",
        )


def commitment_rows(*, jurisdiction_ids=None, open_only=True, closed_since=None):
    """告知承诺 verifications: open until the regulator records kept / not kept."""
    from .models import CommitmentTask

    qs = CommitmentTask.objects.all()
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=list(jurisdiction_ids))
    cond = Q(state="open")
    if not open_only:
        cond = cond | Q(verified_at__gte=closed_since) if closed_since else Q()
    for row in (
        qs.filter(cond)
        .values_list(
            "pk",
            "jurisdiction_id",
            "department_id",
            "subject_name",
            "start",
            "budget_days",
            "due_date",
            "provisional",
            "verified_at",
        )
        .iterator(chunk_size=5000)
    ):
        pk, jid, dept, name, start, budget, due, prov, closed = row
        yield DeadlineRow(
            kind=COMMITMENT_CHECK,
            object_type="credit.commitmenttask",
            object_id=pk,
            jurisdiction_id=jid,
            department_id=dept,
            title=f"告知承诺核查：{name}",
            start=start,
            budget_days=budget,
            due_date=due,
            provisional=prov,
            closed_at=closed,
            url=f"/credit/commitments/{pk}/",
        )


def register_kinds() -> None:
    register_deadline_kind(
        DeadlineKind(
            code=RECORD_PUSH,
            label=_("双公示信息推送至信用平台"),
            app_label="credit",
            rows=record_push_rows,
            order=80,
            basis="《聊城市强化审管互动工作暂行办法》第十九条(一)",
        )
    )
    register_deadline_kind(
        DeadlineKind(
            code=COMMITMENT_CHECK,
            label=_("告知承诺核查"),
            app_label="credit",
            rows=commitment_rows,
            order=81,
            basis="《聊城市强化审管互动工作暂行办法》第六条、第十九条(二)",
        )
    )
