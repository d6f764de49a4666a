"""Linkage models: approval records and their materials, the licence register, supervision
feedback, disposals, notices and the pushes that carry them between the bureau and regulators
(审管信息双向推送与认领).

Every table carries its jurisdiction and every hot index starts with it (ARCHITECTURE "Data
rules"). A push carries its own claim deadline (start, budget, due date, end moment, provisional
flag, policy version) instead of a `calendar.Deadline` row: pushes are the one high-volume
deadline (ADR 0014). Its frozen content lives in `PushSnapshot`, so that the push row stays
narrow for the inbox indexes and the auto-claim sweep.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shenguan.core.models import JurisdictionScoped, RestrictedQuerySet
from shenguan.org.roles import Perm

# --- choices -----------------------------------------------------------------------------------


class ApplicantKind(models.TextChoices):
    """Kind of applicant (申请人类型)."""

    PERSON = "person", _("自然人")
    LEGAL = "legal", _("法人或其他组织")


class ApprovalResult(models.TextChoices):
    """Result of an approval (审批结果)."""

    GRANTED = "granted", _("准予许可")
    REFUSED = "refused", _("不予许可")


class RecordState(models.TextChoices):
    """State of an approval record (办件状态)."""

    DRAFT = "draft", _("已登记")
    COMPLETED = "completed", _("已办结")


class RecordSource(models.TextChoices):
    """How an approval record arrived (来源)."""

    UI = "ui", _("窗口录入")
    API = "api", _("审批系统接口")
    IMPORT = "import", _("批量导入")


class AcceptanceMode(models.TextChoices):
    """How a case was accepted (受理方式, 003 三(三)4): normally, with documents missing
    (容缺受理), on the applicant's written commitment (告知承诺) or by the green channel."""

    NORMAL = "normal", _("一般受理")
    DEFICIENCY = "deficiency", _("容缺受理")
    COMMITMENT = "commitment", _("告知承诺")
    GREEN = "green", _("绿色通道")


class SuspensionKind(models.TextChoices):
    """A period that does not count in an approval's time limit (行政许可法第四十五条)."""

    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标、拍卖")
    TESTING = "testing", _("检验、检测")
    INSPECTION = "inspection", _("现场勘验")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    ARGUMENTATION = "argumentation", _("论证")
    OTHER = "other", _("其他法定不计时情形")


class MaterialKind(models.TextChoices):
    """Kind of file attached to a record (材料类型, 000 §15, 003 三(二)2)."""

    MATERIAL = "material", _("申请材料")
    KEY_DOCUMENT = "key_document", _("办事要件")
    LEGAL_DOCUMENT = "legal_document", _("法律文书")
    RESULT = "result", _("审批结果文书")


class LicenceState(models.TextChoices):
    """State of a licence (证照状态)."""

    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", pgettext_lazy("licence state", "吊销")
    CANCELLED = "cancelled", pgettext_lazy("licence state", "注销")
    ANNULLED = "annulled", pgettext_lazy("licence state", "撤销")
    EXPIRED = "expired", _("有效期届满")


# Allowed licence transitions (state machine, ARCHITECTURE "Layering"). An expired licence is
# still cancelled (注销) by procedure (行政许可法 §70); revoked, cancelled and annulled are final.
LICENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    LicenceState.VALID: frozenset(
        {
            LicenceState.SUSPENDED,
            LicenceState.REVOKED,
            LicenceState.CANCELLED,
            LicenceState.ANNULLED,
            LicenceState.EXPIRED,
        }
    ),
    LicenceState.SUSPENDED: frozenset(
        {
            LicenceState.VALID,
            LicenceState.REVOKED,
            LicenceState.CANCELLED,
            LicenceState.ANNULLED,
            LicenceState.EXPIRED,
        }
    ),
    LicenceState.EXPIRED: frozenset({LicenceState.CANCELLED}),
    LicenceState.REVOKED: frozenset(),
    LicenceState.CANCELLED: frozenset(),
    LicenceState.ANNULLED: frozenset(),
}


