"""The licence register and its history (证照)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import ApplicantKind, LicenceState, received_q
from .records import ApprovalRecord


class Licence(JurisdictionScoped):
    """A licence in the register (许可证照): holder, item, number, validity and state."""

    number = models.CharField("证照编号", max_length=100)
    item = models.ForeignKey(
        "catalog.LicensingItem", verbose_name="审批事项", on_delete=models.PROTECT, related_name="+"
    )
    record = models.OneToOneField(
        ApprovalRecord,
        verbose_name="办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licence",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="发证部门", on_delete=models.PROTECT, related_name="+"
    )
    holder_kind = models.CharField("持证人类型", max_length=10, choices=ApplicantKind.choices)
    holder_name = models.CharField("持证人", max_length=200)
    holder_code = models.CharField("持证人证件号码", max_length=18, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    decision_number = models.CharField("决定文书号", max_length=100, blank=True)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=LicenceState.choices, default=LicenceState.VALID
    )
    state_since = models.DateField("状态日期")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "许可证照"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="lk_uniq_licence_no")
        ]
        indexes = [
            models.Index(fields=["number"], name="lk_lic_number"),
            # the public verification matches numbers case-insensitively (UPPER on PostgreSQL)
            models.Index(Upper("number"), name="lk_lic_number_upper"),
            models.Index(fields=["jurisdiction", "state", "valid_until"], name="lk_lic_j_state"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The issuing bureau, the departments its record was pushed to, and oversight."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | received_q(actor, "record_id", "record_id")


class LicenceEvent(JurisdictionScoped):
    """A dated change of a licence's state (证照状态变更记录)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=10, choices=LicenceState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=LicenceState.choices)
    effective_on = models.DateField("生效日期")
    decision_number = models.CharField("决定文书号", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    feedback = models.ForeignKey(
        "Feedback", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("经办人", max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "证照状态变更"
        ordering = ["licence_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.from_state}→{self.to_state}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its licence."""
        lic = Licence.scope_q(actor, action)
        if lic is None:
            return None
        return Q(licence__in=Licence.objects.filter(lic))
