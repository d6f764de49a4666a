"""Writes of the review app (审批过程中的审管互动): the technical-step table, opinion requests
and written opinions. Every service validates, writes, audits and emits in one transaction; one
module per subject, callers keep `from shenguan.review import services`."""

from __future__ import annotations

from .opinions import (
    open_requests_guard,
    opinion_answer,
    opinion_request,
    opinion_waive,
)
from .steps import step_create, step_in_force

__all__ = [
    "open_requests_guard",
    "opinion_answer",
    "opinion_request",
    "opinion_waive",
    "step_create",
    "step_in_force",
]
