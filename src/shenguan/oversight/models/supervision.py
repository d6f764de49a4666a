"""Supervision after a claim (调度监管, 004 三(三)3) and the bureau's handling of feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm


class SupervisionState(models.TextChoices):
    """Where the supervision of a claimed approval stands (监管状态)."""

    WAITING = "waiting", _("待启动")
    ASSIGNED = "assigned", _("已分派")
    STARTED = "started", _("监管中")
    FINISHED = "finished", _("已办结")


# Allowed transitions (state machine): assignment may be changed until supervision starts.
SUPERVISION_TRANSITIONS: dict[str, frozenset[str]] = {
    SupervisionState.WAITING: frozenset({SupervisionState.ASSIGNED, SupervisionState.STARTED}),
    SupervisionState.ASSIGNED: frozenset({SupervisionState.ASSIGNED, SupervisionState.STARTED}),
    SupervisionState.STARTED: frozenset({SupervisionState.FINISHED}),
    SupervisionState.FINISHED: frozenset(),
}


class StartKind(models.TextChoices):
    """How supervision started (启动方式, DOMAIN §4.22)."""

    INSPECTION = "inspection", _("首次检查")
    SPOT_CHECK_PLAN = "spot_check_plan", _("纳入“双随机”抽查计划")
    NO_INSPECTION = "no_inspection", _("经研究决定不实施检查（附理由）")


class SupervisionResult(models.TextChoices):
    """The result of a finished supervision (监管结果)."""

    NORMAL = "normal", _("未发现问题")
    RECTIFIED = "rectified", _("发现问题已责令整改")
    MEASURE = "measure", _("采取行政措施")
    PENALTY = "penalty", _("立案查处")
    NOT_APPLICABLE = "not_applicable", _("不需检查")


class SupervisionTask(JurisdictionScoped):
    """The supervision of one claimed approval (事中事后监管任务): opened by the claim with a
    working-day window to start (start, budget, due date, provisional flag; ADR 0004), assigned
    to a division and inspector, started (first inspection, spot-check plan entry or a
    documented decision not to inspect) and finished with a result that may be fed back to the
    bureau. No start within the window is failed supervision (监管不到位, 000 §25)."""

    push = models.OneToOneField(
        "linkage.Push", on_delete=models.PROTECT, related_name="supervision_task"
    )
    record = models.ForeignKey(
        "linkage.ApprovalRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="监管部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    title = models.CharField("事项", max_length=300)
    case_number = models.CharField("办件编号", max_length=64, blank=True)
    applicant_name = models.CharField("行政相对人", max_length=200, blank=True)
    claimed_at = models.DateTimeField("认领时间")
    # the window to start supervision (启动监管时限)
    start_budget_days = models.PositiveSmallIntegerField("启动时限（工作日）")
    start_due_date = models.DateField("启动截止日期")
    start_due_at = models.DateTimeField("启动截止时刻")
    start_provisional = models.BooleanField("截止日期暂定", default=False)
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=SupervisionState.choices, default=SupervisionState.WAITING
    )
    division = models.ForeignKey(
        "org.Division",
        verbose_name="承办科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="监管人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assigned_at = models.DateTimeField("分派时间", null=True, blank=True)
    assigned_by_name = models.CharField("分派人", max_length=150, blank=True)
    started_at = models.DateTimeField("启动时间", null=True, blank=True)
    start_kind = models.CharField("启动方式", max_length=20, choices=StartKind.choices, blank=True)
    start_note = models.CharField("启动说明", max_length=1000, blank=True)
    started_by_name = models.CharField("启动登记人", max_length=150, blank=True)
    start_late = models.BooleanField("逾期启动", default=False)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.CharField(
        "监管结果", max_length=16, choices=SupervisionResult.choices, blank=True
    )
    result_text = models.TextField("结果说明", blank=True)
    finished_by_name = models.CharField("办结登记人", max_length=150, blank=True)
    feedback = models.ForeignKey(
        "linkage.Feedback",
        verbose_name="反馈审批局",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "事中事后监管任务"
        ordering = ["start_due_date", "id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "department", "state", "start_due_date"],
                name="ov_sup_dept",
            ),
            # the monitor: windows still open (no start yet)
            models.Index(
                fields=["jurisdiction", "start_due_date", "start_budget_days"],
                condition=Q(started_at__isnull=True),
                name="ov_sup_open",
            ),
            models.Index(fields=["jurisdiction", "start_due_date"], name="ov_sup_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The supervising department and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id)


class HandlingAction(models.TextChoices):
    """What the bureau did with a piece of supervision feedback (处理方式, 004 三(三)3)."""

    NOTED = "noted", _("已知悉，归档备查")
    REFERENCE = "reference", _("纳入审批参考（风险提示）")
    WARNING = "warning", _("列入警示信息库")
    LICENCE_CHANGE = "licence_change", _("变更、暂扣或注销许可")
    DISPOSAL = "disposal", _("已办理处置意见")
    CORRECTION = "correction", _("已纠正或答复")
    STANDARD_UPDATE = "standard_update", _("已调整审批标准或办事指南")
    FORWARDED = "forwarded", _("转有关部门办理")
    OTHER = "other", _("其他")


class FeedbackHandling(JurisdictionScoped):
    """What the bureau did with one piece of supervision feedback it received (反馈信息处理
    情况, 004 三(三)3 “依据监管建议作出相应处理”): the action, a note, who and when."""

    feedback = models.OneToOneField(
        "linkage.Feedback", on_delete=models.PROTECT, related_name="handling"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="处理部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    sender_department = models.ForeignKey(
        "org.Department",
        verbose_name="反馈部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    action = models.CharField("处理方式", max_length=20, choices=HandlingAction.choices)
    note = models.TextField("处理说明")
    handled_at = models.DateTimeField("处理时间", default=timezone.now)
    handled_by_name = models.CharField("处理人", max_length=150, blank=True)

    class Meta:
        verbose_name = "反馈信息处理情况"
        ordering = ["-handled_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "department", "handled_at"], name="ov_hdl_dept")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.feedback_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The bureau that handled it, the department that sent the feedback, oversight."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | Q(sender_department_id=actor.department_id)
