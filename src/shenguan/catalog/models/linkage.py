"""Supervision items, the linkage list, its versions and department aliases (审管联动事项清单)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped

from .common import PowerType, PushMethod, _catalog_reader_q
from .items import LicensingItem


class SupervisionItem(JurisdictionScoped):
    """A supervision item (监管事项) from the 互联网+监管 catalogue, held by a regulator."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # covered by the composite indexes that start with it
    code = models.CharField("监管事项编码", max_length=40)
    name = models.CharField("监管事项名称", max_length=500)
    regulator = models.ForeignKey(
        "org.Department",
        verbose_name="监管部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    division = models.ForeignKey(
        "org.Division",
        verbose_name="监管科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "监管事项"
        ordering = ["jurisdiction_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"], name="uniq_supervision_code_per_jurisdiction"
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "regulator"], name="cat_sup_j_reg"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction."""
        return _catalog_reader_q(actor)


class LinkageEntry(JurisdictionScoped):
    """An entry of the linkage list (审管联动事项清单 / 审管互动边界清单 002 §9): an approval item
    and the regulator and supervision items its results go to.

    Rows are dated (valid_from … valid_to, the end exclusive). Once a row belongs to a published
    version it is never edited: a change retires it and adds a new row that `replaces` it.
    """

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # covered by the composite indexes that start with it
    seq = models.PositiveIntegerField("序号", default=0)
    item = models.ForeignKey(
        LicensingItem,
        verbose_name="审批事项",
        on_delete=models.PROTECT,
        related_name="linkage_entries",
        db_index=False,
    )
    approval_department = models.ForeignKey(
        "org.Department",
        verbose_name="行政审批部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    approval_division = models.ForeignKey(
        "org.Division",
        verbose_name="审批科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    regulator = models.ForeignKey(
        "org.Department",
        verbose_name="行业主管部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    regulator_division = models.ForeignKey(
        "org.Division",
        verbose_name="监管科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    supervision_items = models.ManyToManyField(
        SupervisionItem, through="LinkageEntrySupervision", related_name="linkage_entries"
    )
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    power_type = models.CharField(
        "权力类型", max_length=20, choices=PowerType.choices, default=PowerType.LICENSING
    )
    stages = models.JSONField("互动环节", default=list, blank=True)
    approval_duties = models.TextField("审批职责", blank=True)
    supervision_duties = models.TextField("监管职责", blank=True)
    push_method = models.CharField(
        "信息推送方式", max_length=10, choices=PushMethod.choices, default=PushMethod.PLATFORM
    )
    note = models.CharField("备注", max_length=500, blank=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name="替代",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        db_index=False,
    )
    import_batch = models.CharField("导入批次", max_length=40, blank=True)
    created_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "审管联动事项"
        ordering = ["jurisdiction_id", "seq", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "item", "valid_from"], name="cat_le_j_item"),
            models.Index(fields=["jurisdiction", "regulator", "valid_from"], name="cat_le_j_reg"),
            models.Index(fields=["jurisdiction", "valid_to", "seq"], name="cat_le_j_live"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.item_id}→{self.regulator_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction."""
        return _catalog_reader_q(actor)


class LinkageEntrySupervision(JurisdictionScoped):
    """A supervision item attached to a linkage entry, in the order of the source list."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # covered by the composite indexes that start with it
    entry = models.ForeignKey(
        LinkageEntry, on_delete=models.CASCADE, related_name="links", db_index=False
    )  # covered by uniq_entry_sup (entry, supervision_item)
    supervision_item = models.ForeignKey(
        SupervisionItem,
        on_delete=models.PROTECT,
        related_name="entry_links",
        db_index=False,
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)

    class Meta:
        verbose_name = "联动事项所涉监管事项"
        ordering = ["entry_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "supervision_item"], name="uniq_entry_sup"),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "supervision_item"], name="cat_les_j_sup"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.supervision_item_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable with its entry."""
        return _catalog_reader_q(actor)


class LinkageListVersion(JurisdictionScoped):
    """A published, dated version of a jurisdiction's linkage list (清单发布版本); it holds the
    entries live on its publication date and stays readable after later versions."""

    number = models.PositiveIntegerField("版本号")
    published_on = models.DateField("公布日期")
    title = models.CharField("标题", max_length=200)
    note = models.CharField("说明", max_length=500, blank=True)
    entries = models.ManyToManyField(LinkageEntry, through="LinkageVersionEntry", related_name="+")
    entry_count = models.PositiveIntegerField("条目数", default=0)
    published_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "清单发布版本"
        ordering = ["jurisdiction_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="uniq_linkage_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} 第{self.number}版"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction."""
        return _catalog_reader_q(actor)


class LinkageVersionEntry(JurisdictionScoped):
    """An entry as it belongs to a published version."""

    version = models.ForeignKey(
        LinkageListVersion, on_delete=models.CASCADE, related_name="version_entries"
    )
    entry = models.ForeignKey(LinkageEntry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "版本条目"
        constraints = [
            models.UniqueConstraint(fields=["version", "entry"], name="uniq_version_entry"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "version"], name="cat_lve_j_version")]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.entry_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction."""
        return _catalog_reader_q(actor)


class DepartmentAlias(JurisdictionScoped):
    """Another name under which a department appears in imported lists (部门别名), e.g.
    "区经济合作局 (政务管理服务局)" for the bureau."""

    alias = models.CharField("别名", max_length=200)
    department = models.ForeignKey(
        "org.Department", verbose_name="部门", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "部门别名"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "alias"], name="uniq_department_alias")
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.department_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Readable by every catalogue reader of the jurisdiction."""
        return _catalog_reader_q(actor)
