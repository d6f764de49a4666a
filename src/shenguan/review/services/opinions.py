"""Technical opinion requests (技术审查函) and the regulators' written opinions (书面意见), 000 §18,
002 §12: request → push to the regulator → claim → opinion → push back → claim; the time between
request and answer suspends the case's approval time limit (行政许可法第四十五条)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.calendar.services import deadline_compute
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.linkage import services as lk
from shenguan.linkage.models import CaseSuspension, Push, PushDirection, PushKind
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import Conclusion, OpinionRequest, Performer, RequestState, StepKind
from ..models.common import STEP_SUSPENSION_KIND
from .common import actor_name, local_date, require, require_department
from .steps import step_in_force


def request_view(r: OpinionRequest) -> dict:
    """What the audit trail, the pushes and the events say about a request."""
    return {
        "id": r.pk,
        "record_id": r.record_id,
        "case_number": r.record.case_number if r.record_id else "",
        "step_kind": r.step_kind,
        "step_label": source_choice(StepKind, r.step_kind),
        "step_id": r.step_id,
        "bureau_id": r.bureau_id,
        "department_id": r.department_id,
        "question": r.question,
        "requested_at": r.requested_at,
        "requested_by": r.requested_by_name,
        "budget_days": r.budget_days,
        "due_date": r.due_date,
        "provisional": r.provisional,
        "state": r.state,
        "conclusion": r.conclusion,
        "reasons": r.reasons,
        "performers": r.performers,
        "signing_leader": r.signing_leader,
        "opinion_date": r.opinion_date,
        "attachments": r.attachments,
        "answered_at": r.answered_at,
        "answered_by": r.answered_by_name,
        "answer_late": r.answer_late,
        "waiver_reason": r.waiver_reason,
        "waived_at": r.waived_at,
        "waived_by": r.waived_by_name,
    }


def opinion_request(
    *, actor, record, step_kind: str, question: str = "", at: dt.datetime | None = None
) -> OpinionRequest:
    """The bureau asks the department the step table names for a technical step of an accepted
    case (000 §18): the request is pushed with the case snapshot and materials, its answer
    deadline is the step's working days, and the case's time limit stands still meanwhile."""
    require(actor, Perm.APPROVAL_RECORD, "无权发起技术审查函（须为审批局办件人员）")
    require_department(actor, record.department_id, "只能为本部门办件发起技术审查函")
    step_kind = v.choice(step_kind, StepKind, "step_kind", "技术环节")
    question = v.text(question, "question", "请求事项", 1000, multiline=True)
    at = at or timezone.now()
    today = local_date(at)
    if record.state != "draft":
        raise Conflict("record_completed", "办件已办结，不能再发起技术审查函", "record")
    step = step_in_force(item_id=record.item_id, step_kind=step_kind, on_date=today)
    label = source_choice(StepKind, step_kind)
    if step is None:
        raise ValidationFailed("no_step", f"技术性环节清单未列明该事项的“{label}”环节", "step_kind")
    if step.performer == Performer.BUREAU:
        raise Conflict(
            "bureau_step", f"“{label}”由审批局自行办理，无需向行业主管部门发函", "step_kind"
        )
    due_date, due_at, provisional = deadline_compute(at, step.time_limit_days)
    with transaction.atomic():
        if OpinionRequest.objects.filter(
            record_id=record.pk, step_kind=step_kind, state=RequestState.REQUESTED
        ).exists():
            raise Conflict("request_open", f"该办件的“{label}”技术审查函尚未答复", "step_kind")
        title = f"技术审查函：{label}（{record.case_number} {record.item.name}）"
        draft = OpinionRequest(
            jurisdiction_id=record.jurisdiction_id,
            record=record,
            step=step,
            step_kind=step_kind,
            bureau_id=record.department_id,
            department_id=step.department_id,
            question=question,
            requested_at=at,
            requested_by_name=actor_name(actor),
            start_date=workdays.receipt_date(at),
            budget_days=step.time_limit_days,
            due_date=due_date,
            due_at=due_at,
            provisional=provisional,
        )
        base = lk.record_snapshot(record, list(record.materials.order_by("id")), None)
        push = lk.push_send(
            kind=PushKind.TECH_REQUEST,
            direction=PushDirection.TO_REGULATOR,
            record=record,
            sender_id=record.department_id,
            addressee_id=step.department_id,
            title=title,
            data={
                **base,
                "opinion_request": {
                    **request_view(draft),
                    "procedure": step.procedure,
                    "basis": step.basis,
                },
            },
            at=at,
        )
        suspension = lk.suspension_start(
            actor=actor,
            record=record,
            kind=STEP_SUSPENSION_KIND[step_kind],
            started_on=today,
            reason=f"{label}：{step.department.name}（技术审查函）",
            source=f"review.opinion_request:push:{push.pk}",
        )
        draft.request_push = push
        draft.suspension = suspension
        draft.save()
        audit_record(
            actor=actor, action="review.opinion_request", obj=draft, after=request_view(draft)
        )
    return draft


def _locked(request: OpinionRequest) -> OpinionRequest:
    return (
        OpinionRequest.objects.select_for_update()
        .select_related("record", "record__item", "department", "bureau")
        .get(pk=request.pk)
    )


def _end_suspension(r: OpinionRequest, on: dt.date) -> None:
    """Restart the case's clock (the system does it for the department that closed the step)."""
    if r.suspension_id is None:
        return
    s = CaseSuspension.objects.get(pk=r.suspension_id)
    if s.ended_on is None:
        lk.suspension_end(actor=None, suspension=s, ended_on=max(on, s.started_on))


