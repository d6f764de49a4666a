"""Policy profiles and their immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .params import PolicyParams


class PolicyProfile(models.Model):
    """A named policy profile (政策配置) such as liaocheng-2021; its parameters live in versions."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    builtin = models.BooleanField("内置", default=False)
    based_on = models.ForeignKey(
        "self",
        verbose_name="派生自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    current_version = models.ForeignKey(
        "PolicyVersion",
        verbose_name="当前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "政策配置"
        ordering = ["-builtin", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def params(self) -> PolicyParams:
        """The parameters of the current version."""
        return self.current_version.parsed()


class PolicyVersion(models.Model):
    """One immutable version of a profile's parameters (配置版本)."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    params = models.JSONField("参数")
    note = models.CharField("变更说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "配置版本"
        ordering = ["profile_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="uniq_policy_version")
        ]

    def __str__(self) -> str:
        return f"{self.profile.code} v{self.number}"

    def parsed(self) -> PolicyParams:
        """The stored parameters as a validated PolicyParams."""
        return PolicyParams.model_validate(self.params)
