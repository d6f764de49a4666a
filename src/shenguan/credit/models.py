"""Credit (信用联动): joint-punishment list entries, the warning library, the look-up made at
acceptance, 告知承诺 verification tasks and 双公示 credit records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm


class SubjectKind(models.TextChoices):
    """Kind of subject (主体类型)."""

    LEGAL = "legal", _("法人或其他组织")
    PERSON = "person", _("自然人")


class ListKind(models.TextChoices):
    """Joint-punishment lists (联合惩戒名单)."""

    DISHONEST_DEBTOR = "dishonest_debtor", _("失信被执行人")
    TAX = "tax", _("重大税收违法失信主体")
    OTHER = "other", _("其他联合惩戒名单")


class ListEntry(JurisdictionScoped):
    """One subject on a joint-punishment list, imported by an administrator (matched by USCC or
    ID number, never by name)."""

    list_kind = models.CharField("名单类型", max_length=20, choices=ListKind.choices)
    list_name = models.CharField("名单名称", max_length=100)
    subject_kind = models.CharField("主体类型", max_length=10, choices=SubjectKind.choices)
    subject_name = models.CharField("主体名称", max_length=200)
    code = models.CharField("统一社会信用代码/身份证号码", max_length=18)
    measures = models.CharField("惩戒措施", max_length=1000)
    source_document = models.CharField("认定文书", max_length=300)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    import_batch = models.CharField("导入批次", max_length=40, blank=True)
    imported_by_name = models.CharField("导入人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "联合惩戒名单条目"
        ordering = ["-id"]
        indexes = [models.Index(fields=["code", "jurisdiction"], name="cr_list_code")]

    def __str__(self) -> str:
        return f"{self.list_name}：{self.subject_name}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Whoever may read credit information in the jurisdiction."""
        return Q() if actor.can(Perm.CREDIT_READ) else None


class WarningReason(models.TextChoices):
    """Why a subject is in the warning library (警示信息来源)."""

    REVOCATION = "revocation", _("许可被吊销或撤销")
    PENALTY = "penalty", _("行政处罚")
    BROKEN_COMMITMENT = "broken_commitment", _("违反告知承诺")
    FRAUD = "fraud", _("申请中弄虚作假")
    IMPORTED = "imported", _("导入名单")


