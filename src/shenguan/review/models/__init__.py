"""Models of the review app; one module per subject, re-exported here."""

from __future__ import annotations

from .certificates import CertificateMessage, CertificateTask
from .common import (
    CertificateState,
    Conclusion,
    ExpertTitle,
    InvitationState,
    MeetingState,
    NoticeState,
    PartyAnswer,
    Performer,
    PeriodUnit,
    RequestState,
    Speciality,
    StepKind,
)
from .experts import (
    DrawnExpert,
    Expert,
    ExpertChange,
    ExpertConflict,
    ExpertDraw,
    ExpertSpeciality,
)
from .meetings import Meeting, MeetingCase, MeetingInvitee
from .notices import NoticeComment, NoticeParty, PublicNotice
from .opinions import OpinionRequest
from .steps import TechnicalStep

__all__ = [
    "CertificateMessage",
    "CertificateState",
    "CertificateTask",
    "Conclusion",
    "DrawnExpert",
    "Expert",
    "ExpertChange",
    "ExpertConflict",
    "ExpertDraw",
    "ExpertSpeciality",
    "ExpertTitle",
    "InvitationState",
    "Meeting",
    "MeetingCase",
    "MeetingInvitee",
    "MeetingState",
    "NoticeComment",
    "NoticeParty",
    "NoticeState",
    "OpinionRequest",
    "PartyAnswer",
    "Performer",
    "PeriodUnit",
    "PublicNotice",
    "RequestState",
    "Speciality",
    "StepKind",
    "TechnicalStep",
]