def _clean_attachments(value) -> list[dict]:
    """Attachments named with their SHA-256 (the files stay in the regulator's records)."""
    out = []
    for i, a in enumerate(value or []):
        if not isinstance(a, dict):
            raise ValidationFailed("bad_attachment", "附件须为{name, sha256}", f"attachments.{i}")
        name = v.text(a.get("name"), f"attachments.{i}.name", "附件名称", 200, required=True)
        digest = v.text(a.get("sha256", ""), f"attachments.{i}.sha256", "SHA-256", 64).lower()
        if digest and (len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)):
            raise ValidationFailed("bad_sha256", "SHA-256须为64位十六进制", f"attachments.{i}")
        out.append({"name": name, "sha256": digest})
    if len(out) > 20:
        raise ValidationFailed("too_many", "附件最多20个", "attachments")
    return out


def opinion_answer(
    *,
    actor,
    request: OpinionRequest,
    conclusion: str,
    reasons: str = "",
    performers: str,
    signing_leader: str,
    opinion_date,
    attachments=None,
    at: dt.datetime | None = None,
) -> OpinionRequest:
    """The regulator records its written opinion (书面函告): conclusion, conditions or reasons,
    who did the step, the signing leader, the date; it is pushed back to the bureau, the case's
    clock restarts, and the request's deadline closes (late when past its due date)."""
    require(actor, Perm.FEEDBACK_SEND, "无权答复技术审查函（须为行业主管部门人员）")
    require_department(actor, request.department_id, "只能答复发给本部门的技术审查函")
    at = at or timezone.now()
    conclusion = v.choice(conclusion, Conclusion, "conclusion", "结论")
    reasons = v.text(
        reasons,
        "reasons",
        "条件或理由",
        2000,
        multiline=True,
        required=conclusion != Conclusion.AGREE,
    )
    performers = v.text(performers, "performers", "实施人员", 300, required=True)
    signing_leader = v.text(signing_leader, "signing_leader", "签发领导", 50, required=True)
    opinion_date = v.date(opinion_date, "opinion_date", "意见日期", required=True)
    files = _clean_attachments(attachments)
    if opinion_date > local_date(at):
        raise ValidationFailed("future_date", "意见日期不能晚于今天", "opinion_date")
    with transaction.atomic():
        r = _locked(request)
        if r.state != RequestState.REQUESTED:
            raise Conflict("request_closed", f"该技术审查函已{r.get_state_display()}", "state")
        if opinion_date < local_date(r.requested_at):
            raise ValidationFailed("before_request", "意见日期不能早于发函日期", "opinion_date")
        push = Push.objects.with_claim().get(pk=r.request_push_id)
        if push.is_open:
            if actor is not None and not actor.can(Perm.PUSH_CLAIM):
                raise Conflict(
                    "not_claimed", "请先由本部门联络员或分管领导认领该技术审查函", "state"
                )
            lk.push_claim(actor=actor, push=push, at=at)  # answering claims it (认领)
        before = request_view(r)
        r.state = RequestState.ANSWERED
        r.conclusion, r.reasons, r.performers = conclusion, reasons, performers
        r.signing_leader, r.opinion_date, r.attachments = signing_leader, opinion_date, files
        r.answered_at, r.answered_by_name = at, actor_name(actor)
        r.answer_late = at >= r.due_at
        label = source_choice(StepKind, r.step_kind)
        r.opinion_push = lk.push_send(
            kind=PushKind.TECH_OPINION,
            direction=PushDirection.TO_BUREAU,
            record=r.record,
            sender_id=r.department_id,
            addressee_id=r.bureau_id,
            title=(
                f"技术审查意见：{label}（{r.record.case_number}）"
                f"{source_choice(Conclusion, conclusion)}"
            ),
            data={
                "record": {
                    "id": r.record_id,
                    "case_number": r.record.case_number,
                    "item": {"id": r.record.item_id, "name": r.record.item.name},
                    "applicant_name": r.record.applicant_name,
                },
                "opinion": {**request_view(r), "department": r.department.name},
            },
            at=at,
        )
        r.save()
        _end_suspension(r, local_date(at))
        audit_record(
            actor=actor,
            action="review.opinion_answer",
            obj=r,
            before=before,
            after=request_view(r),
        )
    return r


