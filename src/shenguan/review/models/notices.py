"""Public notices before a decision (审批公示, 000 §19): published on the public site; the
regulators report problems in writing during the period; silence past it means no objection."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import NoticeState, PartyAnswer, PeriodUnit


class PublicNotice(JurisdictionScoped):
    """A notice of a case for public participation: content (personal data masked), its legal
    period in calendar or working days, and the regulators asked for written objections."""

    record = models.ForeignKey(
        "linkage.ApprovalRecord", verbose_name="办件", on_delete=models.PROTECT, related_name="+"
    )
    bureau = models.ForeignKey(
        "org.Department", verbose_name="审批部门", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("公示标题", max_length=200)
    content = models.TextField("公示内容")
    applicant_shown = models.CharField("公示申请人", max_length=200)
    period_unit = models.CharField("公示期计算", max_length=10, choices=PeriodUnit.choices)
    period_days = models.PositiveSmallIntegerField("公示期（日）")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    state = models.CharField(
        "状态", max_length=10, choices=NoticeState.choices, default=NoticeState.OPEN
    )
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by_name = models.CharField("发布人", max_length=150)
    closed_at = models.DateTimeField("结束登记时间", null=True, blank=True)
    closed_by_name = models.CharField("结束登记人", max_length=150, blank=True)

    class Meta:
        verbose_name = "审批公示"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "record"], name="rv_notice_j_rec"),
            models.Index(fields=["ends_on", "id"], condition=Q(state="open"), name="rv_notice_due"),
            models.Index(fields=["jurisdiction", "starts_on"], name="rv_notice_public"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The bureau, the regulators asked, oversight (the public reads the public page)."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        asked = NoticeParty.objects.filter(department_id=actor.department_id).values("notice_id")
        return Q(bureau_id=actor.department_id) | Q(pk__in=asked)


class NoticeParty(models.Model):
    """A regulator asked about a notice, and its written answer (or the deemed one)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="parties")
    department = models.ForeignKey(
        "org.Department", verbose_name="监管部门", on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(
        "意见", max_length=12, choices=PartyAnswer.choices, default=PartyAnswer.PENDING
    )
    text = models.TextField("书面意见", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by_name = models.CharField("答复人", max_length=150, blank=True)
    handling = models.TextField("处理情况", blank=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by_name = models.CharField("处理人", max_length=150, blank=True)

    class Meta:
        verbose_name = "公示征求意见部门"
        constraints = [
            models.UniqueConstraint(fields=["notice", "department"], name="rv_uniq_notice_party")
        ]
        indexes = [
            models.Index(fields=["notice"], condition=Q(answer="pending"), name="rv_party_pending")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.department_id}"


class NoticeComment(models.Model):
    """A comment from the public sent through the public page's form (rate limited)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    text = models.TextField("意见内容")
    created_at = models.DateTimeField(default=timezone.now)
    handling = models.TextField("处理情况", blank=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by_name = models.CharField("处理人", max_length=150, blank=True)

    class Meta:
        verbose_name = "公众意见"
        ordering = ["notice_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id}@{self.created_at:%Y-%m-%d}"
