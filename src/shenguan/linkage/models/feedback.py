"""Supervision feedback, disposals and notices (监管反馈、处置、函告)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import (
    DisposalOutcome,
    FeedbackKind,
    FeedbackState,
    NoticeKind,
    ReplyOutcome,
    received_q,
)
from .licences import Licence
from .records import ApprovalRecord


class Feedback(JurisdictionScoped):
    """Supervision information a regulator or enforcement agency sends to the bureau (监管信息
    反馈, 000 §17 §20 §21, 002 §17(二)): inspection results, measures, penalties, revocation
    opinions, correction requests, policy changes, copies of documents."""

    kind = models.CharField("类型", max_length=24, choices=FeedbackKind.choices)
    sender_department = models.ForeignKey(
        "org.Department", verbose_name="发送部门", on_delete=models.PROTECT, related_name="+"
    )
    addressee_department = models.ForeignKey(
        "org.Department", verbose_name="接收部门", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        ApprovalRecord,
        verbose_name="相关办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name="相关证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    abnormal = models.BooleanField("异常结果", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    document_number = models.CharField("文书号", max_length=100, blank=True)
    published_on = models.DateField("公布/决定日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    send_due_date = models.DateField("推送截止日期", null=True, blank=True)
    send_provisional = models.BooleanField("截止日期暂定", default=False)
    sent_at = models.DateTimeField("推送时间", null=True, blank=True)
    send_late = models.BooleanField("逾期推送", default=False)
    state = models.CharField("状态", max_length=10, choices=FeedbackState.choices)
    # correction requests (纠错建议): the bureau's answer and its deadline (000 §20)
    reply_deadline = models.ForeignKey(
        "calendar.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_outcome = models.CharField(
        "答复结果", max_length=10, choices=ReplyOutcome.choices, blank=True
    )
    reply_text = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by_name = models.CharField("答复人", max_length=150, blank=True)
    reply_late = models.BooleanField("逾期答复", default=False)
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "监管信息反馈"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "sender_department", "created_at"], name="lk_fb_j_sender"
            ),
            models.Index(
                fields=["jurisdiction", "addressee_department", "created_at"], name="lk_fb_j_addr"
            ),
            models.Index(
                fields=["jurisdiction", "state", "effective_on"],
                condition=Q(state="held"),
                name="lk_fb_j_held",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The sending and the receiving department, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(sender_department_id=actor.department_id) | Q(
            addressee_department_id=actor.department_id
        )


class Disposal(JurisdictionScoped):
    """The bureau's disposal of a revocation opinion (处置意见办理, 000 §17): 注销/撤销/吊销 with
    its decision number and date, or a reasoned refusal; the outcome goes back to the regulator."""

    feedback = models.OneToOneField(Feedback, on_delete=models.PROTECT, related_name="disposal")
    licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="disposals"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="处置部门", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("处置结果", max_length=10, choices=DisposalOutcome.choices)
    decision_number = models.CharField("决定文书号", max_length=100, blank=True)
    decided_on = models.DateField("决定日期")
    reason = models.CharField("说明", max_length=1000, blank=True)
    recorded_by_name = models.CharField("经办人", max_length=150, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "处置记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decision_number}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its feedback."""
        fb = Feedback.scope_q(actor, action)
        if fb is None:
            return None
        return Q(feedback__in=Feedback.objects.filter(fb))


class Notice(JurisdictionScoped):
    """A notice between the bureau and regulators (通知函告, 000 §21, 002 §10 §20): changes of
    approval items (from the catalogue's change notices), copies of documents, consultations."""

    kind = models.CharField("类型", max_length=24, choices=NoticeKind.choices)
    sender_department = models.ForeignKey(
        "org.Department", verbose_name="发送部门", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    document_number = models.CharField("文号", max_length=100, blank=True)
    published_on = models.DateField("发文日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    change_notice = models.OneToOneField(
        "catalog.ChangeNotice",
        verbose_name="事项调整函告",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField("发送人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "通知函告"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "sender_department", "created_at"], name="lk_nt_j_sender"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The sender, the departments it was pushed to, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(sender_department_id=actor.department_id) | received_q(actor, "notice_id")
