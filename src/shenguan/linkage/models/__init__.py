"""Linkage models: approval records and their materials, the licence register, supervision
feedback, disposals, notices and the pushes that carry them between the bureau and regulators
(审管信息双向推送与认领).

Every table carries its jurisdiction and every hot index starts with it (ARCHITECTURE "Data
rules"). A push carries its own claim deadline (start, budget, due date, end moment, provisional
flag, policy version) instead of a `calendar.Deadline` row: pushes are the one high-volume
deadline (ADR 0014). Its frozen content lives in `PushSnapshot`, so that the push row stays
narrow for the inbox indexes and the auto-claim sweep."""

from __future__ import annotations

from .common import (
    DISPOSAL_LICENCE_STATE,
    LICENCE_TRANSITIONS,
    RESULT_KINDS,
    AcceptanceMode,
    ApplicantKind,
    ApprovalResult,
    ClaimedMode,
    DisposalOutcome,
    FeedbackKind,
    FeedbackState,
    LicenceState,
    MaterialKind,
    NoticeKind,
    PushDirection,
    PushKind,
    PushState,
    RecordSource,
    RecordState,
    ReplyOutcome,
    SuspensionKind,
)
from .feedback import (
    Disposal,
    Feedback,
    Notice,
)
from .licences import (
    Licence,
    LicenceEvent,
)
from .pushes import (
    AUTO_CLAIM_NAME,
    DigestLog,
    Push,
    PushOpen,
    PushQuerySet,
    PushSnapshot,
    normalize_claim,
)
from .records import (
    ApprovalRecord,
    CaseSuspension,
    Material,
)

__all__ = [
    "AUTO_CLAIM_NAME",
    "DISPOSAL_LICENCE_STATE",
    "LICENCE_TRANSITIONS",
    "RESULT_KINDS",
    "AcceptanceMode",
    "ApplicantKind",
    "ApprovalRecord",
    "ApprovalResult",
    "CaseSuspension",
    "ClaimedMode",
    "DigestLog",
    "Disposal",
    "DisposalOutcome",
    "Feedback",
    "FeedbackKind",
    "FeedbackState",
    "Licence",
    "LicenceEvent",
    "LicenceState",
    "Material",
    "MaterialKind",
    "Notice",
    "NoticeKind",
    "Push",
    "PushDirection",
    "PushKind",
    "PushOpen",
    "PushQuerySet",
    "PushSnapshot",
    "PushState",
    "RecordSource",
    "RecordState",
    "ReplyOutcome",
    "SuspensionKind",
    "normalize_claim",
]
