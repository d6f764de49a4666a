"""Deadline alerts (监管预警) raised by the monitor, and the queue of claims it has to look at."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm


class AlertLevel(models.TextChoices):
    """How far a deadline has run (预警等级): yellow at the profile's threshold, red when over."""

    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class AlertReview(models.TextChoices):
    """What an oversight role made of an alert (核查结论)."""

    NONE = "", _("待核查")
    VERIFIED = "verified", _("属实")
    EXCUSED = "excused", _("予以免责")
    REFERRED = "referred", _("移交问责")


class Alert(JurisdictionScoped):
    """One level reached by one deadline (预警): yellow or red, raised by the monitor, closed
    when the deadline closes (on time or late); a responsible department may explain it
    (情况说明) and an oversight role reviews it. One row per object, kind and level."""

    kind = models.CharField("时限类别", max_length=48)
    object_type = models.CharField("对象类型", max_length=48)
    object_id = models.BigIntegerField("对象ID")
    level = models.CharField("等级", max_length=8, choices=AlertLevel.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="责任部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    title = models.CharField("事项", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    start_date = models.DateField("起算日")
    budget_days = models.PositiveIntegerField("时限（工作日）")
    due_date = models.DateField("截止日期")
    provisional = models.BooleanField("截止日期暂定", default=False)
    suspended_days = models.PositiveIntegerField("不计时工作日", default=0)
    raised_at = models.DateTimeField("预警时间", default=timezone.now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_late = models.BooleanField("逾期办结", null=True, blank=True)
    explanation = models.TextField("情况说明", blank=True)
    explained_at = models.DateTimeField("说明时间", null=True, blank=True)
    explained_by_name = models.CharField("说明人", max_length=150, blank=True)
    review = models.CharField(
        "核查结论", max_length=10, choices=AlertReview.choices, blank=True, default=""
    )
    review_note = models.CharField("核查意见", max_length=1000, blank=True)
    reviewed_at = models.DateTimeField("核查时间", null=True, blank=True)
    reviewed_by_name = models.CharField("核查人", max_length=150, blank=True)

    class Meta:
        verbose_name = "监管预警"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "object_id", "level"], name="ov_alert_uniq"
            )
        ]
        indexes = [
            # the open alerts of a jurisdiction by department and level (dashboards, lists)
            models.Index(
                fields=["jurisdiction", "department", "level", "kind"],
                condition=Q(closed_at__isnull=True),
                name="ov_alert_open",
            ),
            models.Index(fields=["jurisdiction", "raised_at"], name="ov_alert_raised"),
            models.Index(fields=["jurisdiction", "department", "raised_at"], name="ov_alert_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.title}"

    @property
    def is_open(self) -> bool:
        """Whether the deadline behind the alert is still running."""
        return self.closed_at is None

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Oversight roles read every alert of their jurisdictions; a department its own."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not (
            actor.can(Perm.PUSH_READ) or actor.can(Perm.ALERT_EXPLAIN)
        ):
            return None
        return Q(department_id=actor.department_id)


class ClaimQueue(models.Model):
    """Pushes just claimed, as linkage reported them (`pushes.claimed`), waiting for the monitor:
    it closes their alerts, records late claims and opens supervision windows. A work queue,
    not a domain table: rows are deleted once handled (like the worker's sweep state)."""

    mode = models.CharField("认领方式", max_length=10)
    at = models.DateTimeField("认领时间")
    push_ids = models.JSONField("推送编号")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "待处理认领"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.mode} {self.at:%Y-%m-%d %H:%M} ({len(self.push_ids)})"
