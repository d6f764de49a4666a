"""Reads of approval records, their suspensions and materials (办件查询)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from shenguan.calendar import workdays
from shenguan.core.text import icontains_any

from ..models import (
    ApprovalRecord,
    CaseSuspension,
    Material,
)
from .common import _one


def record_list(*, user, filters: dict | None = None) -> QuerySet[ApprovalRecord]:
    """Approval records the actor may see, newest first, filtered."""
    qs = ApprovalRecord.objects.restrict(user).select_related("item", "department")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("item_id"):
        qs = qs.filter(item_id=f["item_id"])
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("case_number"):
        qs = qs.filter(case_number__startswith=f["case_number"].strip())
    if f.get("applicant"):
        qs = qs.filter(icontains_any("applicant_name", f["applicant"]))
    if f.get("supervision_gap") is not None:
        qs = qs.filter(supervision_gap=f["supervision_gap"])
    if f.get("decided_from"):
        qs = qs.filter(decided_on__gte=f["decided_from"])
    if f.get("decided_to"):
        qs = qs.filter(decided_on__lte=f["decided_to"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    return qs.order_by("-id")


def record_get(*, user, pk) -> ApprovalRecord:
    """One record the actor may see, or 404."""
    return _one(record_list(user=user), pk)


def suspension_list(*, user, record: ApprovalRecord) -> QuerySet[CaseSuspension]:
    """The suspensions of a case's time limit (审批时限中止) the actor may see, oldest first."""
    return CaseSuspension.objects.restrict(user).filter(record_id=record.pk)


def suspension_get(*, user, pk) -> CaseSuspension:
    """One suspension whose case the actor may see, or 404."""
    return _one(CaseSuspension.objects.restrict(user).select_related("record"), pk)


def suspended_working_days(
    periods: Iterable[tuple[dt.date, dt.date | None]], until: dt.date, *, cal=None
) -> int:
    """Working days inside the union of suspension periods, each counted from its start day to
    its end day inclusive (an open period runs to `until`), not beyond `until` (不计入审批时限的
    工作日, 行政许可法第四十五条). Overlapping periods count once."""
    spans = sorted((a, min(b or until, until)) for a, b in periods if a is not None and a <= until)
    total = 0
    cur_a = cur_b = None
    for a, b in spans:
        if b < a:
            continue
        if cur_b is not None and a <= cur_b + dt.timedelta(days=1):
            cur_b = max(cur_b, b)
            continue
        if cur_a is not None:
            total += workdays.working_days_between(cur_a - dt.timedelta(days=1), cur_b, cal=cal)
        cur_a, cur_b = a, b
    if cur_a is not None:
        total += workdays.working_days_between(cur_a - dt.timedelta(days=1), cur_b, cal=cal)
    return total


def material_get(*, user, pk) -> Material:
    """One material whose record the actor may see, or 404."""
    return _one(Material.objects.restrict(user).select_related("record"), pk)


def public_decisions(*, jurisdiction_id: int, filters: dict | None = None) -> QuerySet:
    """Decisions of a jurisdiction open to the public (审批过程和结果公开, 004 三(六)): completed
    cases with a result, newest decision first. No user: callers mask natural persons."""
    qs = (
        ApprovalRecord.objects.filter(
            jurisdiction_id=jurisdiction_id, state="completed", decided_on__isnull=False
        )
        .exclude(result="")
        .select_related("item", "department")
        .only(
            "id",
            "item__name",
            "department__name",
            "applicant_kind",
            "applicant_name",
            "decision_number",
            "decided_on",
            "result",
            "licence_number",
        )
        .order_by("-decided_on", "-id")
    )
    f = filters or {}
    if f.get("item"):
        qs = qs.filter(item__name__contains=f["item"])
    if f.get("result") in ("granted", "refused"):
        qs = qs.filter(result=f["result"])
    if f.get("q"):
        from django.db.models import Q

        q = f["q"]
        # a holder is searched by the full name of a legal person only (persons are masked)
        qs = qs.filter(
            Q(decision_number__contains=q)
            | Q(licence_number__iexact=q)
            | Q(applicant_kind="legal", applicant_name__contains=q)
        )
    if f.get("since"):
        qs = qs.filter(decided_on__gte=f["since"])
    if f.get("until"):
        qs = qs.filter(decided_on__lte=f["until"])
    return qs
