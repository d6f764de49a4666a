"""Catalog models: licensing items, transfer history, handover memos, supervision items and the
linkage list with its published versions and change notices (事项清单与划转交接).

Every table carries its jurisdiction and every hot index starts with it (ARCHITECTURE "Data rules").
Codes are stored as given (after full-width → half-width normalisation and trimming).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

# --- choices -----------------------------------------------------------------------------------


class PowerType(models.TextChoices):
    """Power type of an item (权力类型)."""

    LICENSING = "licensing", _("行政许可")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class TransferStatus(models.TextChoices):
    """Transfer status of a licensing item (划转状态, 001 二(二), 004 三(二)1)."""

    UNDECIDED = "undecided", _("未定")
    TRANSFERRED = "transferred", _("已划转")
    PLANNED = "planned", _("分批划转")
    RETAINED = "retained", _("暂不划转（进驻大厅）")
    TAKEN_BACK = "taken_back", _("已收回")


class MemoState(models.TextChoices):
    """State of a handover memorandum (备忘录状态)."""

    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签订")
    AMENDED = "amended", _("已修订")


# Allowed memo transitions (state machine, ARCHITECTURE "Layering").
MEMO_TRANSITIONS: dict[str, frozenset[str]] = {
    MemoState.DRAFT: frozenset({MemoState.SIGNED}),
    MemoState.SIGNED: frozenset({MemoState.AMENDED}),
    MemoState.AMENDED: frozenset({MemoState.AMENDED}),
}


class HandoverKind(models.TextChoices):
    """What is handed over (交接内容, 004 三(一)1 and 三(三)2)."""

    DOCUMENTS = "documents", _("相关文件")
    ARCHIVES = "archives", _("档案资料")
    CERTIFICATE_STOCK = "certificate_stock", _("制式证照")
    SYSTEMS_DATA = "systems_data", _("审批业务系统及数据")
    KEYS_DEVICES = "keys_devices", _("专用电脑和密钥")
    GUIDANCE_FILES = "guidance_files", _("审批业务指导性文件")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    """Interaction stage of a linkage entry (互动环节, 002 §9)."""

    PRIOR_GUIDANCE = "prior_guidance", _("事前指导")
    TECHNICAL_REVIEW = "technical_review", _("技术审查")
    JOINT_REVIEW = "joint_review", _("联审会商")
    RESULT_PUSH = "result_push", _("结果推送")
    CERTIFICATE_ISSUE = "certificate_issue", _("证照配发")
    SUPERVISION_FEEDBACK = "supervision_feedback", _("监管反馈")
    POLICY_CHANGE = "policy_change", _("政策变更告知")


class PushMethod(models.TextChoices):
    """How information is pushed to the regulator (信息推送方式, 002 §9, §18)."""

    PLATFORM = "platform", _("平台推送")
    API = "api", _("自建系统接口")
    LETTER = "letter", _("书面函告")


class ChangeKind(models.TextChoices):
    """What a pre-notified change is about (变更类型, 002 §20)."""

    ITEM_ADD = "item_add", _("新增审批事项")
    ITEM_REMOVE = "item_remove", _("删减审批事项")
    ITEM_CHANGE = "item_change", _("调整审批事项")
    ENTRY_ADD = "entry_add", _("新增联动事项")
    ENTRY_REMOVE = "entry_remove", _("删减联动事项")
    ENTRY_CHANGE = "entry_change", _("调整联动事项")
    LIST_IMPORT = "list_import", _("批量导入清单")


# --- scoping rules -------------------------------------------------------------------------


def _catalog_reader_q(actor) -> Q | None:
    """The catalogue is readable by everyone holding catalog.read in the jurisdiction."""
    if actor.can(Perm.CATALOG_READ) or actor.can(Perm.CATALOG_MANAGE):
        return Q()
    return None


# --- licensing items -------------------------------------------------------------------------


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


# --- handover memoranda ----------------------------------------------------------------------


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


# --- supervision items and the linkage list ------------------------------------------------


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


# --- pre-notification of changes ----------------------------------------------------------


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
