"""Reads of the credit app, scoped to the acting user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shenguan.core.errors import NotFound, PermissionDenied
from shenguan.org.roles import Perm

from .models import (
    CommitmentTask,
    CreditCheck,
    CreditOverride,
    CreditRecord,
    ListEntry,
    WarningEntry,
)
from .services.common import normalize_code


def _reader(user) -> None:
    if not user.can(Perm.CREDIT_READ):
        raise PermissionDenied("forbidden", "无权查看信用信息")


def _one(qs, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def checks_for_record(*, user, record) -> QuerySet[CreditCheck]:
    """The look-ups of a case, newest first (whoever may see the case)."""
    return (
        CreditCheck.objects.restrict(user)
        .filter(record_id=record.pk)
        .order_by("-checked_at", "-id")
    )


def check_get(*, user, pk) -> CreditCheck:
    return _one(CreditCheck.objects.restrict(user), pk)


def list_entries(*, user, filters: dict | None = None) -> QuerySet[ListEntry]:
    _reader(user)
    f = filters or {}
    qs = ListEntry.objects.restrict(user)
    if f.get("code"):
        qs = qs.filter(code=normalize_code(f["code"]))
    if f.get("q"):
        qs = qs.filter(Q(subject_name__contains=f["q"]) | Q(list_name__contains=f["q"]))
    if f.get("list_kind"):
        qs = qs.filter(list_kind=f["list_kind"])
    return qs.order_by("-id")


def warning_list(*, user, filters: dict | None = None) -> QuerySet[WarningEntry]:
    _reader(user)
    f = filters or {}
    qs = WarningEntry.objects.restrict(user)
    if f.get("code"):
        qs = qs.filter(code=normalize_code(f["code"]))
    if f.get("q"):
        qs = qs.filter(Q(subject_name__contains=f["q"]) | Q(reason__contains=f["q"]))
    if f.get("reason_kind"):
        qs = qs.filter(reason_kind=f["reason_kind"])
    if f.get("active") is True:
        qs = qs.filter(removed_at__isnull=True)
    return qs.order_by("-id")


def warning_get(*, user, pk) -> WarningEntry:
    _reader(user)
    return _one(WarningEntry.objects.restrict(user), pk)


def record_list(*, user, filters: dict | None = None) -> QuerySet[CreditRecord]:
    """双公示 records the user may see; filters: kind, state, code, overdue."""
    f = filters or {}
    qs = CreditRecord.objects.restrict(user)
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("code"):
        qs = qs.filter(code=normalize_code(f["code"]))
    if f.get("tasks"):
        qs = qs.filter(state__in=["invalid", "rejected"])
    return qs.select_related("department").order_by("-id")


def record_get(*, user, pk) -> CreditRecord:
    return _one(CreditRecord.objects.restrict(user).select_related("department"), pk)


def commitment_list(*, user, filters: dict | None = None) -> QuerySet[CommitmentTask]:
    f = filters or {}
    qs = CommitmentTask.objects.restrict(user)
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    return qs.select_related("department").order_by("due_date", "id")


def commitment_get(*, user, pk) -> CommitmentTask:
    return _one(CommitmentTask.objects.restrict(user).select_related("department"), pk)


def override_list(*, user) -> QuerySet[CreditOverride]:
    _reader(user)
    return CreditOverride.objects.restrict(user).order_by("-id")


def subject_view(*, user, code: str) -> dict:
    """Everything of one USCC or ID number the user may see (主体信用档案): cases, licences,
    pushes, feedback, credit records, warning entries, list entries."""
    from shenguan.linkage.models import ApprovalRecord, Feedback, Licence, Push

    _reader(user)
    code = normalize_code(code)
    records = (
        ApprovalRecord.objects.restrict(user)
        .filter(Q(applicant_uscc=code) | Q(applicant_id_number=code))
        .order_by("-id")[:200]
    )
    record_ids = [r.pk for r in records]
    licences = Licence.objects.restrict(user).filter(holder_code=code).order_by("-id")[:200]
    licence_ids = [x.pk for x in licences]
    pushes = (
        Push.objects.restrict(user)
        .filter(Q(record_id__in=record_ids) | Q(licence_id__in=licence_ids))
        .order_by("-id")[:200]
    )
    feedback = (
        Feedback.objects.restrict(user)
        .filter(Q(record_id__in=record_ids) | Q(licence_id__in=licence_ids))
        .order_by("-id")[:200]
    )
    return {
        "code": code,
        "records": list(records),
        "licences": list(licences),
        "pushes": list(pushes),
        "feedback": list(feedback),
        "credit_records": list(record_list(user=user, filters={"code": code})[:200]),
        "warnings": list(warning_list(user=user, filters={"code": code})[:200]),
        "list_entries": list(list_entries(user=user, filters={"code": code})[:200]),
    }


def public_records(*, jurisdiction_id: int, filters: dict | None = None) -> QuerySet[CreditRecord]:
    """双公示 records published to everyone (no login): licence and penalty decisions of one
    jurisdiction that passed the format check, within their publication period."""
    from django.utils import timezone

    f = filters or {}
    today = timezone.localdate()
    qs = CreditRecord.objects.filter(
        jurisdiction_id=jurisdiction_id, state__in=["queued", "acknowledged"]
    ).filter(Q(public_until__isnull=True) | Q(public_until__gte=today))
    if f.get("kind") in ("licence", "penalty"):
        qs = qs.filter(kind=f["kind"])
    if f.get("q"):
        qs = qs.filter(Q(subject_name__contains=f["q"]) | Q(document_number__contains=f["q"]))
    return qs.order_by("-decision_date", "-id")


def public_row(r: CreditRecord) -> dict:
    """One record as the public sees it: natural persons' names and numbers masked."""
    from shenguan.core.masking import mask_id_number, mask_name

    from . import formats

    data = dict(r.data)
    if r.subject_kind == "person":
        data["subject_name"] = mask_name(data.get("subject_name"))
        data["id_number"] = mask_id_number(data.get("id_number"))
    return {"r": r, "data": data, "row": formats.row(r.kind, data)}
