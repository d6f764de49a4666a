"""Escalation (督办, 002 §23–24): the bureau reminds a department (提醒) with a rectification
deadline; when the next period's bulletin shows no improvement (the profile's reminder rule
still met for `escalation_interview_after_reminders` periods) the government office holds a
约谈; when that does not help either (`escalation_accountability_after_interviews` periods),
or at once for 002 §24 cases, the department is referred to the discipline office, which
records the outcome (问责). Every step has a deadline (calendar.Deadline), a document made from
a template (frozen, printable), an audit event and outbox notifications."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from shenguan.audit.services import audit_record
from shenguan.calendar.services import deadline_close, deadline_open
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.models import Department, User
from shenguan.org.roles import DepartmentKind, Perm, Role
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..kinds import STEP_PURPOSE
from ..models import (
    Bulletin,
    Escalation,
    EscalationBasis,
    EscalationLevel,
    EscalationState,
    EscalationStep,
    StepState,
)
from ._common import actor_name, require, require_reach

DOC_PREFIX = {
    EscalationLevel.REMINDER: "审管督提",
    EscalationLevel.INTERVIEW: "审管督谈",
    EscalationLevel.ACCOUNTABILITY: "审管移",
}
DOC_TITLE = {
    EscalationLevel.REMINDER: "审管互动履职提醒函",
    EscalationLevel.INTERVIEW: "约谈通知书",
    EscalationLevel.ACCOUNTABILITY: "问题线索移送函",
}
TARGET_KINDS = (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT, DepartmentKind.BUREAU)


def _office(jurisdiction_id: int, *kinds: str) -> Department | None:
    """The first active department of the first kind the jurisdiction has."""
    for kind in kinds:
        d = (
            Department.objects.filter(jurisdiction_id=jurisdiction_id, kind=kind, active=True)
            .order_by("sort_order", "id")
            .first()
        )
        if d is not None:
            return d
    return None


def _users(jurisdiction_id: int, role: str) -> list[int]:
    return list(
        User.objects.filter(
            department__jurisdiction_id=jurisdiction_id,
            is_active=True,
            role_assignments__role=role,
        ).values_list("pk", flat=True)
    )


def _document_number(jurisdiction_id: int, level: str, year: int) -> str:
    n = EscalationStep.objects.filter(
        jurisdiction_id=jurisdiction_id, level=level, issued_at__year=year
    ).count()
    return f"{DOC_PREFIX[level]}〔{year}〕{n + 1}号"


def _render(template: str, **ctx) -> str:
    """A document's text from its template, always in Chinese (an official document)."""
    with translation.override("zh-hans"):
        return render_to_string(f"oversight/documents/{template}", ctx).strip()


def _budget(jurisdiction_id: int) -> int:
    from shenguan.policy.selectors import params_for_jurisdiction

    return params_for_jurisdiction(jurisdiction_id)[0].escalation_step_days


def _new_step(
    esc: Escalation,
    level: str,
    *,
    actor,
    issuer: Department | None,
    budget: int,
    template: str,
    extra: dict | None = None,
) -> EscalationStep:
    """Create a step with its deadline and its document (in the caller's transaction)."""
    now = timezone.now()
    step = EscalationStep.objects.create(
        jurisdiction_id=esc.jurisdiction_id,
        escalation=esc,
        level=level,
        issued_by_department=issuer,
        issued_by_name=actor_name(actor),
        issued_at=now,
        document_number=_document_number(esc.jurisdiction_id, level, timezone.localdate(now).year),
        document_title=DOC_TITLE[level],
        document_text="",
    )
    dl = deadline_open(
        jurisdiction_id=esc.jurisdiction_id,
        subject_type="oversight.escalationstep",
        subject_id=step.pk,
        purpose=STEP_PURPOSE,
        start_at=now,
        budget_days=budget,
    )
    step.deadline = dl
    step.document_text = _render(
        template,
        esc=esc,
        step=step,
        department=esc.department,
        issuer=issuer,
        jurisdiction=esc.department.jurisdiction,
        deadline=dl,
        today=timezone.localdate(now),
        **(extra or {}),
    )
    step.save(update_fields=["deadline", "document_text"])
    return step


