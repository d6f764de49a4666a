"""Licensing items and their transfer history (行政许可事项、划转记录)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped

from .common import PowerType, TransferStatus, _catalog_reader_q


class LicensingItem(JurisdictionScoped):
    """A licensing item or other on-application power (行政许可事项/关联事项) of a jurisdiction."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # covered by the composite indexes that start with it
    code = models.CharField("事项编码", max_length=64, blank=True)
    name = models.CharField("事项名称", max_length=200)
    power_type = models.CharField(
        "权力类型", max_length=20, choices=PowerType.choices, default=PowerType.LICENSING
    )
    original_department = models.ForeignKey(
        "org.Department",
        verbose_name="原审批部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    statutory_days = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    needs_site_inspection = models.BooleanField("现场勘察", default=False)
    needs_expert_review = models.BooleanField("专家评审", default=False)
    needs_hearing = models.BooleanField("论证听证", default=False)
    needs_public_notice = models.BooleanField("公示", default=False)
    regulator_issues_certificate = models.BooleanField("监管部门配发证照", default=False)
    commitment_allowed = models.BooleanField("可告知承诺", default=False)
    accept_with_gaps_allowed = models.BooleanField("可容缺受理", default=False)
    main_item = models.ForeignKey(
        "self",
        verbose_name="主项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_items",
    )
    # The latest transfer record (by effective date): the declared status, maybe future-dated.
    transfer_status = models.CharField(
        "划转状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.UNDECIDED
    )
    transfer_effective_on = models.DateField("划转状态生效日期", null=True, blank=True)
    current_transfer = models.ForeignKey(
        "TransferRecord",
        verbose_name="当前划转记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    active = models.BooleanField("有效", default=True)
    removed_on = models.DateField("删减日期", null=True, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "行政许可事项"
        ordering = ["jurisdiction_id", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                condition=~Q(code=""),
                name="uniq_item_code_per_jurisdiction",
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "name"], name="cat_item_j_name"),
            models.Index(fields=["jurisdiction", "original_department"], name="cat_item_j_dept"),
            models.Index(fields=["jurisdiction", "transfer_status"], name="cat_item_j_status"),
            models.Index(fields=["jurisdiction", "main_item"], name="cat_item_j_main"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）" if self.code else self.name

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction (the catalogue is public)."""
        return _catalog_reader_q(actor)


class TransferRecord(JurisdictionScoped):
    """One dated entry of an item's transfer history (划转记录); append-only.

    The status in force on a date is that of the latest record with effective_on <= date
    (ties broken by id). Related items moved with their main item point at its record (via_main).
    """

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # covered by the composite indexes that start with it
    item = models.ForeignKey(
        LicensingItem,
        verbose_name="事项",
        on_delete=models.PROTECT,
        related_name="transfers",
        db_index=False,
    )
    status = models.CharField("划转状态", max_length=20, choices=TransferStatus.choices)
    effective_on = models.DateField("生效日期")
    receiving_department = models.ForeignKey(
        "org.Department",
        verbose_name="承接部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    batch_name = models.CharField("批次", max_length=100, blank=True)
    planned_on = models.DateField("计划划转日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    hall_window = models.CharField("大厅窗口", max_length=100, blank=True)
    via_main = models.ForeignKey(
        "self",
        verbose_name="随主项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_moves",
        db_index=False,
    )
    memo = models.ForeignKey(
        "HandoverMemo",
        verbose_name="备忘录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_records",
        db_index=False,
    )
    note = models.CharField("备注", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "划转记录"
        ordering = ["item_id", "effective_on", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "item", "effective_on"], name="cat_tr_j_item_eff"),
            models.Index(fields=["jurisdiction", "status", "effective_on"], name="cat_tr_j_st_eff"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_status_display()} {self.effective_on}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable like the items themselves."""
        return _catalog_reader_q(actor)
