"""Technical opinion requests to regulators and their written opinions (技术审查函与书面意见,
000 §18, 002 §12)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import Conclusion, RequestState, StepKind


class OpinionRequest(JurisdictionScoped):
    """The bureau asks the department the step table names to perform a technical step of an
    accepted case and to answer in writing (书面函告) within the step's working days. The request
    and the opinion each travel as a push (claimed like the others); the time between them is a
    suspension of the case's approval time limit (行政许可法第四十五条)."""

    record = models.ForeignKey(
        "linkage.ApprovalRecord",
        verbose_name="办件",
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.ForeignKey(
        "review.TechnicalStep",
        verbose_name="技术性环节",
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_kind = models.CharField("技术环节", max_length=20, choices=StepKind.choices)
    bureau = models.ForeignKey(
        "org.Department",
        verbose_name="审批部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="实施部门", on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField("请求事项", blank=True)
    requested_at = models.DateTimeField("发函时间")
    requested_by_name = models.CharField("发函人", max_length=150)
    # the answer deadline (答复时限): the step's working days from the day of receipt
    start_date = models.DateField("起算日期")
    budget_days = models.PositiveSmallIntegerField("答复时限（工作日）")
    due_date = models.DateField("答复截止日期")
    due_at = models.DateTimeField("答复截止时刻")
    provisional = models.BooleanField("截止日期暂定", default=False)
    request_push = models.ForeignKey(
        "linkage.Push",
        verbose_name="技术审查函推送",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    suspension = models.ForeignKey(
        "linkage.CaseSuspension",
        verbose_name="审批时限中止",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    state = models.CharField(
        "状态", max_length=10, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    # the written opinion (书面意见)
    conclusion = models.CharField("结论", max_length=12, choices=Conclusion.choices, blank=True)
    reasons = models.TextField("条件或理由", blank=True)
    performers = models.CharField("实施人员", max_length=300, blank=True)
    signing_leader = models.CharField("签发领导", max_length=50, blank=True)
    opinion_date = models.DateField("意见日期", null=True, blank=True)
    attachments = models.JSONField("附件", default=list, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by_name = models.CharField("答复登记人", max_length=150, blank=True)
    answer_late = models.BooleanField("逾期答复", default=False)
    opinion_push = models.ForeignKey(
        "linkage.Push",
        verbose_name="书面意见推送",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # deciding without the opinion (未等待答复即决定): the bureau records why
    waiver_reason = models.CharField("未等待答复的理由", max_length=500, blank=True)
    waived_at = models.DateTimeField("登记时间", null=True, blank=True)
    waived_by_name = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        verbose_name = "技术审查函"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "record"], name="rv_req_j_rec"),
            models.Index(fields=["jurisdiction", "department", "state"], name="rv_req_j_dept"),
            models.Index(
                fields=["due_date"], condition=Q(state="requested"), name="rv_req_open_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "step_kind"],
                condition=Q(state="requested"),
                name="rv_uniq_open_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.step_kind}"

    @property
    def closed_at(self):
        return self.answered_at or self.waived_at

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The bureau that asked, the department asked, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(bureau_id=actor.department_id) | Q(department_id=actor.department_id)