def _close_step(step: EscalationStep, *, actor, at: dt.datetime | None = None) -> None:
    step.state = StepState.DONE
    step.done_at = at or timezone.now()
    step.done_by_name = actor_name(actor)
    if step.deadline_id and step.deadline.state == "open":
        deadline_close(deadline=step.deadline, at=step.done_at)


def _view(esc: Escalation, step: EscalationStep | None = None) -> dict:
    out = {
        "department_id": esc.department_id,
        "basis": esc.basis,
        "level": esc.level,
        "state": esc.state,
        "periods_without_improvement": esc.periods_without_improvement,
    }
    if step is not None:
        out |= {
            "step_id": step.pk,
            "step_level": step.level,
            "step_state": step.state,
            "document_number": step.document_number,
            "due_date": step.deadline.due_date if step.deadline_id else None,
        }
    return out


def _announce(esc: Escalation, step: EscalationStep, users: list[int], title: str) -> None:
    from shenguan.linkage.services import liaison_user_ids

    target = liaison_user_ids([esc.department_id]).get(esc.department_id, [])
    outbox_emit(
        event_type=f"escalation.{step.level}",
        jurisdiction_id=esc.jurisdiction_id,
        payload={"escalation_id": esc.pk, "step_id": step.pk, "level": step.level},
        department_ids=[esc.department_id],
        aggregate=esc,
        notify_user_ids=sorted(set(target) | set(users)),
        notify={
            "title": title,
            "body": f"{step.document_title} {step.document_number}",
            "link": f"/oversight/escalations/{esc.pk}/",
        },
    )


def _target(actor, department, jurisdiction_check: bool = True) -> Department:
    dept = (
        department
        if isinstance(department, Department)
        else Department.objects.filter(pk=department).first()
    )
    if dept is None or dept.kind not in TARGET_KINDS:
        raise ValidationFailed(
            "bad_department", "被督办部门须为监管部门、执法机构或审批局", "department"
        )
    if actor is not None and dept.jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise ValidationFailed("bad_department", "被督办部门不在本行政区划", "department")
    if Escalation.objects.filter(department=dept, state=EscalationState.OPEN).exists():
        raise Conflict("escalation_open", f"{dept.name}已有进行中的督办", "department")
    return dept


def escalation_remind(
    *,
    actor,
    department,
    summary: str,
    rectify_days: int | None = None,
    bulletin: Bulletin | None = None,
) -> Escalation:
    """The bureau reminds a department (提醒, 002 §23) with a rectification deadline in working
    days: from a published bulletin (超期认领情况严重) or by hand (履职不到位)."""
    require(actor, Perm.ESCALATION_REMIND, "无权发出提醒（须为审批局领导）")
    dept = _target(actor, department)
    if actor is not None and actor.jurisdiction_id != dept.jurisdiction_id:
        raise PermissionDenied("forbidden_jurisdiction", "只能提醒本行政区划的部门")
    if dept.kind == DepartmentKind.BUREAU:
        raise ValidationFailed("bad_department", "审批局不能提醒本局", "department")
    summary = v.text(summary, "summary", "问题概述", 2000, required=True, multiline=True)
    if bulletin is not None and (
        bulletin.jurisdiction_id != dept.jurisdiction_id or not bulletin.is_published
    ):
        raise ValidationFailed("bad_bulletin", "依据的通报须为本行政区划已发布的通报", "bulletin")
    if rectify_days in (None, ""):
        rectify_days = _budget(dept.jurisdiction_id)
    try:
        rectify_days = int(rectify_days)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("bad_days", "整改期限须为整数个工作日", "rectify_days") from exc
    if not 1 <= rectify_days <= 120:
        raise ValidationFailed("bad_days", "整改期限须为1至120个工作日", "rectify_days")
    bureau = _office(dept.jurisdiction_id, DepartmentKind.BUREAU)
    with transaction.atomic():
        esc = Escalation.objects.create(
            jurisdiction_id=dept.jurisdiction_id,
            department=dept,
            basis=EscalationBasis.LATE_CLAIMS if bulletin else EscalationBasis.BY_HAND,
            summary=summary,
            bulletin=bulletin,
            level=EscalationLevel.REMINDER,
            baseline_end=bulletin.period_end if bulletin else timezone.localdate(),
            opened_by_name=actor_name(actor),
        )
        row = None
        if bulletin is not None:
            row = next(
                (r for r in bulletin.figures.get("rows", []) if r["department_id"] == dept.pk),
                None,
            )
        step = _new_step(
            esc,
            EscalationLevel.REMINDER,
            actor=actor,
            issuer=bureau,
            budget=rectify_days,
            template="reminder.txt",
            extra={"bulletin": bulletin, "row": row},
        )
        audit_record(actor=actor, action="escalation.remind", obj=esc, after=_view(esc, step))
        _announce(esc, step, [], f"{dept.name}：审管互动履职提醒")
    return esc