class WarningEntry(JurisdictionScoped):
    """An entry of the warning library (警示信息库, 003 四(三)); removed by credit repair."""

    subject_kind = models.CharField("主体类型", max_length=10, choices=SubjectKind.choices)
    subject_name = models.CharField("主体名称", max_length=200)
    code = models.CharField("统一社会信用代码/身份证号码", max_length=18)
    reason_kind = models.CharField("来源", max_length=20, choices=WarningReason.choices)
    reason = models.CharField("事由", max_length=1000)
    source_type = models.CharField("来源对象", max_length=64, blank=True)
    source_id = models.BigIntegerField("来源对象ID", null=True, blank=True)
    measures = models.CharField("措施", max_length=1000, blank=True)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField("信用修复时间", null=True, blank=True)
    removal_decision = models.CharField("信用修复决定", max_length=300, blank=True)
    removal_reason = models.CharField("信用修复说明", max_length=1000, blank=True)
    removed_by_name = models.CharField("信用修复经办人", max_length=150, blank=True)

    class Meta:
        verbose_name = "警示信息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["code", "jurisdiction"], name="cr_warn_code")]
        constraints = [
            models.UniqueConstraint(
                fields=["reason_kind", "source_type", "source_id", "code"],
                condition=Q(source_id__isnull=False),
                name="cr_warn_uniq_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}：{self.reason}"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Whoever may read credit information in the jurisdiction."""
        return Q() if actor.can(Perm.CREDIT_READ) else None


class PlatformStatus(models.TextChoices):
    """What the provincial credit platform answered (信用平台查询结果)."""

    OK = "ok", _("查询成功")
    UNAVAILABLE = "unavailable", _("信用平台不可用")
    NOT_CONFIGURED = "not_configured", _("未接入信用平台")


class CreditCheck(JurisdictionScoped):
    """The credit look-up of a case at acceptance (受理信用核查, 003 三(三)4): sources consulted,
    hits, who and when, the platform's reference; part of the case file (案卷)."""

    record = models.ForeignKey(
        "linkage.ApprovalRecord", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    checked_at = models.DateTimeField("查询时间", default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by_name = models.CharField("查询人", max_length=150, blank=True)
    subjects = models.JSONField("查询对象", default=list)
    sources = models.JSONField("查询来源", default=list)
    hits = models.JSONField("命中信息", default=list)
    platform_status = models.CharField(
        "信用平台", max_length=16, choices=PlatformStatus.choices, default=PlatformStatus.OK
    )
    platform_reference = models.CharField("信用平台查询编号", max_length=100, blank=True)
    acceptance_mode = models.CharField("受理方式", max_length=12, blank=True)
    restricted = models.BooleanField("存在失信限制", default=False)
    override_reason = models.CharField("领导审批例外理由", max_length=1000, blank=True)
    override_by_name = models.CharField("例外批准人", max_length=150, blank=True)

    class Meta:
        verbose_name = "受理信用核查"
        ordering = ["-id"]
        indexes = [models.Index(fields=["record", "-checked_at"], name="cr_check_rec")]

    def __str__(self) -> str:
        return f"{self.record_id} @ {self.checked_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Whoever may see the case sees its look-up."""
        from shenguan.linkage.models import ApprovalRecord

        rq = ApprovalRecord.scope_q(actor, action)
        if rq is None:
            return None
        return Q(record__in=ApprovalRecord.objects.filter(rq).values("pk")) if rq else Q()


class CommitmentState(models.TextChoices):
    """State of a 告知承诺 verification (承诺核查状态)."""

    OPEN = "open", _("待核查")
    KEPT = "kept", _("已履行承诺")
    NOT_KEPT = "not_kept", _("未履行承诺")


class CommitmentTask(JurisdictionScoped):
    """The regulator's verification of a 告知承诺 approval (002 §6, §19(二)), with its deadline in
    working days from the push (`commitment_check_days`)."""

    record = models.ForeignKey("linkage.ApprovalRecord", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(
        "linkage.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    push = models.ForeignKey(
        "linkage.Push", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="核查部门", on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField("承诺人", max_length=200)
    code = models.CharField("统一社会信用代码/身份证号码", max_length=18, blank=True)
    commitment_text = models.TextField("承诺内容")
    start = models.DateField("起算日期")
    budget_days = models.PositiveSmallIntegerField("核查时限（工作日）")
    due_date = models.DateField("核查截止日期")
    provisional = models.BooleanField("截止日期暂定", default=False)
    state = models.CharField(
        "状态", max_length=10, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    evidence = models.TextField("核查情况与证据", blank=True)
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    verified_by_name = models.CharField("核查人", max_length=150, blank=True)
    revocation_feedback_id = models.BigIntegerField("处置意见", null=True, blank=True)
    warning = models.ForeignKey(
        WarningEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "告知承诺核查"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "department"], name="cr_commit_uniq")
        ]
        indexes = [models.Index(fields=["jurisdiction", "state"], name="cr_commit_state")]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_state_display()}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The verifying department, the bureau that approved, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | Q(record__department_id=actor.department_id)


class CreditRecordKind(models.TextChoices):
    """Kind of 双公示 record (双公示类别)."""

    LICENCE = "licence", _("行政许可")
    PENALTY = "penalty", _("行政处罚")


class CreditRecordState(models.TextChoices):
    """Where a 双公示 record stands (推送状态)."""

    INVALID = "invalid", _("数据不合规，待补正")
    QUEUED = "queued", _("待推送")
    ACKNOWLEDGED = "acknowledged", _("信用平台已接收")
    REJECTED = "rejected", _("信用平台退回")


class CreditRecord(JurisdictionScoped):
    """A 双公示 credit record (行政许可/行政处罚信息) in the national data format, due at the
    credit platform within `credit_push_days` working days of its decision (002 §19(一))."""

    kind = models.CharField("类别", max_length=10, choices=CreditRecordKind.choices)
    department = models.ForeignKey(
        "org.Department", verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "linkage.ApprovalRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback = models.ForeignKey(
        "linkage.Feedback", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField("主体类型", max_length=10, choices=SubjectKind.choices)
    subject_name = models.CharField("行政相对人名称", max_length=200)
    code = models.CharField("统一社会信用代码/证件号码", max_length=18, blank=True)
    document_number = models.CharField("决定文书号", max_length=100, blank=True)
    decision_date = models.DateField("决定日期")
    data = models.JSONField("双公示数据")
    problems = models.JSONField("格式问题", default=list, blank=True)
    budget_days = models.PositiveSmallIntegerField("推送时限（工作日）", null=True, blank=True)
    due_date = models.DateField("推送截止日期", null=True, blank=True)
    provisional = models.BooleanField("截止日期暂定", default=False)
    state = models.CharField("状态", max_length=14, choices=CreditRecordState.choices)
    event_id = models.BigIntegerField("推送事件", null=True, blank=True)
    sent_count = models.PositiveIntegerField("投递次数", default=0)
    acknowledged_at = models.DateTimeField("接收时间", null=True, blank=True)
    receipt = models.CharField("平台回执号", max_length=100, blank=True)
    rejection_reasons = models.JSONField("退回原因", default=list, blank=True)
    public_until = models.DateField("公示截止期", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "双公示信用信息"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record"],
                condition=Q(record__isnull=False, feedback__isnull=True),
                name="cr_rec_uniq_record",
            ),
            models.UniqueConstraint(
                fields=["kind", "feedback"],
                condition=Q(feedback__isnull=False),
                name="cr_rec_uniq_feedback",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "due_date"], name="cr_rec_state"),
            models.Index(fields=["code", "jurisdiction"], name="cr_rec_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number}"

    @property
    def late(self) -> bool:
        """Acknowledged after its due date (or still unacknowledged past it)."""
        from shenguan.calendar.workdays import local_date

        if self.due_date is None:
            return False
        if self.acknowledged_at is None:
            return timezone.localdate() > self.due_date
        return local_date(self.acknowledged_at) > self.due_date

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The responsible department, credit readers of the bureau, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.CREDIT_READ):
            return None
        if actor.can(Perm.CREDIT_MANAGE):
            return Q()
        return Q(department_id=actor.department_id)


class CreditOverride(JurisdictionScoped):
    """A leader's authorisation to accept one restricted subject under a facilitated mode despite
    a hit (领导审批例外), with the reason; used by the next registration of that code."""

    code = models.CharField("统一社会信用代码/身份证号码", max_length=18)
    subject_name = models.CharField("主体名称", max_length=200, blank=True)
    acceptance_mode = models.CharField("受理方式", max_length=12)
    reason = models.CharField("理由", max_length=1000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_by_name = models.CharField("批准人", max_length=150)
    granted_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateField("有效期至")
    used_record_id = models.BigIntegerField("使用办件", null=True, blank=True)

    class Meta:
        verbose_name = "信用限制例外批准"
        ordering = ["-id"]
        indexes = [models.Index(fields=["code", "jurisdiction"], name="cr_override_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.acceptance_mode}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Credit readers of the jurisdiction."""
        return Q() if actor.can(Perm.CREDIT_READ) else None
