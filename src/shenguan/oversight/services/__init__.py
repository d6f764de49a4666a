"""Writes of the oversight app (all audited, outbox rows in the same transaction), one module
per subject; other code imports them from here."""

from .alerts import alert_explain, alert_review
from .bulletins import (
    bulletin_correct,
    bulletin_generate,
    bulletin_publish,
    bulletin_refresh,
    bulletin_review,
    bulletins_draft_due,
)
from .escalations import (
    escalation_close,
    escalation_decide,
    escalation_escalate,
    escalation_interview,
    escalation_refer,
    escalation_remind,
    escalations_evaluate,
)
from .supervision import (
    feedback_handle,
    supervision_assign,
    supervision_finish,
    supervision_start,
    supervision_task_for_push,
    supervision_tasks_open,
)

__all__ = [
    "alert_explain",
    "alert_review",
    "bulletin_correct",
    "bulletin_generate",
    "bulletin_publish",
    "bulletin_refresh",
    "bulletin_review",
    "bulletins_draft_due",
    "escalation_close",
    "escalation_decide",
    "escalation_escalate",
    "escalation_interview",
    "escalation_refer",
    "escalation_remind",
    "escalations_evaluate",
    "feedback_handle",
    "supervision_assign",
    "supervision_finish",
    "supervision_start",
    "supervision_task_for_push",
    "supervision_tasks_open",
]
