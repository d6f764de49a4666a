"""The technical-step table per licensing item (技术性环节清单, 004 三(三)4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import Performer, StepKind


class TechnicalStep(JurisdictionScoped):
    """Who performs one technical step of an item (审批局 or a regulator), by which procedure and
    within how many working days. Versioned like the linkage list: a new version of the same
    (item, step) closes the one in force the day before it starts (`valid_to` is exclusive)."""

    item = models.ForeignKey(
        "catalog.LicensingItem", verbose_name="审批事项", on_delete=models.PROTECT, related_name="+"
    )
    step_kind = models.CharField("技术环节", max_length=20, choices=StepKind.choices)
    performer = models.CharField("实施主体", max_length=10, choices=Performer.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="实施部门",
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure = models.TextField("实施程序")
    time_limit_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    basis = models.CharField("依据", max_length=300, blank=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "技术性环节"
        ordering = ["item_id", "step_kind", "-valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "step_kind", "valid_from"], name="rv_uniq_step_version"
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "item"], name="rv_step_j_item")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.step_kind}"

    def in_force(self, on_date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or on_date < self.valid_to)

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Public like the catalogue: whoever reads the catalogue reads the whole table."""
        if actor.is_oversight or actor.can(Perm.CATALOG_READ):
            return Q()
        return None