def _escalate(
    esc: Escalation, *, actor, note: str = "", bulletin: Bulletin | None = None
) -> EscalationStep:
    """Move an open escalation one level up and issue the next step (in a transaction); the
    bulletin that showed no improvement (if any) becomes the baseline of the next weighing."""
    pending = esc.steps.filter(state=StepState.PENDING)
    for s in pending.select_related("deadline"):
        _close_step(s, actor=actor)
        s.save(update_fields=["state", "done_at", "done_by_name"])
    if esc.level == EscalationLevel.REMINDER:
        esc.level = EscalationLevel.INTERVIEW
        issuer = _office(
            esc.jurisdiction_id, DepartmentKind.GOV_OFFICE, DepartmentKind.REFORM_OFFICE
        )
        template, users = "interview_notice.txt", _users(esc.jurisdiction_id, Role.REFORM_STAFF)
    elif esc.level == EscalationLevel.INTERVIEW:
        esc.level = EscalationLevel.ACCOUNTABILITY
        issuer = _office(esc.jurisdiction_id, DepartmentKind.DISCIPLINE)
        template = "referral.txt"
        users = _users(esc.jurisdiction_id, Role.DISCIPLINE_INSPECTOR)
    else:
        raise Conflict("top_level", "已移交纪检监察机关，不能再升级", "level")
    esc.periods_without_improvement = 0
    esc.baseline_end = bulletin.period_end if bulletin else timezone.localdate()
    esc.save(update_fields=["level", "periods_without_improvement", "baseline_end"])
    step = _new_step(
        esc,
        esc.level,
        actor=actor,
        issuer=issuer,
        budget=_budget(esc.jurisdiction_id),
        template=template,
        extra={"note": note},
    )
    _announce(esc, step, users, f"{esc.department.name}：{step.get_level_display()}")
    return step


def escalation_escalate(*, actor, escalation: Escalation, note: str) -> Escalation:
    """Escalate by hand (人工升级): to a 约谈 (government office) or to the discipline office."""
    perm = (
        Perm.ESCALATION_INTERVIEW
        if escalation.level == EscalationLevel.REMINDER
        else Perm.ESCALATION_REFER
    )
    require(actor, perm, "无权升级督办")
    require_reach(actor, escalation.jurisdiction_id, "无权督办该行政区划的部门")
    note = v.text(note, "note", "升级理由", 1000, required=True, multiline=True)
    with transaction.atomic():
        esc = (
            Escalation.objects.select_for_update()
            .select_related("department")
            .get(pk=escalation.pk)
        )
        if esc.state != EscalationState.OPEN:
            raise Conflict("closed", "督办已结案", "state")
        before = _view(esc)
        step = _escalate(esc, actor=actor, note=note)
        audit_record(
            actor=actor,
            action="escalation.escalate",
            obj=esc,
            before=before,
            after=_view(esc, step),
        )
    return esc


def escalation_refer(*, actor, department, basis: str, summary: str) -> Escalation:
    """Refer a department to the discipline office at once (移交纪检监察机关, 002 §24): new
    policy not forwarded in time, or 不作为乱作为 in the linkage work."""
    require(actor, Perm.ESCALATION_REFER, "无权移交问责（须为审改办/政府办工作人员）")
    dept = _target(actor, department)
    basis = v.choice(basis, EscalationBasis, "basis", "督办事由")
    if basis == EscalationBasis.LATE_CLAIMS:
        raise ValidationFailed("bad_basis", "超期认领应先提醒、约谈", "basis")
    summary = v.text(summary, "summary", "问题概述", 2000, required=True, multiline=True)
    with transaction.atomic():
        esc = Escalation.objects.create(
            jurisdiction_id=dept.jurisdiction_id,
            department=dept,
            basis=basis,
            summary=summary,
            level=EscalationLevel.ACCOUNTABILITY,
            baseline_end=timezone.localdate(),
            opened_by_name=actor_name(actor),
        )
        step = _new_step(
            esc,
            EscalationLevel.ACCOUNTABILITY,
            actor=actor,
            issuer=_office(dept.jurisdiction_id, DepartmentKind.DISCIPLINE),
            budget=_budget(dept.jurisdiction_id),
            template="referral.txt",
            extra={"note": summary},
        )
        audit_record(actor=actor, action="escalation.refer", obj=esc, after=_view(esc, step))
        _announce(
            esc,
            step,
            _users(dept.jurisdiction_id, Role.DISCIPLINE_INSPECTOR),
            f"{dept.name}：移交问责",
        )
    return esc


