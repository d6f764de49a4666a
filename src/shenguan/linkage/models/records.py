"""Approval records, suspensions of their time limit and their materials (审批办件)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped, RestrictedQuerySet
from shenguan.org.roles import Perm

from .common import (
    AcceptanceMode,
    ApplicantKind,
    ApprovalResult,
    MaterialKind,
    RecordSource,
    RecordState,
    SuspensionKind,
    received_q,
)


class ApprovalRecord(JurisdictionScoped):
    """An approval case (办件) handled by the bureau: applicant, item, dates, decision, licence,
    risk points; completing it pushes it to the regulators of the linkage list."""

    department = models.ForeignKey(
        "org.Department", verbose_name="办理部门", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "catalog.LicensingItem", verbose_name="审批事项", on_delete=models.PROTECT, related_name="+"
    )
    case_number = models.CharField("办件编号", max_length=64)
    applicant_kind = models.CharField("申请人类型", max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=200)
    applicant_id_number = models.CharField("身份证号码", max_length=18, blank=True)
    applicant_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    accepted_on = models.DateField("受理日期")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_number = models.CharField("决定文书号", max_length=100, blank=True)
    result = models.CharField("审批结果", max_length=10, choices=ApprovalResult.choices, blank=True)
    licence_number = models.CharField("证照编号", max_length=100, blank=True)
    licence_valid_from = models.DateField("有效期起", null=True, blank=True)
    licence_valid_until = models.DateField("有效期至", null=True, blank=True)
    risk_points = models.TextField("审批中发现的风险点", blank=True)
    # acceptance (受理方式, 003 三(三)4); checked against credit by the credit app's hook
    acceptance_mode = models.CharField(
        "受理方式", max_length=12, choices=AcceptanceMode.choices, default=AcceptanceMode.NORMAL
    )
    deficiency_materials = models.TextField("容缺材料", blank=True)
    deficiency_due_date = models.DateField("容缺材料补齐期限", null=True, blank=True)
    commitment_text = models.TextField("承诺内容", blank=True)
    # who entered the decision (决定人) and who reviewed it (审核人): 受审分离, 004 三(六)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_by_name = models.CharField("决定人", max_length=150, blank=True)
    decided_at = models.DateTimeField("决定录入时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reviewed_by_name = models.CharField("审核人", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=RecordState.choices, default=RecordState.DRAFT
    )
    source = models.CharField("来源", max_length=10, choices=RecordSource.choices)
    supervision_gap = models.BooleanField("监管空白", default=False)
    gap_resolved_at = models.DateTimeField("人工分派时间", null=True, blank=True)
    gap_resolved_by_name = models.CharField("人工分派人", max_length=150, blank=True)
    gap_note = models.CharField("人工分派说明", max_length=500, blank=True)
    completed_at = models.DateTimeField("办结推送时间", null=True, blank=True)
    completed_by_name = models.CharField("办结人", max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "办件"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "case_number"], name="lk_uniq_case_number"
            )
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction", "department", "state", "decided_on"], name="lk_rec_j_dept"
            ),
            models.Index(
                fields=["jurisdiction", "supervision_gap"],
                condition=Q(supervision_gap=True),
                name="lk_rec_j_gap",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The handling bureau, the departments it was pushed to, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | received_q(actor, "record_id")


class CaseSuspension(JurisdictionScoped):
    """A period during which a case's approval time limit stands still (不计入审批时限):
    hearing, expert review, testing, inspection, appraisal … (行政许可法第四十五条). Open while
    `ended_on` is empty; `source` names the object that caused it (e.g. a technical opinion
    request of the review app)."""

    record = models.ForeignKey(ApprovalRecord, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField("类型", max_length=16, choices=SuspensionKind.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    reason = models.CharField("事由", max_length=500)
    source = models.CharField("来源", max_length=64, blank=True)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_by_name = models.CharField("结束登记人", max_length=150, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "审批时限中止"
        ordering = ["record_id", "started_on", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "record"], name="lk_susp_j_rec"),
            models.Index(
                fields=["jurisdiction", "ended_on"],
                condition=Q(ended_on__isnull=True),
                name="lk_susp_j_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.kind}:{self.started_on}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Whoever may see the case sees its suspensions."""
        rq = ApprovalRecord.scope_q(actor, action)
        if rq is None:
            return None
        return Q(record__in=ApprovalRecord.objects.filter(rq).values("pk")) if rq else Q()


class Material(JurisdictionScoped):
    """A file attached to an approval record (申请材料/办事要件/法律文书), with its sha256."""

    record = models.ForeignKey(ApprovalRecord, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField("类型", max_length=20, choices=MaterialKind.choices)
    name = models.CharField("材料名称", max_length=200)
    filename = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_path = models.CharField("存储位置", max_length=300)
    uploaded_by_name = models.CharField("上传人", max_length=150, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "办件材料"
        ordering = ["record_id", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its record."""
        if ApprovalRecord.scope_q(actor, action) is None:
            return None
        if actor.is_oversight:
            return Q()
        return Q(record__department_id=actor.department_id) | received_q(
            actor, "record_id", "record_id"
        )
