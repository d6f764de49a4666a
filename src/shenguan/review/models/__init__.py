"""Models of the review app; one module per subject, re-exported here."""

from __future__ import annotations

from .common import Conclusion, Performer, RequestState, StepKind
from .opinions import OpinionRequest
from .steps import TechnicalStep

__all__ = [
    "Conclusion",
    "OpinionRequest",
    "Performer",
    "RequestState",
    "StepKind",
    "TechnicalStep",
]
