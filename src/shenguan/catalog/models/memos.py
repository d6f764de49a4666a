"""Handover memoranda, their items and amendments (交接备忘录)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import MemoState
from .items import LicensingItem


class HandoverMemo(JurisdictionScoped):
    """A handover memorandum (审管衔接备忘录, 004 三(三)2) between an original department and the
    bureau for one or more items; the bureau handles the items from the signing date."""

    number = models.CharField("备忘录编号", max_length=100, blank=True)
    title = models.CharField("标题", max_length=200)
    from_department = models.ForeignKey(
        "org.Department", verbose_name="原审批部门", on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", verbose_name="承接部门", on_delete=models.PROTECT, related_name="+"
    )
    # [{kind, description, quantity, note}] — what is handed over (交接清单)
    checklist = models.JSONField("交接清单", default=list, blank=True)
    duty_boundary = models.TextField("审管职责边界", blank=True)
    feedback_arrangement = models.TextField("审管信息双向反馈", blank=True)
    technical_support = models.TextField("技术支持", blank=True)
    from_signatory = models.CharField("原审批部门签字人", max_length=50, blank=True)
    from_signatory_title = models.CharField("原审批部门签字人职务", max_length=50, blank=True)
    to_signatory = models.CharField("承接部门签字人", max_length=50, blank=True)
    to_signatory_title = models.CharField("承接部门签字人职务", max_length=50, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=MemoState.choices, default=MemoState.DRAFT
    )
    signed_on = models.DateField("签订日期", null=True, blank=True)
    signed_at = models.DateTimeField("签订登记时间", null=True, blank=True)
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "审管衔接备忘录"
        ordering = ["jurisdiction_id", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "signed_on"], name="cat_memo_j_state"),
            models.Index(fields=["jurisdiction", "from_department"], name="cat_memo_j_from"),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The two departments party to the memo and the oversight roles see it."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None:
            return None
        if not (actor.can(Perm.CATALOG_READ) or actor.can(Perm.CATALOG_MANAGE)):
            return None
        return Q(from_department_id=actor.department_id) | Q(to_department_id=actor.department_id)


class HandoverMemoItem(JurisdictionScoped):
    """An item covered by a memo (备忘录所涉事项), from its signing or amendment date."""

    memo = models.ForeignKey(HandoverMemo, on_delete=models.CASCADE, related_name="memo_items")
    item = models.ForeignKey(LicensingItem, on_delete=models.PROTECT, related_name="memo_items")
    covered_from = models.DateField("交接生效日期", null=True, blank=True)
    added_by_amendment = models.ForeignKey(
        "HandoverMemoAmendment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "备忘录事项"
        constraints = [
            models.UniqueConstraint(fields=["memo", "item"], name="uniq_memo_item"),
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction", "item", "covered_from"], name="cat_memoitem_j_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.memo_id}:{self.item_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its memo."""
        memo_q = HandoverMemo.scope_q(actor, action)
        if memo_q is None:
            return None
        if actor.is_oversight:
            return Q()
        return Q(memo__from_department_id=actor.department_id) | Q(
            memo__to_department_id=actor.department_id
        )


class HandoverMemoAmendment(JurisdictionScoped):
    """An amendment of a signed memo (备忘录修订): what changed, why and from which date; the
    memo's content before the amendment is kept here so every signed text stays readable."""

    memo = models.ForeignKey(HandoverMemo, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField("修订序号")
    signed_on = models.DateField("修订签订日期")
    reason = models.CharField("修订原因", max_length=500)
    before = models.JSONField("修订前内容")
    after = models.JSONField("修订后内容")
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "备忘录修订"
        ordering = ["memo_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["memo", "number"], name="uniq_memo_amendment_no"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "memo"], name="cat_memoamd_j_memo")]

    def __str__(self) -> str:
        return f"{self.memo_id} #{self.number}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its memo."""
        return HandoverMemoItem.scope_q(actor, action)