class PushKind(models.TextChoices):
    """What a push carries (推送类型)."""

    APPROVAL = "approval", _("审批结果")
    FEEDBACK = "feedback", _("监管信息")
    DISPOSAL = "disposal", _("处置结果")
    CORRECTION_REPLY = "correction_reply", _("纠错答复")
    NOTICE = "notice", _("通知函告")


class PushDirection(models.TextChoices):
    """Which way a push travels (推送方向)."""

    TO_REGULATOR = "to_regulator", _("审批→监管")
    TO_BUREAU = "to_bureau", _("监管→审批")


class PushState(models.TextChoices):
    """Claim state of a push (认领状态)."""

    PENDING = "pending", _("待认领")
    CLAIMED = "claimed", _("已认领")


class ClaimedMode(models.TextChoices):
    """How a push was claimed (认领方式)."""

    MANUAL = "manual", _("人工认领")
    TIMEOUT = "timeout", _("超时自动认领")
    ON_PUSH = "on_push", _("推送即认领")


class FeedbackKind(models.TextChoices):
    """Kind of supervision information sent to the bureau (监管信息类型, 000 §17 §20 §21)."""

    INSPECTION = "inspection", _("监督检查结果")
    SPOT_CHECK = "spot_check", _("抽查检查结果")
    ADMIN_MEASURE = "admin_measure", _("行政措施")
    PENALTY = "penalty", _("行政处罚")
    ENFORCEMENT = "enforcement", _("行政强制")
    REWARD = "reward", _("行政奖励")
    CREDIT = "credit", _("信用信息")
    REVOCATION_OPINION = "revocation_opinion", _("吊销/注销处置意见")
    CORRECTION_REQUEST = "correction_request", _("纠错建议")
    LAW_POLICY_CHANGE = "law_policy_change", _("法律法规政策标准变动")
    DOCUMENT_COPY = "document_copy", _("文件抄送")


# Results that may be normal: under abnormal-only profiles a normal one is recorded, not pushed.
RESULT_KINDS = frozenset({FeedbackKind.INSPECTION, FeedbackKind.SPOT_CHECK})


class FeedbackState(models.TextChoices):
    """State of a feedback (反馈状态)."""

    HELD = "held", _("待生效后推送")
    RECORDED = "recorded", _("仅登记（正常结果不推送）")
    PUSHED = "pushed", _("已推送")


class DisposalOutcome(models.TextChoices):
    """The bureau's disposal of a revocation opinion (处置结果, 000 §17)."""

    CANCEL = "cancel", pgettext_lazy("disposal outcome", "注销")
    ANNUL = "annul", pgettext_lazy("disposal outcome", "撤销")
    REVOKE = "revoke", pgettext_lazy("disposal outcome", "吊销")
    DECLINE = "decline", _("不予处置")


DISPOSAL_LICENCE_STATE = {
    DisposalOutcome.CANCEL: LicenceState.CANCELLED,
    DisposalOutcome.ANNUL: LicenceState.ANNULLED,
    DisposalOutcome.REVOKE: LicenceState.REVOKED,
}


class ReplyOutcome(models.TextChoices):
    """The bureau's answer to a correction request (纠错答复, 000 §20)."""

    CORRECTED = "corrected", _("已纠正")
    EXPLAINED = "explained", _("已说明")


class NoticeKind(models.TextChoices):
    """Kind of notice (通知函告类型, 000 §21, 002 §10 §20)."""

    ITEM_CHANGE = "item_change", _("审批事项调整函告")
    DOCUMENT_COPY = "document_copy", _("文件抄送")
    POLICY_CONSULTATION = "policy_consultation", _("政策文件征求意见")
    LAW_POLICY_CHANGE = "law_policy_change", _("法律法规政策标准变动")


def _received(actor, column: str):
    """Ids of the subjects (record_id, notice_id…) of pushes addressed to the actor's department."""
    return Push.objects.filter(
        jurisdiction_id__in=actor.visible_jurisdiction_ids,
        addressee_department_id=actor.department_id,
        **{f"{column}__isnull": False},
    ).values(column)


