"""Certificates issued by regulators (监管部门配发证照, 002 §13): a task on completion with its
deadline, issuance into the licence register, and a coordination thread on disagreement."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.calendar.services import deadline_compute
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as lk
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import CertificateMessage, CertificateState, CertificateTask
from .common import actor_name, local_date

# 行政许可法第四十四条: the certificate within ten (working, §82) days of the decision.
STATUTORY_DAYS = 10
STATUTORY_BASIS = "《中华人民共和国行政许可法》第四十四条"


def certificate_terms() -> tuple[int, str]:
    """The working days a regulator has to issue, and the rule they come from: the promised
    limit when the jurisdiction set one (SHENGUAN_REVIEW_CERTIFICATE_DAYS), else the law's."""
    promised = getattr(settings, "SHENGUAN_REVIEW_CERTIFICATE_DAYS", None)
    if promised:
        return int(promised), "承诺时限"
    return STATUTORY_DAYS, STATUTORY_BASIS


def _view(t: CertificateTask) -> dict:
    return {
        "id": t.pk,
        "record_id": t.record_id,
        "licence_id": t.licence_id,
        "department_id": t.department_id,
        "bureau_id": t.bureau_id,
        "due_date": t.due_date,
        "state": t.state,
        "certificate_number": t.certificate_number,
        "issued_on": t.issued_on,
        "issued_late": t.issued_late,
    }


def certificate_tasks_open(*, records, licences=None, at=None, **_ignored) -> list:
    """linkage RECORDS_COMPLETED: a task for each granted case whose item's certificate the
    regulator (the item's original department) issues."""
    from shenguan.catalog.models import LicensingItem

    licences = licences or {}
    at = at or timezone.now()
    granted = [r for r in records if r.result == "granted"]
    issuers = {
        pk: (dept, name)
        for pk, dept, name in LicensingItem.objects.filter(
            pk__in={r.item_id for r in granted},
            regulator_issues_certificate=True,
            original_department__isnull=False,
        ).values_list("pk", "original_department_id", "name")
    }
    wanted = [r for r in granted if r.item_id in issuers]
    if not wanted:
        return []
    budget, basis = certificate_terms()
    due, _due_at, provisional = deadline_compute(at, budget)
    out = []
    for r in wanted:
        lic = licences.get(r.pk)
        t = CertificateTask.objects.create(
            jurisdiction_id=r.jurisdiction_id,
            record=r,
            licence=lic,
            bureau_id=r.department_id,
            department_id=issuers[r.item_id][0],
            created_at=at,
            start_date=workdays.receipt_date(at),
            budget_days=budget,
            due_date=due,
            provisional=provisional,
            basis=basis,
        )
        outbox_emit(
            event_type="certificate_task.created",
            jurisdiction_id=t.jurisdiction_id,
            payload=_view(t),
            department_ids=[t.department_id, t.bureau_id],
            aggregate=t,
            notify_user_ids=lk.liaison_user_ids([t.department_id]).get(t.department_id, []),
            notify={
                "title": f"配发证照任务：{r.case_number} {issuers[r.item_id][1]}"[:200],
                "body": f"请于{due.isoformat()}前发证（{basis}）。",
                "link": f"/review/certificates/{t.pk}/",
            },
        )
        audit_record(actor=None, action="review.certificate_task", obj=t, after=_view(t))
        out.append(t)
    return out


def _require_regulator(actor, t: CertificateTask) -> None:
    if actor is not None and (
        not actor.can(Perm.FEEDBACK_SEND) or actor.department_id != t.department_id
    ):
        raise PermissionDenied("forbidden", "只有发证部门可以登记发证或提出异议")


