"""The city-and-county expert pool and its random draws (审批专家库与随机抽取, 002 §14)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped, RestrictedQuerySet
from shenguan.org.roles import Perm

from .common import ExpertTitle, InvitationState, Speciality


class Expert(JurisdictionScoped):
    """An expert of the pool, kept by the bureau and the regulators together: specialities from
    the controlled list, title, employer (with its USCC, for avoidance), region, contact,
    availability and the date of the next periodic review (定期更新)."""

    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职称", max_length=16, choices=ExpertTitle.choices)
    employer = models.CharField("工作单位", max_length=200)
    employer_uscc = models.CharField("单位统一社会信用代码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    available = models.BooleanField("可参加评审", default=True)
    unavailable_note = models.CharField("不可参加原因", max_length=200, blank=True)
    review_due = models.DateField("下次复核日期")
    active = models.BooleanField("在库", default=True)
    specialities = models.JSONField("专业类别", default=list)
    added_by_department = models.ForeignKey(
        "org.Department",
        verbose_name="推荐部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评审专家"
        ordering = ["jurisdiction_id", "name", "id"]
        indexes = [models.Index(fields=["jurisdiction", "active"], name="rv_exp_j_active")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Business roles of the jurisdiction read the pool (contacts masked on display)."""
        if actor.is_oversight or actor.can(Perm.CATALOG_READ):
            return Q()
        return None


class ExpertSpeciality(models.Model):
    """One speciality of an expert: the draw's candidates are read by speciality."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="speciality_rows")
    speciality = models.CharField("专业类别", max_length=20, choices=Speciality.choices)

    class Meta:
        verbose_name = "专家专业"
        constraints = [
            models.UniqueConstraint(fields=["expert", "speciality"], name="rv_uniq_exp_spec")
        ]
        indexes = [models.Index(fields=["speciality", "expert"], name="rv_spec_exp")]

    def __str__(self) -> str:
        return f"{self.expert_id}:{self.speciality}"


class ExpertChange(models.Model):
    """The history of an expert's entry (专家信息变更记录)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    by_name = models.CharField("变更人", max_length=150)
    by_department_name = models.CharField("变更部门", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict)

    class Meta:
        verbose_name = "专家信息变更"
        ordering = ["expert_id", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.expert_id}@{self.at:%Y-%m-%d}"


class ExpertConflict(models.Model):
    """A conflict of interest an expert declared (利益冲突申报): an organisation (by USCC) he or
    she must not review; a draw for that applicant or related party avoids the expert."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    party_uscc = models.CharField("统一社会信用代码", max_length=18)
    party_name = models.CharField("单位名称", max_length=200)
    reason = models.CharField("申报事由", max_length=300)
    declared_on = models.DateField("申报日期")

    class Meta:
        verbose_name = "利益冲突申报"
        indexes = [models.Index(fields=["party_uscc"], name="rv_conflict_uscc")]

    def __str__(self) -> str:
        return f"{self.expert_id}:{self.party_uscc}"


class ExpertDraw(JurisdictionScoped):
    """A random draw of experts for a case (or a meeting): the numbers per speciality, the seed,
    the candidates after the avoidance rules with the reason each exclusion, and the result, so
    that anyone with the audit right can replay it and get the same experts."""

    record = models.ForeignKey(
        "linkage.ApprovalRecord", verbose_name="办件", on_delete=models.PROTECT, related_name="+"
    )
    opinion_request = models.ForeignKey(
        "review.OpinionRequest",
        verbose_name="技术审查函",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draws",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="抽取部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    purpose = models.CharField("用途", max_length=200)
    applicant_uscc = models.CharField("申请人统一社会信用代码", max_length=18, blank=True)
    applicant_name = models.CharField("申请人", max_length=200)
    related_usccs = models.JSONField("关联方统一社会信用代码", default=list, blank=True)
    needs = models.JSONField("抽取人数", default=dict)  # {speciality: count}
    avoid_days = models.PositiveSmallIntegerField("同一申请人回避期（日）")
    algorithm = models.CharField("算法", max_length=40)
    seed = models.CharField("随机种子", max_length=64)
    candidates = models.JSONField("候选专家", default=dict)  # {speciality: [expert ids]}
    excluded = models.JSONField("回避排除", default=dict)  # {expert id: reason}
    drawn_at = models.DateTimeField("抽取时间")
    drawn_by_name = models.CharField("抽取人", max_length=150)
    suspension = models.ForeignKey(
        "linkage.CaseSuspension",
        verbose_name="审批时限中止",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "专家抽取"
        ordering = ["-drawn_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "record"], name="rv_draw_j_rec"),
            models.Index(fields=["applicant_uscc", "drawn_at"], name="rv_draw_applicant"),
        ]

    def __str__(self) -> str:
        return f"draw {self.pk}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The department that drew, the case's bureau, oversight and the audit administrator."""
        if actor.is_oversight or actor.can(Perm.AUDIT_VIEW):
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | Q(record__department_id=actor.department_id)


class DrawnExpert(models.Model):
    """One expert drawn (in order), the invitation's answer, the replacement drawn when the
    expert declined, and the expert's opinion on the case (专家意见)."""

    draw = models.ForeignKey(ExpertDraw, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    speciality = models.CharField("专业类别", max_length=20, choices=Speciality.choices)
    position = models.PositiveSmallIntegerField("抽取顺序")
    round = models.PositiveSmallIntegerField("抽取轮次", default=0)  # 0 first draw, n: replacement
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=10, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    decline_reason = models.CharField("无法参加原因", max_length=200, blank=True)
    opinion = models.TextField("专家意见", blank=True)
    opinion_at = models.DateTimeField("意见登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽中专家"
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "expert"], name="rv_uniq_draw_expert"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.expert_id}"