def _pending(esc_pk: int, level: str) -> EscalationStep:
    step = (
        EscalationStep.objects.select_for_update(of=("self",))
        .select_related("escalation__department__jurisdiction", "deadline")
        .filter(escalation_id=esc_pk, level=level, state=StepState.PENDING)
        .first()
    )
    if step is None:
        raise Conflict("no_pending_step", "没有待办理的该环节", "level")
    return step


def escalation_interview(
    *, actor, escalation: Escalation, meeting_date, attendees: str, commitments: str
) -> EscalationStep:
    """Record the 约谈 held by the government office (约谈记录): date, attendees, commitments."""
    require(actor, Perm.ESCALATION_INTERVIEW, "无权登记约谈（须为政府办/审改办工作人员）")
    require_reach(actor, escalation.jurisdiction_id, "无权督办该行政区划的部门")
    meeting_date = v.date(meeting_date, "meeting_date", "约谈日期", required=True)
    if meeting_date > timezone.localdate():
        raise ValidationFailed("date_in_future", "约谈日期不能晚于今天", "meeting_date")
    attendees = v.text(attendees, "attendees", "参加人员", 1000, required=True, multiline=True)
    commitments = v.text(
        commitments, "commitments", "整改承诺", 3000, required=True, multiline=True
    )
    with transaction.atomic():
        step = _pending(escalation.pk, EscalationLevel.INTERVIEW)
        esc = step.escalation
        if meeting_date < timezone.localdate(step.issued_at):
            raise ValidationFailed("bad_date", "约谈日期不能早于约谈通知日期", "meeting_date")
        step.meeting_date, step.attendees, step.commitments = meeting_date, attendees, commitments
        _close_step(step, actor=actor)
        step.record_text = _render(
            "interview_record.txt", esc=esc, step=step, department=esc.department
        )
        step.save(
            update_fields=[
                "meeting_date",
                "attendees",
                "commitments",
                "state",
                "done_at",
                "done_by_name",
                "record_text",
            ]
        )
        audit_record(
            actor=actor,
            action="escalation.interview",
            obj=step,
            after={
                "meeting_date": meeting_date,
                "attendees": attendees,
                "commitments": commitments,
            },
        )
        _announce(esc, step, [], f"{esc.department.name}：约谈已记录")
    return step


def escalation_decide(*, actor, escalation: Escalation, outcome: str) -> EscalationStep:
    """The discipline office records the outcome of a referral (问责处理结果); the case ends."""
    require(actor, Perm.ACCOUNTABILITY_RECORD, "无权登记问责结果（须为纪检监察人员）")
    require_reach(actor, escalation.jurisdiction_id, "无权处理该行政区划的问责")
    outcome = v.text(outcome, "outcome", "处理结果", 3000, required=True, multiline=True)
    with transaction.atomic():
        step = _pending(escalation.pk, EscalationLevel.ACCOUNTABILITY)
        esc = Escalation.objects.select_for_update().get(pk=escalation.pk)
        step.outcome = outcome
        _close_step(step, actor=actor)
        step.record_text = _render(
            "accountability.txt",
            esc=step.escalation,
            step=step,
            department=step.escalation.department,
        )
        step.save(update_fields=["outcome", "state", "done_at", "done_by_name", "record_text"])
        esc.state = EscalationState.CONCLUDED
        esc.closed_at = step.done_at
        esc.closing_note = outcome[:1000]
        esc.save(update_fields=["state", "closed_at", "closing_note"])
        audit_record(actor=actor, action="escalation.decide", obj=step, after={"outcome": outcome})
        outbox_emit(
            event_type="escalation.concluded",
            jurisdiction_id=esc.jurisdiction_id,
            payload={"escalation_id": esc.pk, "step_id": step.pk},
            department_ids=[esc.department_id],
            aggregate=esc,
        )
    return step


