"""Choices of the review app (技术环节、办理主体、意见结论…)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    """A technical step before a decision (技术性环节, 004 三(三)4; 000 §13 §18)."""

    SITE_INSPECTION = "site_inspection", _("现场勘验")
    TECHNICAL_REVIEW = "technical_review", _("技术审查")
    TESTING = "testing", _("检验检测")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    ARGUMENTATION = "argumentation", _("论证")
    HEARING = "hearing", _("听证")


# The kind of suspension of the case's time limit each step records (行政许可法第四十五条).
STEP_SUSPENSION_KIND = {
    StepKind.SITE_INSPECTION: "inspection",
    StepKind.TECHNICAL_REVIEW: "other",
    StepKind.TESTING: "testing",
    StepKind.EXPERT_REVIEW: "expert_review",
    StepKind.ARGUMENTATION: "argumentation",
    StepKind.HEARING: "hearing",
}


class Performer(models.TextChoices):
    """Who performs a technical step (实施主体)."""

    BUREAU = "bureau", _("审批局自行办理")
    REGULATOR = "regulator", _("行业主管部门书面支持")


class RequestState(models.TextChoices):
    """Where an opinion request stands (技术审查函状态)."""

    REQUESTED = "requested", _("待答复")
    ANSWERED = "answered", _("已书面答复")
    WAIVED = "waived", _("未等待答复（已说明理由）")


class Conclusion(models.TextChoices):
    """The conclusion of a written opinion (书面意见结论)."""

    AGREE = "agree", _("同意")
    CONDITIONAL = "conditional", _("附条件同意")
    DISAGREE = "disagree", _("不同意")


class Speciality(models.TextChoices):
    """The controlled list of expert specialities (专家专业类别, 002 §14)."""

    STRUCTURE = "structure", _("建筑结构")
    FIRE = "fire", _("消防")
    FOOD = "food", _("食品安全")
    ENVIRONMENT = "environment", _("生态环境")
    WORK_SAFETY = "work_safety", _("安全生产")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    MEDICAL = "medical", _("医疗卫生")
    WATER = "water", _("水利水保")
    TRANSPORT = "transport", _("交通运输")
    PLANNING = "planning", _("城乡规划")
    GEOLOGY = "geology", _("地质勘察")
    ELECTRICAL = "electrical", _("电气")


class ExpertTitle(models.TextChoices):
    """Professional title (职称)."""

    SENIOR = "senior", _("正高级")
    ASSOCIATE = "associate", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")


class InvitationState(models.TextChoices):
    """Where a drawn expert's invitation stands (抽取结果状态)."""

    INVITED = "invited", _("已通知")
    ACCEPTED = "accepted", _("确认参加")
    DECLINED = "declined", _("无法参加（已补抽）")


class CertificateState(models.TextChoices):
    """Where a certificate task stands (配发证照任务状态)."""

    OPEN = "open", _("待发证")
    DISPUTED = "disputed", _("对审批结果有异议（协调中）")
    ISSUED = "issued", _("已发证")


class PeriodUnit(models.TextChoices):
    """How a public notice's legal period is counted (公示期计算方式)."""

    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class NoticeState(models.TextChoices):
    """Where a public notice stands (公示状态)."""

    OPEN = "open", _("公示中")
    CLOSED = "closed", _("公示结束")


class PartyAnswer(models.TextChoices):
    """A regulator's answer to a public notice (监管部门意见)."""

    PENDING = "pending", _("未答复")
    OBJECTION = "objection", _("书面提出问题")
    NO_OBJECTION = "no_objection", _("书面无异议")
    DEEMED = "deemed", _("逾期视为无异议")


class MeetingState(models.TextChoices):
    """Where a joint review meeting stands (联审会状态)."""

    PLANNED = "planned", _("已通知")
    HELD = "held", _("已召开（纪要已形成）")
