"""Pushes, their frozen snapshots and open rows, and the daily digest log (推送)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped, RestrictedQuerySet
from shenguan.org.roles import Perm

from .common import ClaimedMode, PushDirection, PushKind, PushState
from .feedback import Feedback, Notice
from .licences import Licence
from .records import ApprovalRecord

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
