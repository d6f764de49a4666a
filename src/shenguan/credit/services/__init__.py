"""Writes of the credit app (信用联动)."""

from __future__ import annotations

from .checks import (
    credit_check_record,
    credit_lookup,
    credit_override_grant,
    on_record_created,
    on_record_validate,
    record_subjects,
)
from .commitments import commitment_tasks_for_completion, commitment_verify
from .lists import list_import, list_import_plan
from .records import (
    credit_record_for_penalty,
    credit_record_outcome,
    credit_record_resend,
    credit_records_for_completion,
    on_feedback_created,
    on_feedback_released,
)
from .warnings import warning_add_system, warning_create, warning_repair

__all__ = [
    "commitment_tasks_for_completion",
    "commitment_verify",
    "credit_check_record",
    "credit_lookup",
    "credit_override_grant",
    "credit_record_for_penalty",
    "credit_record_outcome",
    "credit_record_resend",
    "credit_records_for_completion",
    "list_import",
    "list_import_plan",
    "on_feedback_created",
    "on_feedback_released",
    "on_record_created",
    "on_record_validate",
    "record_subjects",
    "warning_add_system",
    "warning_create",
    "warning_repair",
]