def opinion_waive(
    *, actor, request: OpinionRequest, reason: str, at: dt.datetime | None = None
) -> OpinionRequest:
    """The bureau decides without waiting for a requested opinion and records why (e.g. the
    applicant withdrew, or the facts were settled otherwise); the case's clock restarts and the
    regulator is told it need not answer."""
    require(actor, Perm.APPROVAL_COMPLETE, "无权登记未等待答复的理由（须为审批员）")
    require_department(actor, request.bureau_id, "只能处理本部门发出的技术审查函")
    reason = v.text(reason, "reason", "未等待答复的理由", 500, required=True)
    at = at or timezone.now()
    with transaction.atomic():
        r = _locked(request)
        if r.state != RequestState.REQUESTED:
            raise Conflict("request_closed", f"该技术审查函已{r.get_state_display()}", "state")
        before = request_view(r)
        r.state = RequestState.WAIVED
        r.waiver_reason, r.waived_at, r.waived_by_name = reason, at, actor_name(actor)
        r.save(update_fields=["state", "waiver_reason", "waived_at", "waived_by_name"])
        _end_suspension(r, local_date(at))
        label = source_choice(StepKind, r.step_kind)
        outbox_emit(
            event_type="opinion_request.waived",
            jurisdiction_id=r.jurisdiction_id,
            payload=request_view(r),
            department_ids=[r.bureau_id, r.department_id],
            aggregate=r,
            notify_user_ids=lk.liaison_user_ids([r.department_id]).get(r.department_id, []),
            notify={
                "title": f"技术审查函无需再答复：{label}（{r.record.case_number}）"[:200],
                "body": reason,
                "link": f"/review/requests/{r.pk}/",
            },
        )
        audit_record(
            actor=actor, action="review.opinion_waive", obj=r, before=before, after=request_view(r)
        )
    return r


def open_requests_guard(*, record, phase: str = "", **_ignored) -> None:
    """linkage RECORD_VALIDATE: a case is not decided or completed while a requested opinion
    is outstanding, unless the bureau recorded why it does not wait (000 §18)."""
    if phase not in ("update", "complete") or record.pk is None:
        return
    if phase == "update" and not record.decided_on:
        return
    open_kinds = list(
        OpinionRequest.objects.filter(record_id=record.pk, state=RequestState.REQUESTED)
        .values_list("step_kind", flat=True)
        .order_by("id")
    )
    if open_kinds:
        names = "、".join(source_choice(StepKind, k) for k in open_kinds)
        raise Conflict(
            "opinion_outstanding",
            f"尚有未答复的技术审查函（{names}），请待书面意见答复或登记未等待答复的理由后再作决定",
            "decided_on" if phase == "update" else "state",
        )
