"""Pages of the review app: opinion requests with their answers, the technical-step table."""

from __future__ import annotations

from .opinions import (
    request_answer,
    request_create,
    request_detail,
    request_list,
    request_waive,
)
from .steps import step_create, step_list

__all__ = [
    "request_answer",
    "request_create",
    "request_detail",
    "request_list",
    "request_waive",
    "step_create",
    "step_list",
]
