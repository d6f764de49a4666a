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
