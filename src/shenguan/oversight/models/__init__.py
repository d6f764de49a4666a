"""Models of the oversight app, one module per subject; import them from here."""

from .alerts import Alert, AlertLevel, AlertReview, ClaimQueue
from .bulletins import Bulletin, BulletinState, ClaimStatus, PushDayStat, PushRollup
from .escalations import (
    Escalation,
    EscalationBasis,
    EscalationLevel,
    EscalationState,
    EscalationStep,
    StepState,
)
from .supervision import (
    SUPERVISION_TRANSITIONS,
    FeedbackHandling,
    HandlingAction,
    StartKind,
    SupervisionResult,
    SupervisionState,
    SupervisionTask,
)

__all__ = [
    "SUPERVISION_TRANSITIONS",
    "Alert",
    "AlertLevel",
    "AlertReview",
    "Bulletin",
    "BulletinState",
    "ClaimQueue",
    "ClaimStatus",
    "Escalation",
    "EscalationBasis",
    "EscalationLevel",
    "EscalationState",
    "EscalationStep",
    "FeedbackHandling",
    "HandlingAction",
    "PushDayStat",
    "PushRollup",
    "StartKind",
    "StepState",
    "SupervisionResult",
    "SupervisionState",
    "SupervisionTask",
]
