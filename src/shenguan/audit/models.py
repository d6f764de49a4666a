"""The audit event: one row per state change or denied attempt, chained by SHA-256."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """Result of the audited action (结果)."""

    OK = "ok", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class AuditEvent(models.Model):
    """An audit event (审计事件): append-only; each stores the hash of its predecessor."""

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", default=timezone.now)
    actor_kind = models.CharField("操作者类型", max_length=16)
    actor_id = models.BigIntegerField("操作者ID", null=True)
    actor_name = models.CharField("操作者", max_length=150, blank=True)
    department_id = models.BigIntegerField("部门ID", null=True)
    jurisdiction_id = models.BigIntegerField("行政区划ID", null=True, db_index=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    ip = models.CharField("地址", max_length=64, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.OK)
    before = models.JSONField("变更前", null=True)
    after = models.JSONField("变更后", null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计事件"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["jurisdiction_id", "seq"]),
            models.Index(fields=["actor_kind", "actor_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def chain_fields(self) -> dict:
        """The fields covered by the hash, in their stored form."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "department_id": self.department_id,
            "jurisdiction_id": self.jurisdiction_id,
            "request_id": self.request_id,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "outcome": self.outcome,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        }


class AuditCheckpoint(models.Model):
    """A signed checkpoint of the audit chain (审计链锚定点): the head (seq, hash) at a time and a
    digest of every event since the previous checkpoint, signed with a key kept outside the
    database; a copy leaves the database (a file, the discipline office) — ADR 0022."""

    from_seq = models.BigIntegerField("起始序号", unique=True)
    seq = models.BigIntegerField("链头序号", unique=True)
    hash = models.CharField("链头哈希", max_length=64)
    at = models.DateTimeField("时间")
    key_id = models.CharField("签名密钥标识", max_length=32)
    document = models.JSONField("签名文档")
    exported_at = models.DateTimeField("写入文件时间", null=True, blank=True)

    class Meta:
        verbose_name = "审计链锚定点"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.from_seq}–{self.seq}"
