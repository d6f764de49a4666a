"""Supervision after a claim (调度监管, 004 三(三)3; DOMAIN §4.22–23): the window opened by the
claim, assignment to a division and inspector, the start and the result (which may be fed back
to the bureau through linkage's feedback), and the bureau's handling of every feedback."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.models import Division, User
from shenguan.org.roles import Perm, Role
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import (
    SUPERVISION_TRANSITIONS,
    FeedbackHandling,
    HandlingAction,
    StartKind,
    SupervisionResult,
    SupervisionState,
    SupervisionTask,
)
from ._common import actor_name, require, require_department


def _id_ranges(ids: list[int]) -> list[list[int]]:
    from ..monitor import id_ranges

    return id_ranges(ids)


def supervision_tasks_open(*, push_ids, at: dt.datetime | None = None) -> list[int]:
    """Open the supervision window (启动监管时限) of claimed approval pushes that have none:
    `supervision_start_days` working days from the claim (ADR 0004 counting); idempotent.
    One audit event per jurisdiction lists the tasks opened. Returns their ids."""
    from shenguan.linkage.models import Push, PushOpen
    from shenguan.policy.selectors import params_for_jurisdiction

    ids = sorted({int(i) for i in push_ids})
    if not ids:
        return []
    at = at or timezone.now()
    have = set(SupervisionTask.objects.filter(push_id__in=ids).values_list("push_id", flat=True))
    opened = set(PushOpen.objects.filter(push_id__in=ids).values_list("push_id", flat=True))
    todo = [i for i in ids if i not in have and i not in opened]
    if not todo:
        return []
    cal = workdays.calendar()
    params: dict[int, tuple] = {}
    dues: dict[tuple, workdays.Due] = {}
    tasks = []
    for p in Push.objects.filter(pk__in=todo, kind="approval").values(
        "id",
        "jurisdiction_id",
        "addressee_department_id",
        "record_id",
        "title",
        "case_number",
        "applicant_name",
        "claimed_at",
        "claim_due_at",
        "claim_policy",
    ):
        jid = p["jurisdiction_id"]
        if jid not in params:
            prm, version = params_for_jurisdiction(jid)
            params[jid] = (prm.supervision_start_days, version)
        budget, version = params[jid]
        claimed = p["claimed_at"] or (p["claim_due_at"] if p["claim_policy"] == "timeout" else at)
        key = (budget, workdays.receipt_date(claimed, cal=cal))
        if key not in dues:
            dues[key] = workdays.add_working_days(key[1], budget, cal=cal)
        due = dues[key]
        tasks.append(
            SupervisionTask(
                jurisdiction_id=jid,
                push_id=p["id"],
                record_id=p["record_id"],
                department_id=p["addressee_department_id"],
                title=p["title"][:300],
                case_number=p["case_number"],
                applicant_name=p["applicant_name"],
                claimed_at=claimed,
                start_budget_days=budget,
                start_due_date=due.date,
                start_due_at=workdays.end_of_day(due.date),
                start_provisional=due.provisional,
                profile_version_id=version,
                created_at=at,
            )
        )
    if not tasks:
        return []
    with transaction.atomic():
        SupervisionTask.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=2000)
        made = list(
            SupervisionTask.objects.filter(
                push_id__in=[t.push_id for t in tasks], created_at=at
            ).values_list("pk", "jurisdiction_id")
        )
        by_j: dict[int, list[int]] = defaultdict(list)
        for pk, jid in made:
            by_j[jid].append(pk)
        for jid, pks in sorted(by_j.items()):
            audit_record(
                actor=None,
                action="supervision.open",
                obj=("oversight.supervisiontask", f"{min(pks)}..{max(pks)}"),
                jurisdiction_id=jid,
                after={"count": len(pks), "task_ids": _id_ranges(pks)},
            )
    return sorted(pk for pk, _j in made)


def supervision_task_for_push(push) -> SupervisionTask | None:
    """The supervision task of a claimed approval push, opened now if the worker has not yet
    (the claim queue is read every minute)."""
    task = SupervisionTask.objects.filter(push_id=push.pk).first()
    if task is None and push.kind == "approval":
        supervision_tasks_open(push_ids=[push.pk])
        task = SupervisionTask.objects.filter(push_id=push.pk).first()
    return task


def _audit_view(t: SupervisionTask) -> dict:
    return {
        "state": t.state,
        "division_id": t.division_id,
        "inspector_id": t.inspector_id,
        "started_at": t.started_at,
        "start_kind": t.start_kind,
        "start_late": t.start_late,
        "result": t.result,
        "feedback_id": t.feedback_id,
    }


def _move(t: SupervisionTask, to: str) -> None:
    if to not in SUPERVISION_TRANSITIONS[t.state]:
        raise Conflict(
            "bad_transition",
            f"监管任务当前为“{t.get_state_display()}”，不能执行此操作",
            "state",
        )
    t.state = to


def supervision_assign(
    *, actor, task: SupervisionTask, division=None, inspector=None
) -> SupervisionTask:
    """Dispatch a claimed approval to a division and an inspector (调度监管, 000 §16)."""
    require(actor, Perm.SUPERVISION_ASSIGN, "无权分派监管任务（须为联络员或分管领导）")
    require_department(actor, task.department_id, "只能分派本部门的监管任务")
    if division in ("", None) and inspector in ("", None):
        raise ValidationFailed("required", "请选择承办科室或监管人员", "division")
    div = None
    if division not in ("", None):
        div = Division.objects.filter(
            pk=getattr(division, "pk", division), department_id=task.department_id, active=True
        ).first()
        if div is None:
            raise ValidationFailed("bad_division", "承办科室不属于本部门", "division")
    person = None
    if inspector not in ("", None):
        person = User.objects.filter(
            pk=getattr(inspector, "pk", inspector),
            department_id=task.department_id,
            is_active=True,
        ).first()
        if person is None or not (person.role_set & {Role.INSPECTOR, Role.REGULATOR_LEADER}):
            raise ValidationFailed("bad_inspector", "监管人员须为本部门的监管人员", "inspector")
    with transaction.atomic():
        t = SupervisionTask.objects.select_for_update().get(pk=task.pk)
        before = _audit_view(t)
        _move(t, SupervisionState.ASSIGNED)
        t.division, t.inspector = div, person
        t.assigned_at = timezone.now()
        t.assigned_by_name = actor_name(actor)
        t.save(update_fields=["state", "division", "inspector", "assigned_at", "assigned_by_name"])
        audit_record(
            actor=actor, action="supervision.assign", obj=t, before=before, after=_audit_view(t)
        )
        outbox_emit(
            event_type="supervision.assigned",
            jurisdiction_id=t.jurisdiction_id,
            payload={"task_id": t.pk, "division_id": t.division_id, "inspector_id": t.inspector_id},
            department_ids=[t.department_id],
            aggregate=t,
            notify_user_ids=[person.pk] if person else [],
            notify={
                "title": "新的监管任务",
                "body": f"{t.title}，请在{t.start_due_date:%Y-%m-%d}前启动监管。",
                "link": f"/oversight/supervision/{t.pk}/",
            },
        )
    return t


def supervision_start(
    *, actor, task: SupervisionTask, kind: str, note: str = "", at: dt.datetime | None = None
) -> SupervisionTask:
    """Record that supervision started (启动监管): a first inspection, an entry in the
    spot-check plan, or a documented decision not to inspect (with its reasons). Late when
    after the window (监管不到位, 000 §25)."""
    require(actor, Perm.SUPERVISION_RECORD, "无权登记监管情况")
    require_department(actor, task.department_id, "只能登记本部门的监管任务")
    kind = v.choice(kind, StartKind, "start_kind", "启动方式")
    note = v.text(note, "start_note", "启动说明", 1000, multiline=True)
    if kind == StartKind.NO_INSPECTION and len(note) < 4:
        raise ValidationFailed("required", "决定不实施检查的，须写明理由", "start_note")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed("date_in_future", "启动时间不能晚于现在", "started_at")
    with transaction.atomic():
        t = SupervisionTask.objects.select_for_update().get(pk=task.pk)
        before = _audit_view(t)
        _move(t, SupervisionState.STARTED)
        t.started_at = at
        t.start_kind, t.start_note = kind, note
        t.started_by_name = actor_name(actor)
        t.start_late = at >= t.start_due_at
        t.save(
            update_fields=[
                "state",
                "started_at",
                "start_kind",
                "start_note",
                "started_by_name",
                "start_late",
            ]
        )
        audit_record(
            actor=actor, action="supervision.start", obj=t, before=before, after=_audit_view(t)
        )
        outbox_emit(
            event_type="supervision.started",
            jurisdiction_id=t.jurisdiction_id,
            payload={"task_id": t.pk, "push_id": t.push_id, "kind": kind, "late": t.start_late},
            department_ids=[t.department_id],
            aggregate=t,
        )
    return t


def supervision_finish(
    *,
    actor,
    task: SupervisionTask,
    result: str,
    text: str,
    feed_back: bool = False,
) -> SupervisionTask:
    """Finish supervision with its result (监管结果); with `feed_back` the result goes to the
    bureau as an inspection feedback (linkage's feedback flow, 000 §17)."""
    require(actor, Perm.SUPERVISION_RECORD, "无权登记监管情况")
    require_department(actor, task.department_id, "只能登记本部门的监管任务")
    result = v.choice(result, SupervisionResult, "result", "监管结果")
    text = v.text(text, "result_text", "结果说明", 5000, required=True, multiline=True)
    with transaction.atomic():
        t = SupervisionTask.objects.select_for_update().get(pk=task.pk)
        before = _audit_view(t)
        _move(t, SupervisionState.FINISHED)
        if feed_back:
            from shenguan.linkage import services as linkage

            fb = linkage.feedback_create(
                actor=actor,
                kind="inspection",
                title=f"监督检查结果：{t.title}"[:200],
                content=text,
                published_on=timezone.localdate(),
                record=t.record,
                abnormal=result != SupervisionResult.NORMAL,
                department=t.department_id,
            )
            t.feedback = fb
        t.result, t.result_text = result, text
        t.finished_at = timezone.now()
        t.finished_by_name = actor_name(actor)
        t.save(
            update_fields=["state", "result", "result_text", "finished_at", "finished_by_name"]
            + (["feedback"] if feed_back else [])
        )
        audit_record(
            actor=actor, action="supervision.finish", obj=t, before=before, after=_audit_view(t)
        )
        outbox_emit(
            event_type="supervision.finished",
            jurisdiction_id=t.jurisdiction_id,
            payload={"task_id": t.pk, "result": result, "feedback_id": t.feedback_id},
            department_ids=[t.department_id],
            aggregate=t,
        )
    return t


def feedback_handle(*, actor, feedback, action: str, note: str) -> FeedbackHandling:
    """Record what the bureau did with a piece of supervision feedback it received (反馈信息
    处理情况, 004 三(三)3 “依据监管建议作出相应处理”); once per feedback. The sender is told."""
    from shenguan.linkage.models import FeedbackState

    require(actor, Perm.FEEDBACK_HANDLE, "无权登记反馈信息处理情况")
    require_department(actor, feedback.addressee_department_id, "只能处理推送给本部门的监管信息")
    action = v.choice(action, HandlingAction, "action", "处理方式")
    note = v.text(note, "note", "处理说明", 2000, required=True, multiline=True)
    if feedback.state != FeedbackState.PUSHED:
        raise Conflict("not_pushed", "该监管信息尚未推送至本部门", "feedback")
    with transaction.atomic():
        if FeedbackHandling.objects.filter(feedback_id=feedback.pk).exists():
            raise Conflict("already_handled", "该监管信息已登记处理情况", "feedback")
        h = FeedbackHandling.objects.create(
            jurisdiction_id=feedback.jurisdiction_id,
            feedback_id=feedback.pk,
            department_id=feedback.addressee_department_id,
            sender_department_id=feedback.sender_department_id,
            action=action,
            note=note,
            handled_by_name=actor_name(actor),
        )
        audit_record(
            actor=actor,
            action="feedback.handle",
            obj=h,
            after={"feedback_id": feedback.pk, "action": action, "note": note},
        )
        outbox_emit(
            event_type="feedback.handled",
            jurisdiction_id=h.jurisdiction_id,
            payload={"feedback_id": feedback.pk, "action": action, "note": note},
            department_ids=[h.department_id, h.sender_department_id],
            aggregate=h,
        )
    return h


def supervision_deadlines_recompute(
    *, actor, dates, include_provisional: bool, reason: str, started_between=None
) -> int:
    """Recompute the windows of supervision not started yet that a calendar change may move
    (a deadline source of calendar.services, ADR 0004): those spanning the changed days and,
    when asked, the provisional ones; each batch audited as one `deadline.recompute` event."""
    from django.db.models import Q

    dates = sorted(set(dates))
    cond = Q(start_provisional=True) if include_provisional else Q(pk__in=[])
    if dates:
        cond |= Q(claimed_at__lt=workdays.end_of_day(dates[-1]), start_due_date__gte=dates[0])
    if started_between:
        cond |= Q(claimed_at__range=started_between)
    ids = list(
        SupervisionTask.objects.filter(cond, started_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    cal = workdays.calendar()
    changed = 0
    for i in range(0, len(ids), 2000):
        with transaction.atomic():
            moved = []
            for t in SupervisionTask.objects.select_for_update().filter(
                pk__in=ids[i : i + 2000], started_at__isnull=True
            ):
                due = workdays.add_working_days(t.claimed_at, t.start_budget_days, cal=cal)
                if (due.date, due.provisional) == (t.start_due_date, t.start_provisional):
                    continue
                moved.append((t.pk, t.start_due_date, due.date))
                t.start_due_date, t.start_provisional = due.date, due.provisional
                t.start_due_at = workdays.end_of_day(due.date)
                t.save(update_fields=["start_due_date", "start_due_at", "start_provisional"])
            if moved:
                audit_record(
                    actor=actor,
                    action="deadline.recompute",
                    obj=("oversight.supervisiontask", f"{moved[0][0]}..{moved[-1][0]}"),
                    after={"reason": reason, "moved": [[p, a, b] for p, a, b in moved]},
                )
                changed += len(moved)
    return changed
