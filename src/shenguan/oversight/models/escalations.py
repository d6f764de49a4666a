"""Escalation (督办, 002 §23–24): reminder by the bureau → 约谈 by the government office →
accountability (问责) by the discipline office, each step with a deadline and a document."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import BUREAU_ROLES, Perm


class EscalationBasis(models.TextChoices):
    """Why a department is under escalation (督办事由)."""

    LATE_CLAIMS = "late_claims", _("超期认领情况严重（定期通报）")
    BY_HAND = "by_hand", _("履职不到位（人工督办）")
    POLICY_NOT_FORWARDED = "policy_not_forwarded", _("新要求、新政策推送或抄送不及时")
    MISCONDUCT = "misconduct", _("审管互动过程中不作为乱作为")


class EscalationLevel(models.TextChoices):
    """A step of escalation (督办环节)."""

    REMINDER = "reminder", _("提醒")
    INTERVIEW = "interview", _("约谈")
    ACCOUNTABILITY = "accountability", _("问责")


class EscalationState(models.TextChoices):
    """Where an escalation stands (督办状态)."""

    OPEN = "open", _("督办中")
    RECTIFIED = "rectified", _("整改到位")
    CONCLUDED = "concluded", _("已作出问责处理")


class StepState(models.TextChoices):
    """Where one step stands (环节状态)."""

    PENDING = "pending", _("待办理")
    DONE = "done", _("已办结")


class Escalation(JurisdictionScoped):
    """A department under escalation (督办案件): opened by a reminder from a bulletin or by
    hand, escalated when the next period's figures do not improve (profile rule), closed when
    rectified or when the discipline office records the outcome."""

    department = models.ForeignKey(
        "org.Department", verbose_name="被督办部门", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField("督办事由", max_length=24, choices=EscalationBasis.choices)
    summary = models.TextField("问题概述")
    bulletin = models.ForeignKey(
        "Bulletin",
        verbose_name="依据通报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(
        "当前环节",
        max_length=16,
        choices=EscalationLevel.choices,
        default=EscalationLevel.REMINDER,
    )
    state = models.CharField(
        "状态", max_length=12, choices=EscalationState.choices, default=EscalationState.OPEN
    )
    periods_without_improvement = models.PositiveSmallIntegerField("未改进周期数", default=0)
    # the end of the period (or the day) the current step answers: only bulletins of later
    # periods are weighed against it ("the next period's figures", 002 §23)
    baseline_end = models.DateField("评估基准日")
    evaluated_bulletins = models.JSONField("已评估的通报", default=list)
    opened_at = models.DateTimeField("立案时间", default=timezone.now)
    opened_by_name = models.CharField("立案人", max_length=150, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    closing_note = models.CharField("结案说明", max_length=1000, blank=True)

    class Meta:
        verbose_name = "督办"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "department", "state"], name="ov_esc_dept"),
            models.Index(fields=["jurisdiction", "state", "opened_at"], name="ov_esc_state"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.get_level_display()}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Oversight roles, the jurisdiction's bureau (it issues the reminders) and the
        department under escalation."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        q = Q(department_id=actor.department_id)
        if actor.role_set & BUREAU_ROLES:
            q |= Q(jurisdiction_id=actor.jurisdiction_id)
        return q


class EscalationStep(JurisdictionScoped):
    """One step of an escalation (督办环节): who issued it, its deadline (a calendar.Deadline),
    the document generated from its template (frozen text, printable) and how it was done:
    the meeting record of a 约谈 (date, attendees, commitments), the outcome of 问责."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="steps")
    level = models.CharField("环节", max_length=16, choices=EscalationLevel.choices)
    state = models.CharField(
        "状态", max_length=10, choices=StepState.choices, default=StepState.PENDING
    )
    issued_by_department = models.ForeignKey(
        "org.Department",
        verbose_name="办理机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by_name = models.CharField("经办人", max_length=150, blank=True)
    issued_at = models.DateTimeField("发起时间", default=timezone.now)
    deadline = models.ForeignKey(
        "calendar.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField("文书编号", max_length=64)
    document_title = models.CharField("文书标题", max_length=200)
    document_text = models.TextField("文书内容")
    meeting_date = models.DateField("约谈日期", null=True, blank=True)
    attendees = models.TextField("参加人员", blank=True)
    commitments = models.TextField("整改承诺", blank=True)
    outcome = models.TextField("处理结果", blank=True)
    record_text = models.TextField("办理记录文书", blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    done_by_name = models.CharField("办结人", max_length=150, blank=True)

    class Meta:
        verbose_name = "督办环节"
        ordering = ["escalation_id", "issued_at", "id"]
        indexes = [models.Index(fields=["jurisdiction", "level", "state"], name="ov_step_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.document_number}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Like the escalation, except that accountability (问责) steps are read by oversight
        roles and the department concerned only, not by the bureau."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        own = Q(escalation__department_id=actor.department_id)
        if actor.role_set & BUREAU_ROLES:
            own |= Q(jurisdiction_id=actor.jurisdiction_id) & ~Q(
                level=EscalationLevel.ACCOUNTABILITY
            )
        return own
