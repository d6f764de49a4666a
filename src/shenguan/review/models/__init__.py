"""Models of the review app; one module per subject, re-exported here."""

from __future__ import annotations

from .certificates import CertificateMessage, CertificateTask
from .common import (
    CertificateState,
    Conclusion,
    ExpertTitle,
    InvitationState,
    Performer,
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
    "OpinionRequest",
    "Performer",
    "RequestState",
    "Speciality",
    "StepKind",
    "TechnicalStep",
]
