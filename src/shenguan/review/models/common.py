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