def certificate_issue(
    *, actor, task: CertificateTask, number: str, issued_on, at: dt.datetime | None = None
) -> CertificateTask:
    """The regulator records the certificate it issued; the licence register takes its number
    and date; late when after the due date."""
    _require_regulator(actor, task)
    number = v.text(number, "certificate_number", "证照编号", 100, required=True)
    issued_on = v.date(issued_on, "issued_on", "发证日期", required=True)
    at = at or timezone.now()
    if issued_on > local_date(at):
        raise ValidationFailed("future_date", "发证日期不能晚于今天", "issued_on")
    with transaction.atomic():
        t = CertificateTask.objects.select_for_update().get(pk=task.pk)
        if t.state == CertificateState.ISSUED:
            raise Conflict("issued", "该证照已登记发证", "state")
        if t.state == CertificateState.DISPUTED:
            raise Conflict("disputed", "对审批结果的异议尚在协调中，协调完毕后再发证", "state")
        before = _view(t)
        if t.licence_id:
            lk.licence_certificate_record(
                actor=actor,
                licence=t.licence,
                number=number,
                issued_on=issued_on,
                issuer_name=t.department.name,
            )
        t.state, t.certificate_number, t.issued_on = CertificateState.ISSUED, number, issued_on
        t.issued_at, t.issued_by_name = at, actor_name(actor)
        t.issued_late = issued_on > t.due_date
        t.save()
        outbox_emit(
            event_type="certificate_task.issued",
            jurisdiction_id=t.jurisdiction_id,
            payload=_view(t),
            department_ids=[t.department_id, t.bureau_id],
            aggregate=t,
        )
        audit_record(
            actor=actor, action="review.certificate_issue", obj=t, before=before, after=_view(t)
        )
    return t


def certificate_message(
    *, actor, task: CertificateTask, text: str, resolves: bool = False, at=None
) -> CertificateMessage:
    """Disagreement with the approval result (the regulator) or an answer (either side): a
    message of the coordination thread. The regulator's first message marks the task disputed;
    a message that resolves it reopens it for issuance (协调完毕)."""
    if actor is not None and actor.department_id not in (task.department_id, task.bureau_id):
        raise PermissionDenied("forbidden", "只有发证部门和审批部门可以参与协调")
    if actor is not None and not (actor.can(Perm.FEEDBACK_SEND) or actor.can(Perm.FEEDBACK_CLAIM)
                                  or actor.can(Perm.APPROVAL_COMPLETE)):  # fmt: skip
        raise PermissionDenied("forbidden", "无权参与发证协调")
    text = v.text(text, "text", "内容", 2000, required=True, multiline=True)
    at = at or timezone.now()
    with transaction.atomic():
        t = CertificateTask.objects.select_for_update().get(pk=task.pk)
        if t.state == CertificateState.ISSUED:
            raise Conflict("issued", "该证照已登记发证", "state")
        before = t.state
        is_regulator = actor is None or actor.department_id == t.department_id
        if t.state == CertificateState.OPEN and not is_regulator:
            raise Conflict("not_disputed", "发证部门尚未提出异议", "state")
        if t.state == CertificateState.OPEN:
            t.state = CertificateState.DISPUTED
        elif resolves:
            t.state = CertificateState.OPEN
        t.save(update_fields=["state"])
        m = CertificateMessage.objects.create(
            task=t,
            at=at,
            department_name=getattr(getattr(actor, "department", None), "name", "系统"),
            by_name=actor_name(actor),
            text=text,
            resolves=resolves and before == CertificateState.DISPUTED,
        )
        other = t.bureau_id if is_regulator else t.department_id
        outbox_emit(
            event_type="certificate_task.message",
            jurisdiction_id=t.jurisdiction_id,
            payload={**_view(t), "text": text, "resolves": m.resolves},
            department_ids=[t.department_id, t.bureau_id],
            aggregate=t,
            notify_user_ids=lk.liaison_user_ids([other]).get(other, []),
            notify={
                "title": f"配发证照协调：{t.record.case_number}"[:200],
                "body": text[:200],
                "link": f"/review/certificates/{t.pk}/",
            },
        )
        audit_record(
            actor=actor,
            action="review.certificate_message",
            obj=t,
            before={"state": before},
            after={"state": t.state, "text": text, "resolves": m.resolves},
        )
    return m
