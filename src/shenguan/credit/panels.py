"""Panels credit adds to linkage pages: the case's credit look-up (part of the case file) and,
on the registration form, a look-up of the applicant as typed."""

from __future__ import annotations

from shenguan.core.masking import mask_id_number
from shenguan.org.roles import Perm


def record_panel(request, record) -> dict | None:
    """On a case page: every look-up of the case with sources, hits, who, when, reference; its
    commitment tasks and 双公示 records."""
    from shenguan.linkage.models import AcceptanceMode

    from . import selectors as sel
    from .models import CommitmentTask, CreditRecord

    labels = dict(AcceptanceMode.choices)
    checks = list(sel.checks_for_record(user=request.user, record=record)[:10])
    for c in checks:
        c.mode_label = labels.get(c.acceptance_mode, labels[AcceptanceMode.NORMAL])
    tasks = list(CommitmentTask.objects.restrict(request.user).filter(record_id=record.pk))
    credit = list(CreditRecord.objects.restrict(request.user).filter(record_id=record.pk))
    return {
        "checks": checks,
        "tasks": tasks,
        "credit_records": credit,
        "can_recheck": request.user.can(Perm.APPROVAL_RECORD)
        and request.user.department_id == record.department_id
        and record.state == "draft",
        "record": record,
    }


def record_form_panel(request, form) -> dict | None:
    """On the registration form after a submission: the applicant's look-up as typed (local
    sources only: the platform is asked when the case is saved)."""
    from .services.checks import credit_lookup
    from .services.common import normalize_code

    if not form.is_bound or not request.user.can(Perm.CREDIT_READ):
        return None
    data = form.data
    kind = data.get("applicant_kind") or ""
    code = normalize_code(
        data.get("applicant_uscc") if kind == "legal" else data.get("applicant_id_number")
    )
    if not code or request.user.jurisdiction_id is None:
        return None
    result = credit_lookup(
        jurisdiction_id=request.user.jurisdiction_id,
        subjects=[{"role": "applicant", "name": data.get("applicant_name", ""), "code": code}],
        platform=False,
    )
    shown = code if kind == "legal" else mask_id_number(code)
    return {"result": result, "code": shown}
