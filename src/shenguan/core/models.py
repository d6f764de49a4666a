"""Base models and the restricted queryset that scopes every read to what the actor may see."""

from __future__ import annotations

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to the objects an actor may see (数据权限)."""

    def restrict(self, actor, action: str = "view") -> RestrictedQuerySet:
        """Objects in the actor's visible jurisdictions that the model's `scope_q` lets it see.

        Anonymous or inactive actors see nothing. Oversight roles get the jurisdiction filter only
        unless the model narrows further; every other rule lives in the model's `scope_q`.
        """
        if actor is None or not getattr(actor, "is_authenticated", False):
            return self.none()
        if not getattr(actor, "is_active", True):
            return self.none()
        model = self.model
        field = getattr(model, "jurisdiction_field", "jurisdiction")
        qs = self
        if field is not None:
            visible = actor.visible_jurisdiction_ids
            if not visible:
                return self.none()
            qs = qs.filter(**{f"{field}__in": visible})
        scope = model.scope_q(actor, action)
        if scope is None:
            return qs.none()
        return qs.filter(scope)


class JurisdictionScoped(models.Model):
    """Abstract base of every domain table: it carries its jurisdiction (行政区划)."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    jurisdiction_field = "jurisdiction"

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q | None:
        """The department-level rule of who may see a row; every concrete model defines it."""
        raise NotImplementedError(f"{cls.__name__} must define scope_q")


class IdempotencyRecord(models.Model):
    """A stored first response to a POST with an Idempotency-Key, replayed for 24 hours."""

    principal = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(null=True)
    created_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


class RateCounter(models.Model):
    """Requests counted in one fixed window for one subject (a token, a client address), shared
    by every process through the database (限流计数)."""

    scope = models.CharField(max_length=120)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "window"], name="uniq_rate_counter_window")
        ]

    def __str__(self) -> str:
        return f"{self.scope}@{self.window}: {self.count}"


class ImportJobState(models.TextChoices):
    """Where an import run by the worker stands (后台导入状态)."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "未通过"


class ImportJob(models.Model):
    """A spreadsheet import too large to run inside a web request, run by the worker with its
    progress recorded (后台导入任务). The upload is kept in the row until the job ends."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("导入类型", max_length=40)
    created_by = models.ForeignKey(
        "org.User", verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间")
    filename = models.CharField("文件名", max_length=255)
    content = models.BinaryField("文件内容", null=True)
    params = models.JSONField("参数", default=dict)
    state = models.CharField(
        "状态", max_length=10, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    rows_total = models.PositiveIntegerField("估计行数", default=0)
    rows_done = models.PositiveIntegerField("已读行数", default=0)
    started_at = models.DateTimeField("开始时间", null=True)
    finished_at = models.DateTimeField("结束时间", null=True)
    lease_until = models.DateTimeField(null=True)
    result = models.JSONField("结果", null=True)
    error = models.JSONField("错误", null=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="core_importjob_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"

    @property
    def percent(self) -> int:
        """How far the reading has got, 0–100 (estimated from the rows counted before)."""
        if self.state == ImportJobState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
