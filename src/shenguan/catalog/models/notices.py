"""Change notices and their recipients (清单变更预告知)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import ChangeKind
from .items import LicensingItem
from .linkage import LinkageEntry


class ChangeNotice(JurisdictionScoped):
    """A pre-notification to the affected regulators of a change to an approval item or the
    linkage list, with the date it takes effect (审批事项调整提前函告, 002 §20)."""

    kind = models.CharField("变更类型", max_length=20, choices=ChangeKind.choices)
    item = models.ForeignKey(
        LicensingItem,
        verbose_name="审批事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_notices",
    )
    entry = models.ForeignKey(
        LinkageEntry,
        verbose_name="联动事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_notices",
    )
    summary = models.CharField("变更内容", max_length=1000)
    effective_on = models.DateField("生效日期")
    notified_on = models.DateField("函告日期")
    department = models.ForeignKey(
        "org.Department", verbose_name="发出部门", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "变更函告"
        ordering = ["jurisdiction_id", "-notified_on", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "effective_on"], name="cat_cn_j_eff"),
            models.Index(fields=["jurisdiction", "item"], name="cat_cn_j_item"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The sending bureau, the regulators it is addressed to, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None:
            return None
        if not (actor.can(Perm.CATALOG_READ) or actor.can(Perm.CATALOG_MANAGE)):
            return None
        addressed = ChangeNoticeRecipient.objects.filter(department_id=actor.department_id)
        return Q(department_id=actor.department_id) | Q(pk__in=addressed.values("notice_id"))


class ChangeNoticeRecipient(JurisdictionScoped):
    """A regulator a change notice is addressed to (函告对象), with when it read it."""

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="recipients")
    department = models.ForeignKey(
        "org.Department", verbose_name="接收部门", on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "函告对象"
        constraints = [
            models.UniqueConstraint(fields=["notice", "department"], name="uniq_notice_recipient")
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction", "department", "acknowledged_at"], name="cat_cnr_j_dept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}→{self.department_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible to the addressed department, the sender and oversight."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None:
            return None
        return Q(department_id=actor.department_id) | Q(notice__department_id=actor.department_id)
