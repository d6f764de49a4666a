"""Reads of the oversight app, scoped to the actor (another department's object → 404)."""

from .alerts import alert_get, alert_list, alert_url, kind_label, open_alert_counts
from .bulletins import (
    bulletin_get,
    bulletin_list,
    escalation_get,
    escalation_list,
    escalation_steps,
    step_get,
)
from .dashboards import claim_pushes, dashboard_data, dashboard_jurisdiction
from .supervision import (
    feedback_unhandled,
    handling_for_feedback,
    handling_list,
    supervision_for_push,
    supervision_get,
    supervision_list,
)

__all__ = [
    "alert_get",
    "alert_list",
    "alert_url",
    "bulletin_get",
    "bulletin_list",
    "claim_pushes",
    "dashboard_data",
    "dashboard_jurisdiction",
    "escalation_get",
    "escalation_list",
    "escalation_steps",
    "feedback_unhandled",
    "handling_for_feedback",
    "handling_list",
    "kind_label",
    "open_alert_counts",
    "step_get",
    "supervision_for_push",
    "supervision_get",
    "supervision_list",
]
