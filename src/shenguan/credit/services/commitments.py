"""告知承诺 follow-up (002 §6, §19(二)): an approval granted on the applicant's commitment gives
each regulator it is pushed to a verification task due `commitment_check_days` working days
after the push; "not kept" starts the revocation-opinion flow of linkage and puts the subject in
the warning library."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from ..models import CommitmentState, CommitmentTask
from .common import actor_name, normalize_code, require

BASIS = "《聊城市强化审管互动工作暂行办法》第六条、第十九条(二)"


def commitment_tasks_for_completion(*, records, pushes, licences=None, at=None, **_ignored):
    """linkage RECORDS_COMPLETED: one verification task per regulator a 告知承诺 approval was
    pushed to (in the completion's transaction)."""
    from shenguan.outbox.services import outbox_emit_many
    from shenguan.policy.selectors import params_for_jurisdiction

    committed = {
        r.pk: r for r in records if r.acceptance_mode == "commitment" and r.result == "granted"
    }
    if not committed:
        return []
    at = at or timezone.now()
    licences = licences or {}
    budgets: dict[int, int] = {}
    tasks = []
    for p in pushes or ():
        r = committed.get(p.record_id)
        if r is None or p.kind != "approval":
            continue
        if r.jurisdiction_id not in budgets:
            budgets[r.jurisdiction_id] = params_for_jurisdiction(r.jurisdiction_id)[
                0
            ].commitment_check_days
        budget = budgets[r.jurisdiction_id]
        start = workdays.local_date(at)
        try:
            due = workdays.add_working_days(at, budget)
            due_date, provisional = due.date, due.provisional
        except ValueError:
            due_date, provisional = start, True
        lic = licences.get(r.pk)
        code = r.applicant_uscc if r.applicant_kind == "legal" else r.applicant_id_number
        tasks.append(
            CommitmentTask(
                jurisdiction_id=r.jurisdiction_id,
                record_id=r.pk,
                licence_id=lic.pk if lic is not None else None,
                push_id=p.pk,
                department_id=p.addressee_department_id,
                subject_name=r.applicant_name,
                code=normalize_code(code),
                commitment_text=r.commitment_text,
                start=start,
                budget_days=budget,
                due_date=due_date,
                provisional=provisional,
            )
        )
    if not tasks:
        return []
    CommitmentTask.objects.bulk_create(tasks, ignore_conflicts=True)
    saved = list(CommitmentTask.objects.filter(record_id__in=list(committed)).order_by("id"))
    outbox_emit_many(
        events=[
            {
                "event_type": "credit.commitment_task",
                "jurisdiction_id": t.jurisdiction_id,
                "payload": {"task_id": t.pk, "record_id": t.record_id, "due_date": t.due_date},
                "department_ids": [t.department_id],
                "aggregate": t,
            }
            for t in saved
        ]
    )
    for t in saved:
        audit_record(
            actor=None,
            action="credit.commitment_task",
            obj=t,
            after={
                "record_id": t.record_id,
                "department_id": t.department_id,
                "due_date": t.due_date,
                "budget_days": t.budget_days,
            },
        )
    return saved


def commitment_verify(*, actor, task: CommitmentTask, kept: bool, evidence: str) -> CommitmentTask:
    """The regulator records whether the commitment was kept (承诺核查), with its evidence.
    Not kept: a revocation opinion (吊销/撤销处置意见) goes to the bureau through linkage, and the
    subject enters the warning library."""
    from shenguan.linkage.services import feedback_create

    from .warnings import warning_add_system

    require(actor, Perm.COMMITMENT_VERIFY, "无权核查告知承诺")
    if actor is not None and actor.department_id != task.department_id:
        raise PermissionDenied("forbidden_department", "只能核查本部门的告知承诺任务")
    evidence = " ".join(str(evidence or "").split())
    if len(evidence) < 2:
        raise ValidationFailed("evidence_required", "请填写核查情况与证据", "evidence")
    if len(evidence) > 5000:
        raise ValidationFailed("evidence_too_long", "核查情况不得超过5000字", "evidence")
    if not isinstance(kept, bool):
        raise ValidationFailed("kept_required", "请选择是否履行承诺", "kept")
    with transaction.atomic():
        t = CommitmentTask.objects.select_for_update().get(pk=task.pk)
        if t.state != CommitmentState.OPEN:
            raise Conflict("already_verified", "该告知承诺已核查", "state")
        t.state = CommitmentState.KEPT if kept else CommitmentState.NOT_KEPT
        t.evidence = evidence
        t.verified_at = timezone.now()
        t.verified_by_name = actor_name(actor)
        if not kept:
            t.warning = warning_add_system(
                jurisdiction_id=t.jurisdiction_id,
                code=t.code,
                subject_name=t.subject_name,
                subject_kind="legal"
                if len(t.code) == 18 and not t.code[:17].isdigit()
                else "person",
                reason_kind="broken_commitment",
                reason=f"告知承诺未履行：{evidence[:300]}",
                source_type="credit.commitmenttask",
                source_id=t.pk,
                measures="不再适用告知承诺、容缺受理、绿色通道",
                actor=actor,
            )
            if t.licence_id:
                from shenguan.linkage.models import Licence

                fb = feedback_create(
                    actor=actor,
                    kind="revocation_opinion",
                    title=f"告知承诺未履行，建议撤销许可：{t.subject_name}",
                    content=f"经核查，申请人未履行告知承诺（{BASIS}）。核查情况：{evidence}",
                    published_on=timezone.localdate(),
                    licence=Licence.objects.get(pk=t.licence_id),
                    department=t.department_id,
                )
                t.revocation_feedback_id = fb.pk
        t.save()
        audit_record(
            actor=actor,
            action="credit.commitment_verify",
            obj=t,
            after={
                "state": t.state,
                "evidence": evidence,
                "revocation_feedback_id": t.revocation_feedback_id,
                "warning_id": t.warning_id,
            },
        )
    return t
