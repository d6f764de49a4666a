"""Writes of the oversight app (all audited, outbox rows in the same transaction), one module
per subject; other code imports them from here."""

from .alerts import alert_explain, alert_review
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
    "feedback_handle",
    "supervision_assign",
    "supervision_finish",
    "supervision_start",
    "supervision_task_for_push",
    "supervision_tasks_open",
]
