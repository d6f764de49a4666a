"""Outbox events, their deliveries and attempts, webhook endpoints, in-app notifications, sweeps."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Role


class OutboxEvent(JurisdictionScoped):
    """A domain event (业务事件) written by a service in the same transaction as its change."""

    uid = models.UUIDField("消息ID", default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField("事件类型", max_length=64, db_index=True)
    payload = models.JSONField("内容")
    department_ids = models.JSONField("相关部门", default=list)
    aggregate_type = models.CharField("对象类型", max_length=64, blank=True)
    aggregate_id = models.CharField("对象ID", max_length=64, blank=True)
    created_at = models.DateTimeField("产生时间", default=timezone.now)

    class Meta:
        verbose_name = "业务事件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["jurisdiction", "event_type", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.uid}"

    @property
    def message_id(self) -> str:
        """The Standard Webhooks message id (webhook-id), stable across retries."""
        return f"msg_{self.uid.hex}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """System administrators see events of their jurisdictions."""
        if Role.SYSTEM_ADMIN in actor.role_set:
            return models.Q()
        return None


class PersonalData(models.TextChoices):
    """How a webhook endpoint receives ID and mobile numbers (个人信息发送方式)."""

    MASKED = "masked", _("脱敏（110105********0123、138****8000）")
    FULL = "full", _("完整")


class WebhookEndpoint(JurisdictionScoped):
    """A department's webhook endpoint (订阅地址): URL, signing secret, subscribed event kinds."""

    department = models.ForeignKey(
        "org.Department", verbose_name="部门", on_delete=models.PROTECT, related_name="webhooks"
    )
    url = models.URLField("地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=100)
    previous_secret = models.CharField("上一签名密钥", max_length=100, blank=True)
    previous_secret_until = models.DateTimeField("上一密钥有效至", null=True, blank=True)
    event_types = models.JSONField("订阅事件", default=list, blank=True)
    description = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    disabled_reason = models.CharField("停用原因", max_length=200, blank=True)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)
    # Decided by the platform when the endpoint is created (outbox.services.personal_data_for):
    # in full only for a department whose users may see personal data in full.
    personal_data = models.CharField(
        "个人信息", max_length=8, choices=PersonalData.choices, default=PersonalData.MASKED
    )
    personal_data_decided_at = models.DateTimeField("个人信息方式确定时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "Webhook 订阅"
        ordering = ["department_id", "id"]
        indexes = [models.Index(fields=["jurisdiction", "active"])]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        """The secret shown after creation: its prefix and last four characters only."""
        return f"whsec_…{self.secret[-4:]}" if self.secret else ""

    def signing_secrets(self, now=None) -> list[str]:
        """Secrets that sign a message: the current one, and the previous one while it overlaps."""
        now = now or timezone.now()
        out = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            out.append(self.previous_secret)
        return out

    def subscribes(self, event_type: str) -> bool:
        """Whether the endpoint takes an event type ('' list = all; 'push.*' = a family)."""
        if not self.event_types:
            return True
        for pat in self.event_types:
            if pat == event_type or (pat.endswith(".*") and event_type.startswith(pat[:-1])):
                return True
        return False

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """System administrators manage all endpoints of their jurisdictions."""
        if Role.SYSTEM_ADMIN in actor.role_set:
            return models.Q()
        return None


class DeliveryStatus(models.TextChoices):
    """State of one delivery (投递状态)."""

    PENDING = "pending", _("待投递")
    IN_FLIGHT = "in_flight", _("投递中")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("投递失败（死信）")
    CANCELLED = "cancelled", _("已取消")


class Channel(models.TextChoices):
    """Where a delivery goes (投递渠道)."""

    WEBHOOK = "webhook", "Webhook"
    NOTIFY = "notify", _("站内通知")
    SMS = "sms", _("短信")
    CREDIT = "credit", _("信用平台")


class OutboxDelivery(JurisdictionScoped):
    """One delivery of an event to one target, retried until delivered or dead-lettered."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    target = models.JSONField("投递对象", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField("已尝试次数", default=0)  # since the last (re)queue
    attempts_total = models.PositiveIntegerField("累计尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_status_code = models.IntegerField("最近状态码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "投递"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["jurisdiction", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """System administrators see deliveries of their jurisdictions."""
        if Role.SYSTEM_ADMIN in actor.role_set:
            return models.Q()
        return None


class DeliveryAttempt(models.Model):
    """One attempt to deliver (投递记录): when, how long, the answer."""

    delivery = models.ForeignKey(OutboxDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveIntegerField("次序")
    at = models.DateTimeField("时间", default=timezone.now)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    status_code = models.IntegerField("状态码", null=True, blank=True)
    ok = models.BooleanField("成功", default=False)
    error = models.CharField("错误", max_length=500, blank=True)
    response_excerpt = models.CharField("响应摘录", max_length=500, blank=True)
    worker = models.CharField("执行者", max_length=64, blank=True)

    class Meta:
        verbose_name = "投递记录"
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="uniq_delivery_attempt")
        ]

    def __str__(self) -> str:
        return f"#{self.delivery_id}.{self.number} {self.status_code}"


class Notification(JurisdictionScoped):
    """An in-app notification (站内通知) to a user, created by the worker from an outbox event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(OutboxEvent, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField("类型", max_length=64)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="uniq_notification_event")
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """A notification is read by its recipient only."""
        return models.Q(user_id=actor.pk) if getattr(actor, "kind", "") == "user" else None


class SweepState(models.Model):
    """Schedule and lease of a periodic sweep (定时任务) run by whichever worker gets it first."""

    name = models.CharField("名称", max_length=64, unique=True)
    next_run_at = models.DateTimeField("下次运行", default=timezone.now)
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)
    last_result = models.JSONField("上次结果", null=True, blank=True)
    last_error = models.TextField("上次错误", blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "定时任务"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
