"""Supervision feedback (监管反馈) with disposals and correction replies."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.calendar.models import DeadlineState
from shenguan.calendar.services import deadline_close, deadline_open
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm
from shenguan.outbox.services import outbox_emit
from shenguan.policy.selectors import params_for_jurisdiction

from .. import hooks
from .. import validators as v
from ..models import (
    DISPOSAL_LICENCE_STATE,
    RESULT_KINDS,
    ApprovalRecord,
    Disposal,
    DisposalOutcome,
    Feedback,
    FeedbackKind,
    FeedbackState,
    Licence,
    Push,
    PushDirection,
    PushKind,
    ReplyOutcome,
)
from .claims import _claim_if_pending
from .common import (
    _Ctx,
    _require,
    _require_department,
    actor_department,
    actor_name,
    jurisdiction_bureau,
)
from .licences import _licence_transition
from .pushes import _insert_pushes, _new_push


def _mark_sent(ctx: _Ctx, fb: Feedback) -> None:
    fb.state = FeedbackState.PUSHED
    fb.sent_at = ctx.at
    fb.send_late = bool(fb.send_due_date and timezone.localdate(ctx.at) > fb.send_due_date)


def _feedback_push(ctx: _Ctx, fb: Feedback, *, marked: bool = False) -> Push:
    """Push a feedback to the bureau (监管信息推送) and mark it sent, late or not (`marked`: the
    caller wrote it sent already, with its creation)."""
    if not marked:
        _mark_sent(ctx, fb)
        fb.save(update_fields=["state", "sent_at", "send_late"])
    snapshot = feedback_snapshot(fb)
    p = _new_push(
        ctx,
        kind=PushKind.FEEDBACK,
        direction=PushDirection.TO_BUREAU,
        jurisdiction_id=fb.jurisdiction_id,
        sender_id=fb.sender_department_id,
        addressee_id=fb.addressee_department_id,
        record=fb.record,
        licence=fb.licence,
        feedback=fb,
        item_id=fb.record.item_id
        if fb.record_id
        else (fb.licence.item_id if fb.licence_id else None),
        title=f"{source_choice(FeedbackKind, fb.kind)}：{fb.title}",
        case_number=fb.record.case_number if fb.record_id else "",
        applicant_name=(
            fb.record.applicant_name
            if fb.record_id
            else (fb.licence.holder_name if fb.licence_id else "")
        ),
        subject_date=fb.effective_on or fb.published_on,
    )
    (push,) = _insert_pushes(ctx, [(p, snapshot)])
    return push


def feedback_snapshot(fb: Feedback) -> dict:
    """What a feedback push carries: the information and what it concerns."""
    return {
        "feedback": {
            "id": fb.pk,
            "kind": fb.kind,
            "kind_label": source_choice(FeedbackKind, fb.kind),
            "title": fb.title,
            "content": fb.content,
            "document_number": fb.document_number,
            "published_on": fb.published_on,
            "effective_on": fb.effective_on,
            "abnormal": fb.abnormal,
            "sender": {"id": fb.sender_department_id, "name": fb.sender_department.name},
            "send_due_date": fb.send_due_date,
            "send_late": fb.send_late,
            "created_by": fb.created_by_name,
        },
        "record": (
            {
                "id": fb.record_id,
                "case_number": fb.record.case_number,
                "applicant_name": fb.record.applicant_name,
            }
            if fb.record_id
            else None
        ),
        "licence": (
            {
                "id": fb.licence_id,
                "number": fb.licence.number,
                "holder_name": fb.licence.holder_name,
                "state": fb.licence.state,
            }
            if fb.licence_id
            else None
        ),
    }


def feedback_create(
    *,
    actor,
    kind: str,
    title: str,
    content: str,
    published_on,
    record: ApprovalRecord | None = None,
    licence: Licence | None = None,
    abnormal: bool | None = None,
    document_number: str = "",
    effective_on=None,
    at: dt.datetime | None = None,
    department=None,
) -> Feedback:
    """Send supervision information to the bureau (监管信息反馈, 000 §17, 002 §17(二)).

    Deadline: `feedback_push_days` working days after its publication or decision date (the
    effective date for penalties under `penalty_feedback_on_effect`); later is flagged late.
    Under `abnormal_only_feedback` a normal inspection result is recorded without a push; a
    penalty not yet effective under `penalty_feedback_on_effect` is held and pushed when it
    takes effect (the held-feedback sweep)."""
    _require(actor, Perm.FEEDBACK_SEND, "无权发送监管信息")
    if department is not None:
        sender = (
            department
            if isinstance(department, Department)
            else (Department.objects.filter(pk=department).first())
        )
        if sender is None:
            raise ValidationFailed("bad_department", "发送部门不存在", "department")
        _require_department(actor, sender.pk, "只能以本部门名义发送监管信息")
    else:
        if actor is None or actor.department_id is None:
            raise ValidationFailed("department_required", "请指定发送部门", "department")
        sender = actor_department(actor)
    if sender.kind not in (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT):
        raise PermissionDenied("forbidden", "只有行业主管部门和执法机构可以发送监管信息")
    jid = sender.jurisdiction_id
    kind = v.clean_choice(kind, FeedbackKind, "kind", "信息类型")
    title = v.clean_text(title, "title", "标题", 200, required=True)
    content = v.clean_text(content, "content", "内容", 10000, required=True, multiline=True)
    document_number = v.clean_text(document_number, "document_number", "文书号", 100)
    published_on = v.clean_date(published_on, "published_on", "公布/决定日期", required=True)
    v.not_future(published_on, "published_on", "公布/决定日期")
    effective_on = v.clean_date(effective_on, "effective_on", "生效日期")
    if record is not None and record.jurisdiction_id != jid:
        raise ValidationFailed("bad_record", "办件不属于本行政区划", "record")
    if licence is not None and licence.jurisdiction_id != jid:
        raise ValidationFailed("bad_licence", "证照不属于本行政区划", "licence")
    if record is not None and licence is None:
        licence = Licence.objects.filter(record_id=record.pk).first()
    if licence is not None and record is None and licence.record_id:
        record = licence.record
    if record is not None and licence is not None and licence.record_id not in (None, record.pk):
        raise ValidationFailed("licence_mismatch", "证照与办件不对应", "licence")
    params, version = params_for_jurisdiction(jid)
    if kind in RESULT_KINDS and abnormal is None:
        raise ValidationFailed("abnormal_required", "请说明检查结果是否异常", "abnormal")
    if kind not in RESULT_KINDS:
        abnormal = None
    if kind == FeedbackKind.PENALTY and params.penalty_feedback_on_effect and not effective_on:
        raise ValidationFailed("effective_on_required", "请填写处罚决定生效日期", "effective_on")
    if kind == FeedbackKind.REVOCATION_OPINION and licence is None:
        raise ValidationFailed("licence_required", "处置意见须指明所涉证照", "licence")
    if kind == FeedbackKind.CORRECTION_REQUEST and record is None:
        raise ValidationFailed("record_required", "纠错建议须指明所涉办件", "record")
    if effective_on and effective_on < published_on:
        raise ValidationFailed("bad_effective_on", "生效日期不能早于决定日期", "effective_on")
    if record is not None:
        bureau_id = record.department_id
    elif licence is not None:
        bureau_id = licence.department_id
    else:
        bureau = jurisdiction_bureau(jid)
        if bureau is None:
            raise ValidationFailed("no_bureau", "本行政区划尚未设立行政审批局", "jurisdiction")
        bureau_id = bureau.pk
    ctx = _Ctx(at=at or timezone.now())
    ctx.params[jid] = (params, version)
    today = timezone.localdate(ctx.at)
    held = bool(
        kind == FeedbackKind.PENALTY
        and params.penalty_feedback_on_effect
        and effective_on
        and effective_on > today
    )
    start = (
        effective_on
        if (kind == FeedbackKind.PENALTY and params.penalty_feedback_on_effect and effective_on)
        else published_on
    )
    due = workdays.add_working_days(start, params.feedback_push_days)
    recorded_only = bool(
        params.abnormal_only_feedback and kind in RESULT_KINDS and abnormal is False
    )
    with transaction.atomic():
        fb = Feedback(
            jurisdiction_id=jid,
            kind=kind,
            sender_department=sender,
            addressee_department_id=bureau_id,
            record=record,
            licence=licence,
            abnormal=abnormal,
            title=title,
            content=content,
            document_number=document_number,
            published_on=published_on,
            effective_on=effective_on,
            send_due_date=due.date,
            send_provisional=due.provisional,
            state=(
                FeedbackState.HELD
                if held
                else FeedbackState.RECORDED
                if recorded_only
                else FeedbackState.PUSHED
            ),
            profile_version_id=version,
            created_by_name=actor_name(actor),
            created_at=ctx.at,
        )
        if fb.state == FeedbackState.PUSHED:
            _mark_sent(ctx, fb)  # written sent with its creation: one write, not two
        fb.save(force_insert=True)
        push = None
        if fb.state == FeedbackState.PUSHED:
            push = _feedback_push(ctx, fb, marked=True)
        else:
            outbox_emit(
                event_type="feedback.recorded",
                jurisdiction_id=jid,
                payload={
                    "feedback_id": fb.pk,
                    "kind": kind,
                    "state": fb.state,
                    "effective_on": effective_on,
                },
                department_ids=[sender.pk],
                aggregate=fb,
            )
        if kind == FeedbackKind.CORRECTION_REQUEST and push is not None:
            dl = deadline_open(
                jurisdiction_id=jid,
                subject_type="linkage.feedback",
                subject_id=fb.pk,
                purpose="correction_reply",
                start_at=ctx.at,
                budget_days=params.correction_reply_days,
                profile_version_id=version,
            )
            fb.reply_deadline = dl
            fb.save(update_fields=["reply_deadline"])
        if hooks.has(hooks.FEEDBACK_CREATED):
            hooks.fire(hooks.FEEDBACK_CREATED, actor=actor, feedback=fb, push=push)
        audit_record(  # last: the chain lock is held from here to the commit only
            actor=actor,
            action="feedback.create",
            obj=fb,
            after={
                "kind": kind,
                "title": title,
                "record_id": fb.record_id,
                "licence_id": fb.licence_id,
                "state": fb.state,
                "send_due_date": fb.send_due_date,
                "send_late": fb.send_late,
                "push_id": push.pk if push else None,
            },
        )
    return fb


def feedback_release(*, feedback: Feedback, at: dt.datetime | None = None) -> Push | None:
    """Push a held penalty once it has taken effect (处罚决定生效后推送, 003 四(三)); idempotent."""
    ctx = _Ctx(at=at or timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence")
            .get(pk=feedback.pk)
        )
        if fb.state != FeedbackState.HELD:
            return None
        if fb.effective_on and fb.effective_on > timezone.localdate(ctx.at):
            return None
        push = _feedback_push(ctx, fb)
        audit_record(
            actor=None,
            action="feedback.release",
            obj=fb,
            after={"push_id": push.pk, "effective_on": fb.effective_on, "send_late": fb.send_late},
        )
        if hooks.has(hooks.FEEDBACK_RELEASED):
            hooks.fire(hooks.FEEDBACK_RELEASED, actor=None, feedback=fb, push=push)
    return push


def _bureau_push_of(fb: Feedback) -> Push | None:
    return Push.objects.filter(feedback_id=fb.pk, kind=PushKind.FEEDBACK).order_by("id").first()


def disposal_record(
    *,
    actor,
    feedback: Feedback,
    outcome: str,
    decided_on,
    decision_number: str = "",
    reason: str = "",
) -> Disposal:
    """Record the bureau's disposal of a revocation opinion (处置意见办理, 000 §17): the licence is
    cancelled (注销), annulled (撤销) or revoked (吊销) with the decision number and date — or
    the opinion is declined with reasons — and the outcome is pushed back to the regulator."""
    _require(actor, Perm.DISPOSAL_RECORD, "无权办理处置意见")
    _require_department(actor, feedback.addressee_department_id, "只能办理推送给本部门的处置意见")
    if feedback.kind != FeedbackKind.REVOCATION_OPINION:
        raise Conflict("not_revocation_opinion", "只有吊销/注销处置意见需要办理处置", "feedback")
    outcome = v.clean_choice(outcome, DisposalOutcome, "outcome", "处置结果")
    decided_on = v.clean_date(decided_on, "decided_on", "决定日期", required=True)
    v.not_future(decided_on, "decided_on", "决定日期")
    decision_number = v.clean_text(decision_number, "decision_number", "决定文书号", 100)
    reason = v.clean_text(reason, "reason", "说明", 1000, multiline=True)
    if outcome == DisposalOutcome.DECLINE and not reason:
        raise ValidationFailed("required", "不予处置须说明理由", "reason")
    if outcome != DisposalOutcome.DECLINE and not decision_number:
        raise ValidationFailed("required", "请填写决定文书号", "decision_number")
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence")
            .get(pk=feedback.pk)
        )
        if fb.state != FeedbackState.PUSHED:
            raise Conflict("not_pushed", "该信息尚未推送至本部门", "feedback")
        if Disposal.objects.filter(feedback_id=fb.pk).exists():
            raise Conflict("already_disposed", "该处置意见已办理", "feedback")
        bp = _bureau_push_of(fb)
        if bp is not None:
            _claim_if_pending(ctx, actor, bp)
        lic = Licence.objects.select_for_update().get(pk=fb.licence_id) if fb.licence_id else None
        if outcome != DisposalOutcome.DECLINE:
            _licence_transition(
                ctx,
                actor,
                lic,
                DISPOSAL_LICENCE_STATE[outcome],
                effective_on=decided_on,
                decision_number=decision_number,
                reason=reason or fb.title,
                feedback=fb,
            )
        d = Disposal.objects.create(
            jurisdiction_id=fb.jurisdiction_id,
            feedback=fb,
            licence=lic,
            department_id=fb.addressee_department_id,
            outcome=outcome,
            decision_number=decision_number,
            decided_on=decided_on,
            reason=reason,
            recorded_by_name=actor_name(actor),
            recorded_at=ctx.at,
        )
        p = _new_push(
            ctx,
            kind=PushKind.DISPOSAL,
            direction=PushDirection.TO_REGULATOR,
            jurisdiction_id=fb.jurisdiction_id,
            sender_id=fb.addressee_department_id,
            addressee_id=fb.sender_department_id,
            record=fb.record,
            licence=lic,
            feedback=fb,
            item_id=lic.item_id if lic else None,
            title=f"处置结果（{source_choice(DisposalOutcome, outcome)}）：{fb.title}",
            case_number=fb.record.case_number if fb.record_id else "",
            applicant_name=lic.holder_name if lic else "",
            subject_date=decided_on,
        )
        snap = {
            "disposal": {
                "id": d.pk,
                "outcome": outcome,
                "outcome_label": source_choice(DisposalOutcome, outcome),
                "decision_number": decision_number,
                "decided_on": decided_on,
                "reason": reason,
                "recorded_by": d.recorded_by_name,
            },
            **feedback_snapshot(fb),
        }
        (push,) = _insert_pushes(ctx, [(p, snap)])
        audit_record(
            actor=actor,
            action="disposal.record",
            obj=d,
            after={
                "feedback_id": fb.pk,
                "licence_id": lic.pk if lic else None,
                "outcome": outcome,
                "decision_number": decision_number,
                "decided_on": decided_on,
                "push_id": push.pk,
            },
        )
    return d


def correction_reply(*, actor, feedback: Feedback, outcome: str, text: str) -> Feedback:
    """Answer a correction request (纠错答复, 000 §20): corrected or explained, within the
    profile's `correction_reply_days`; the answer is pushed back to the regulator."""
    _require(actor, Perm.DISPOSAL_RECORD, "无权答复纠错建议")
    _require_department(actor, feedback.addressee_department_id, "只能答复推送给本部门的纠错建议")
    if feedback.kind != FeedbackKind.CORRECTION_REQUEST:
        raise Conflict("not_correction_request", "只有纠错建议需要答复", "feedback")
    outcome = v.clean_choice(outcome, ReplyOutcome, "outcome", "答复结果")
    text = v.clean_text(text, "text", "答复内容", 5000, required=True, multiline=True)
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence", "reply_deadline")
            .get(pk=feedback.pk)
        )
        if fb.replied_at is not None:
            raise Conflict("already_replied", "该纠错建议已答复", "feedback")
        if fb.state != FeedbackState.PUSHED:
            raise Conflict("not_pushed", "该信息尚未推送至本部门", "feedback")
        bp = _bureau_push_of(fb)
        if bp is not None:
            _claim_if_pending(ctx, actor, bp)
        late = False
        if fb.reply_deadline_id and fb.reply_deadline.state == DeadlineState.OPEN:
            dl = deadline_close(deadline=fb.reply_deadline, at=ctx.at)
            late = dl.state == DeadlineState.LATE
        fb.reply_outcome = outcome
        fb.reply_text = text
        fb.replied_at = ctx.at
        fb.replied_by_name = actor_name(actor)
        fb.reply_late = late
        fb.save(
            update_fields=[
                "reply_outcome",
                "reply_text",
                "replied_at",
                "replied_by_name",
                "reply_late",
            ]
        )
        p = _new_push(
            ctx,
            kind=PushKind.CORRECTION_REPLY,
            direction=PushDirection.TO_REGULATOR,
            jurisdiction_id=fb.jurisdiction_id,
            sender_id=fb.addressee_department_id,
            addressee_id=fb.sender_department_id,
            record=fb.record,
            licence=fb.licence,
            feedback=fb,
            item_id=fb.record.item_id if fb.record_id else None,
            title=f"纠错答复（{source_choice(ReplyOutcome, outcome)}）：{fb.title}",
            case_number=fb.record.case_number if fb.record_id else "",
            applicant_name=fb.record.applicant_name if fb.record_id else "",
            subject_date=timezone.localdate(ctx.at),
        )
        snap = {
            "reply": {
                "outcome": outcome,
                "outcome_label": source_choice(ReplyOutcome, outcome),
                "text": text,
                "replied_by": fb.replied_by_name,
                "late": late,
            },
            **feedback_snapshot(fb),
        }
        (push,) = _insert_pushes(ctx, [(p, snap)])
        audit_record(
            actor=actor,
            action="correction.reply",
            obj=fb,
            after={"outcome": outcome, "late": late, "push_id": push.pk},
        )
    return fb
