"""Periodic bulletins of claiming (定期通报, 002 §23) and the exact daily pre-aggregation of
pushes they are computed from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm


class BulletinState(models.TextChoices):
    """Where a bulletin stands (通报状态): a published one is never changed again."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更正版本替代")


class Bulletin(JurisdictionScoped):
    """The bulletin of one period of a jurisdiction (定期通报): per department the pushes
    received and how they were claimed, feedback, corrections, overtime approvals, supervision
    started late or never, open red alerts; a ranking and the departments over the profile's
    serious line. Drafted by the worker, reviewed and published by the reform office;
    published versions are immutable (a correction is a new version)."""

    period = models.CharField("通报周期", max_length=10)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    label = models.CharField("期次", max_length=40)
    version = models.PositiveSmallIntegerField("版本", default=1)
    state = models.CharField(
        "状态", max_length=12, choices=BulletinState.choices, default=BulletinState.DRAFT
    )
    title = models.CharField("标题", max_length=200)
    as_of = models.DateTimeField("统计截止时刻")
    figures = models.JSONField("通报数据")
    remarks = models.TextField("审核意见与说明", blank=True)
    correction_reason = models.CharField("更正原因", max_length=500, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name="更正的版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    generated_by_name = models.CharField("生成人", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by_name = models.CharField("审核人", max_length=150, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by_name = models.CharField("发布人", max_length=150, blank=True)

    class Meta:
        verbose_name = "定期通报"
        ordering = ["-period_start", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "period_start", "period_end", "version"],
                name="ov_bulletin_version",
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "period_start"], name="ov_bul_state")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        """Published or superseded: frozen for good."""
        return self.state != BulletinState.DRAFT

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Oversight roles see drafts too; every department of the jurisdiction sees what is
        published (the bulletin is delivered to every department)."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return ~Q(state=BulletinState.DRAFT)


class ClaimStatus(models.TextChoices):
    """How a push stands for the bulletins (认领情况)."""

    ON_TIME = "on_time", _("按时认领")
    LATE = "late", _("逾期人工认领")
    TIMEOUT = "timeout", _("超时自动认领")
    OPEN = "open", _("未认领")


class PushDayStat(models.Model):
    """Pushes received by one department on one day, by claim status and claim time in working
    days (认领情况日汇总): the exact pre-aggregation the bulletins read. A day is rolled up
    when none of its pushes is still open, and rolled again if one was."""

    jurisdiction = models.ForeignKey("org.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    direction = models.CharField("方向", max_length=16)
    day = models.DateField("推送日期")
    status = models.CharField("认领情况", max_length=10, choices=ClaimStatus.choices)
    claim_wd = models.SmallIntegerField("认领用时（工作日）")  # -1 while open
    n = models.PositiveIntegerField("件数")

    class Meta:
        verbose_name = "认领情况日汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "department", "direction", "status", "claim_wd"],
                name="ov_pds_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id} {self.status} {self.claim_wd}: {self.n}"


class PushRollup(models.Model):
    """That the pushes of a jurisdiction's day are in PushDayStat (日汇总记录), and how many of
    them were still open then (such a day is read live and rolled again)."""

    jurisdiction = models.ForeignKey("org.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("推送日期")
    open_left = models.PositiveIntegerField("汇总时未认领件数", default=0)
    rolled_at = models.DateTimeField("汇总时间", default=timezone.now)

    class Meta:
        verbose_name = "日汇总记录"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="ov_rollup_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day}"
