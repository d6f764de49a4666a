"""Calendar days that depart from the weekend rule, loaded years, and stored deadlines."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped


class DayKind(models.TextChoices):
    """How a date departs from the Monday–Friday rule (日期类型)."""

    HOLIDAY = "holiday", _("法定节假日（休）")
    WORKDAY = "workday", _("调休上班（班）")


class CalendarYear(models.Model):
    """A year whose official calendar is loaded (已导入年度); years without one are provisional."""

    year = models.PositiveIntegerField("年度", unique=True)
    source = models.CharField("依据", max_length=300)
    loaded_at = models.DateTimeField("导入时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A public holiday or make-up working day (节假日/调休日) with the notice it comes from."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class DeadlineState(models.TextChoices):
    """State of a deadline (时限状态)."""

    OPEN = "open", _("进行中")
    MET = "met", _("按时完成")
    LATE = "late", _("超时完成")
    CANCELLED = "cancelled", _("已取消")


class Deadline(JurisdictionScoped):
    """A deadline in working days (办理时限): start, budget, due date, provisional flag, outcome.

    Stored as (start, budget) as well as the due date, so that a calendar import or an
    administrator's recompute can move it (ARCHITECTURE.md "Data rules").
    """

    subject_type = models.CharField("对象类型", max_length=64)
    subject_id = models.BigIntegerField("对象ID")
    purpose = models.CharField("用途", max_length=40)
    start_at = models.DateTimeField("起算时间")
    budget_days = models.PositiveIntegerField("时限（工作日）")
    due_date = models.DateField("截止日期")
    due_at = models.DateTimeField("截止时刻")
    provisional = models.BooleanField("暂定", default=False)
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "办理时限"
        indexes = [
            models.Index(fields=["jurisdiction", "state", "purpose", "due_at"]),
            models.Index(fields=["state", "provisional"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.subject_type}:{self.subject_id} → {self.due_date}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Deadlines are read through the objects they belong to; oversight reads them directly."""
        if actor.is_oversight:
            return models.Q()
        return None
