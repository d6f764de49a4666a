"""Joint review meetings (联审会, 《聊城市强化审管互动工作暂行办法》第十一条; 会商, 004 三(三)4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import MeetingState


class Meeting(JurisdictionScoped):
    """A meeting the bureau convenes for one or more complex cases, with the departments invited
    (each invitation a push), drawn experts, the agenda, each department's opinion, attendance,
    the minutes (纪要) and a conclusion per case."""

    bureau = models.ForeignKey(
        "org.Department", verbose_name="召集部门", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("会议名称", max_length=200)
    held_at = models.DateTimeField("会议时间")
    place = models.CharField("地点", max_length=200, blank=True)
    video_link = models.CharField("视频会议链接", max_length=300, blank=True)
    agenda = models.TextField("议程")
    draw = models.ForeignKey(
        "review.ExpertDraw",
        verbose_name="专家抽取",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    state = models.CharField(
        "状态", max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    minutes = models.TextField("会议纪要", blank=True)
    minutes_at = models.DateTimeField("纪要时间", null=True, blank=True)
    convened_by_name = models.CharField("召集人", max_length=150)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "联审会"
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "bureau"], name="rv_meet_j_bureau")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The convening bureau, the departments invited, oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        invited = MeetingInvitee.objects.filter(department_id=actor.department_id).values(
            "meeting_id"
        )
        return Q(bureau_id=actor.department_id) | Q(pk__in=invited)


class MeetingCase(models.Model):
    """A case on a meeting's agenda, with the meeting's conclusion on it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    record = models.ForeignKey(
        "linkage.ApprovalRecord", verbose_name="办件", on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField("会议结论", blank=True)

    class Meta:
        verbose_name = "联审办件"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "record"], name="rv_uniq_meeting_case")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.record_id}"


class MeetingInvitee(models.Model):
    """A department invited (its invitation is a push), its attendance and its opinion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    department = models.ForeignKey(
        "org.Department", verbose_name="参会部门", on_delete=models.PROTECT, related_name="+"
    )
    push = models.ForeignKey(
        "linkage.Push",
        verbose_name="会议通知推送",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    attended = models.BooleanField("出席", null=True)
    attendee_names = models.CharField("出席人员", max_length=200, blank=True)
    opinion = models.TextField("部门意见", blank=True)

    class Meta:
        verbose_name = "参会部门"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="rv_uniq_meeting_invitee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.department_id}"