def escalation_close(*, actor, escalation: Escalation, note: str) -> Escalation:
    """Close an escalation as rectified by hand (整改到位): the bureau at the reminder stage,
    the government office at the 约谈 stage; a referral ends with the discipline office."""
    perm = {
        EscalationLevel.REMINDER: Perm.ESCALATION_REMIND,
        EscalationLevel.INTERVIEW: Perm.ESCALATION_INTERVIEW,
    }.get(escalation.level)
    if perm is None:
        raise Conflict("referred", "已移交纪检监察机关的督办由其作出处理", "level")
    require(actor, perm, "无权办结该督办")
    require_reach(actor, escalation.jurisdiction_id, "无权督办该行政区划的部门")
    note = v.text(note, "note", "结案说明", 1000, required=True, multiline=True)
    with transaction.atomic():
        esc = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if esc.state != EscalationState.OPEN:
            raise Conflict("closed", "督办已结案", "state")
        before = _view(esc)
        _rectified(esc, actor=actor, note=note)
        audit_record(
            actor=actor, action="escalation.close", obj=esc, before=before, after=_view(esc)
        )
    return esc


def _rectified(esc: Escalation, *, actor, note: str) -> None:
    for s in esc.steps.filter(state=StepState.PENDING).select_related("deadline"):
        _close_step(s, actor=actor)
        s.save(update_fields=["state", "done_at", "done_by_name"])
    esc.state = EscalationState.RECTIFIED
    esc.closed_at = timezone.now()
    esc.closing_note = note[:1000]
    esc.save(update_fields=["state", "closed_at", "closing_note"])


def escalations_evaluate(*, bulletin: Bulletin) -> dict:
    """Weigh the open late-claim escalations of a jurisdiction against a newly published
    bulletin of a later period (in the publishing transaction): improved → rectified; not
    improved for the profile's number of periods → the next step (约谈, then 问责)."""
    from shenguan.policy.selectors import params_for_jurisdiction

    params = params_for_jurisdiction(bulletin.jurisdiction_id)[0]
    rows = {r["department_id"]: r for r in bulletin.figures.get("rows", [])}
    out = {"rectified": 0, "escalated": 0, "counted": 0}
    key = bulletin.period_start.isoformat()
    for esc in (
        Escalation.objects.select_for_update()
        .select_related("department")
        .filter(
            jurisdiction_id=bulletin.jurisdiction_id,
            state=EscalationState.OPEN,
            basis=EscalationBasis.LATE_CLAIMS,
        )
        .order_by("id")
    ):
        if key in esc.evaluated_bulletins:
            continue
        if esc.level == EscalationLevel.ACCOUNTABILITY or bulletin.period_start <= esc.baseline_end:
            continue  # referred already, or not a period after the step
        if esc.level == EscalationLevel.INTERVIEW:
            held = esc.steps.filter(level=esc.level, state=StepState.DONE).order_by("-done_at")
            held = held.first()
            if held is None or (bulletin.published_at and bulletin.published_at < held.done_at):
                continue  # the 约谈 has not been held before this bulletin
        row = rows.get(esc.department_id)
        before = _view(esc)
        esc.evaluated_bulletins = [*esc.evaluated_bulletins, key]
        if row is not None and not row["reminder_suggested"]:
            _rectified(esc, actor=None, note=f"{bulletin.label}通报显示超期认领情况已改善")
            out["rectified"] += 1
        else:
            esc.periods_without_improvement += 1
            out["counted"] += 1
            need = (
                params.escalation_interview_after_reminders
                if esc.level == EscalationLevel.REMINDER
                else params.escalation_accountability_after_interviews
            )
            esc.save(update_fields=["evaluated_bulletins", "periods_without_improvement"])
            if esc.periods_without_improvement >= need:
                _escalate(
                    esc, actor=None, note=f"{bulletin.label}通报显示整改不力", bulletin=bulletin
                )
                out["escalated"] += 1
        esc.save(update_fields=["evaluated_bulletins"])
        audit_record(
            actor=None,
            action="escalation.evaluate",
            obj=esc,
            before=before,
            after=_view(esc) | {"bulletin_id": bulletin.pk},
        )
    return out