# --- approval records --------------------------------------------------------------------------


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
        pushed = _received(actor, "record_id")
        return Q(department_id=actor.department_id) | Q(pk__in=pushed)


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
        pushed = _received(actor, "record_id")
        return Q(record__department_id=actor.department_id) | Q(record_id__in=pushed)


# --- licences ----------------------------------------------------------------------------------


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
        pushed = _received(actor, "record_id")
        return Q(department_id=actor.department_id) | Q(record_id__in=pushed)


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


# --- supervision feedback, disposals, notices --------------------------------------------------


class Feedback(JurisdictionScoped):
    """Supervision information a regulator or enforcement agency sends to the bureau (监管信息
    反馈, 000 §17 §20 §21, 002 §17(二)): inspection results, measures, penalties, revocation
    opinions, correction requests, policy changes, copies of documents."""

    kind = models.CharField("类型", max_length=24, choices=FeedbackKind.choices)
    sender_department = models.ForeignKey(
        "org.Department", verbose_name="发送部门", on_delete=models.PROTECT, related_name="+"
    )
    addressee_department = models.ForeignKey(
        "org.Department", verbose_name="接收部门", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        ApprovalRecord,
        verbose_name="相关办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name="相关证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    abnormal = models.BooleanField("异常结果", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    document_number = models.CharField("文书号", max_length=100, blank=True)
    published_on = models.DateField("公布/决定日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    send_due_date = models.DateField("推送截止日期", null=True, blank=True)
    send_provisional = models.BooleanField("截止日期暂定", default=False)
    sent_at = models.DateTimeField("推送时间", null=True, blank=True)
    send_late = models.BooleanField("逾期推送", default=False)
    state = models.CharField("状态", max_length=10, choices=FeedbackState.choices)
    # correction requests (纠错建议): the bureau's answer and its deadline (000 §20)
    reply_deadline = models.ForeignKey(
        "calendar.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_outcome = models.CharField(
        "答复结果", max_length=10, choices=ReplyOutcome.choices, blank=True
    )
    reply_text = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by_name = models.CharField("答复人", max_length=150, blank=True)
    reply_late = models.BooleanField("逾期答复", default=False)
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "监管信息反馈"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "sender_department", "created_at"], name="lk_fb_j_sender"
            ),
            models.Index(
                fields=["jurisdiction", "addressee_department", "created_at"], name="lk_fb_j_addr"
            ),
            models.Index(
                fields=["jurisdiction", "state", "effective_on"],
                condition=Q(state="held"),
                name="lk_fb_j_held",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The sending and the receiving department, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(sender_department_id=actor.department_id) | Q(
            addressee_department_id=actor.department_id
        )


class Disposal(JurisdictionScoped):
    """The bureau's disposal of a revocation opinion (处置意见办理, 000 §17): 注销/撤销/吊销 with
    its decision number and date, or a reasoned refusal; the outcome goes back to the regulator."""

    feedback = models.OneToOneField(Feedback, on_delete=models.PROTECT, related_name="disposal")
    licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="disposals"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="处置部门", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("处置结果", max_length=10, choices=DisposalOutcome.choices)
    decision_number = models.CharField("决定文书号", max_length=100, blank=True)
    decided_on = models.DateField("决定日期")
    reason = models.CharField("说明", max_length=1000, blank=True)
    recorded_by_name = models.CharField("经办人", max_length=150, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "处置记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decision_number}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its feedback."""
        fb = Feedback.scope_q(actor, action)
        if fb is None:
            return None
        return Q(feedback__in=Feedback.objects.filter(fb))


class Notice(JurisdictionScoped):
    """A notice between the bureau and regulators (通知函告, 000 §21, 002 §10 §20): changes of
    approval items (from the catalogue's change notices), copies of documents, consultations."""

    kind = models.CharField("类型", max_length=24, choices=NoticeKind.choices)
    sender_department = models.ForeignKey(
        "org.Department", verbose_name="发送部门", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    document_number = models.CharField("文号", max_length=100, blank=True)
    published_on = models.DateField("发文日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    change_notice = models.OneToOneField(
        "catalog.ChangeNotice",
        verbose_name="事项调整函告",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField("发送人", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "通知函告"
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["jurisdiction", "sender_department", "created_at"], name="lk_nt_j_sender"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The sender, the departments it was pushed to, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        received = _received(actor, "notice_id")
        return Q(sender_department_id=actor.department_id) | Q(pk__in=received)


# --- pushes ------------------------------------------------------------------------------------

AUTO_CLAIM_NAME = "系统（超时自动认领）"


def normalize_claim(p) -> None:
    """Show a push claimed on timeout whose row the materialising sweep has not rewritten yet
    as what it is: claimed at its deadline, mode timeout, late (ADR 0014). Needs `is_open`."""
    is_open = getattr(p, "is_open", None)
    if is_open is False and p.state == PushState.PENDING and p.claim_policy == "timeout":
        p.state = PushState.CLAIMED
        p.claimed_at = p.claim_due_at
        p.claimed_mode = ClaimedMode.TIMEOUT
        p.claimed_by_name = AUTO_CLAIM_NAME
        p.claim_late = True


class PushQuerySet(RestrictedQuerySet):
    """Pushes with their claim read through `PushOpen` (`with_claim`), normalised on fetch."""

    def with_claim(self) -> PushQuerySet:
        """Annotate whether each push still waits for its claim (a PushOpen row exists). A left
        join on the open row's key, not an EXISTS: PostgreSQL may run an EXISTS in the select
        list as a hashed subplan that reads the whole open table for a page of 50 rows."""
        return self.annotate(
            is_open=models.ExpressionWrapper(
                Q(open__push_id__isnull=False), output_field=models.BooleanField()
            )
        )

    def _fetch_all(self):
        super()._fetch_all()
        for obj in self._result_cache or ():
            if isinstance(obj, Push):
                normalize_claim(obj)


class Push(JurisdictionScoped):
    """One push (推送) from a department to another, claimed once (认领): an approval result to a
    regulator, supervision information, a disposal outcome, a correction answer or a notice.

    The claim deadline is carried on the row (start, working-day budget, due date, end moment,
    provisional flag, policy version; ADR 0014). Responsibility for supervision moves to the
    addressee at `pushed_at` (000 §4): the platform delivers at once.
    """

    kind = models.CharField("类型", max_length=20, choices=PushKind.choices)
    direction = models.CharField("方向", max_length=16, choices=PushDirection.choices)
    sender_department = models.ForeignKey(
        "org.Department",
        verbose_name="推送部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    addressee_department = models.ForeignKey(
        "org.Department",
        verbose_name="接收部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    addressee_division = models.ForeignKey(
        "org.Division",
        verbose_name="接收科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    record = models.ForeignKey(
        ApprovalRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="pushes"
    )
    licence = models.ForeignKey(
        Licence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pushes",
        db_index=False,
    )
    feedback = models.ForeignKey(
        Feedback,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pushes",
        db_index=False,
    )
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pushes",
        db_index=False,
    )
    item = models.ForeignKey(
        "catalog.LicensingItem",
        verbose_name="审批事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # copied from the subject for the inbox filters (frozen with the snapshot)
    title = models.CharField("标题", max_length=300)
    case_number = models.CharField("办件编号", max_length=64, blank=True)
    applicant_name = models.CharField("申请人/相对人", max_length=200, blank=True)
    subject_date = models.DateField("办结/决定日期", null=True, blank=True)
    pushed_at = models.DateTimeField("推送时间")
    # the claim deadline (认领时限)
    claim_policy = models.CharField("认领规则", max_length=10)
    claim_start_at = models.DateTimeField("起算时间")
    claim_budget_days = models.PositiveSmallIntegerField("认领时限（工作日）")
    claim_due_date = models.DateField("认领截止日期")
    claim_due_at = models.DateTimeField("认领截止时刻")
    claim_provisional = models.BooleanField("截止日期暂定", default=False)
    profile_version_id = models.BigIntegerField("政策版本", null=True, blank=True)
    # the claim (认领)
    state = models.CharField(
        "认领状态", max_length=10, choices=PushState.choices, default=PushState.PENDING
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    claimed_mode = models.CharField(
        "认领方式", max_length=10, choices=ClaimedMode.choices, blank=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认领人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    claimed_by_name = models.CharField("认领人", max_length=150, blank=True)
    claim_late = models.BooleanField("逾期认领", default=False)

    objects = PushQuerySet.as_manager()

    class Meta:
        verbose_name = "推送"
        ordering = ["-pushed_at", "-id"]
        indexes = [
            # the claimed boxes by claim mode ('' = not claimed, or claimed on timeout and not
            # rewritten yet), newest first; "to claim" is served by PushOpen
            models.Index(
                fields=["jurisdiction", "addressee_department", "claimed_mode", "pushed_at", "id"],
                name="lk_push_mode",
            ),
            models.Index(fields=["jurisdiction", "case_number"], name="lk_push_case"),
            # inbox by newest push
            models.Index(
                fields=["jurisdiction", "addressee_department", "pushed_at", "id"],
                name="lk_push_recv",
            ),
            # outbox "sent"
            models.Index(
                fields=["jurisdiction", "sender_department", "pushed_at", "id"],
                name="lk_push_sent",
            ),
            # the materialising sweep: timeout pushes whose row still says pending
            models.Index(
                fields=["claim_due_at", "id"],
                condition=Q(state="pending", claim_policy="timeout"),
                name="lk_push_due",
            ),
            # the auto-claimed box: timeout pushes past their deadline whose row still says
            # pending (claimed by the sweep, not rewritten yet), per department
            models.Index(
                fields=["jurisdiction", "addressee_department", "claim_due_at", "id"],
                condition=Q(state="pending", claim_policy="timeout"),
                name="lk_push_swept",
            ),
            models.Index(
                fields=["feedback"], condition=Q(feedback__isnull=False), name="lk_push_fb"
            ),
            models.Index(fields=["notice"], condition=Q(notice__isnull=False), name="lk_push_nt"),
            models.Index(
                fields=["claim_provisional"],
                condition=Q(state="pending", claim_provisional=True),
                name="lk_push_prov",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def claimant_name(self) -> str:
        """Who claimed the push by hand (认领人); empty when it was claimed on push or on timeout,
        whose stored name only repeats the claim mode."""
        return self.claimed_by_name if self.claimed_mode == ClaimedMode.MANUAL else ""

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Pushes addressed to or sent by the actor's department; oversight reads them all."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(addressee_department_id=actor.department_id) | Q(
            sender_department_id=actor.department_id
        )


class PushSnapshot(models.Model):
    """The frozen content of a push (推送内容快照): everything the addressee received."""

    push = models.OneToOneField(
        Push, primary_key=True, on_delete=models.CASCADE, related_name="snapshot"
    )
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "推送内容"

    def __str__(self) -> str:
        return f"snapshot {self.push_id}"


class PushOpen(models.Model):
    """A push still waiting for its claim (待认领): a narrow row that the claim which closes the
    push deletes — a manual claim or the timeout sweep, exactly one of them (ADR 0014)."""

    push = models.OneToOneField(
        Push, primary_key=True, on_delete=models.CASCADE, related_name="open"
    )
    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    addressee_department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sender_department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField("类型", max_length=20, choices=PushKind.choices)
    claim_policy = models.CharField("认领规则", max_length=10)
    claim_due_at = models.DateTimeField("认领截止时刻")

    class Meta:
        verbose_name = "待认领推送"
        indexes = [
            models.Index(
                fields=["jurisdiction", "addressee_department", "claim_due_at", "push"],
                name="lk_open_inbox",
            ),
            models.Index(
                fields=["claim_due_at", "push"],
                condition=Q(claim_policy="timeout"),
                name="lk_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"open {self.push_id}"


class DigestLog(models.Model):
    """That a liaison's daily digest (每日提醒) was sent on a date: makes the sweep idempotent."""

    jurisdiction = models.ForeignKey("org.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    liaison = models.ForeignKey("org.LiaisonAssignment", on_delete=models.CASCADE, related_name="+")
    on_date = models.DateField("日期")
    counts = models.JSONField("统计", default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "每日提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["liaison", "on_date"], name="lk_uniq_digest")
        ]

    def __str__(self) -> str:
        return f"{self.liaison_id} {self.on_date}"
