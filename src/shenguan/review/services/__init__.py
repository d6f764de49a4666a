"""Writes of the review app (审批过程中的审管互动): the technical-step table, opinion requests
and written opinions. Every service validates, writes, audits and emits in one transaction; one
module per subject, callers keep `from shenguan.review import services`."""

from __future__ import annotations

from .certificates import (
    certificate_issue,
    certificate_message,
    certificate_tasks_open,
    certificate_terms,
)
from .draws import (
    ALGORITHM,
    candidates_for,
    draw_create,
    draw_opinion,
    draw_replay,
    draw_respond,
    select,
    select_replacement,
)
from .experts import (
    can_keep_pool,
    expert_conflict_declare,
    expert_create,
    expert_update,
)
from .meetings import meeting_convene, meeting_record
from .notices import (
    deemed_at,
    mask_text,
    notice_answer,
    notice_close,
    notice_comment,
    notice_handle,
    notice_publish,
    notices_close_due,
    period_end,
)
from .opinions import (
    open_requests_guard,
    opinion_answer,
    opinion_request,
    opinion_waive,
)
from .step_import import steps_import
from .steps import step_create, step_in_force

__all__ = [
    "ALGORITHM",
    "can_keep_pool",
    "candidates_for",
    "certificate_issue",
    "certificate_message",
    "certificate_tasks_open",
    "certificate_terms",
    "deemed_at",
    "draw_create",
    "draw_opinion",
    "draw_replay",
    "draw_respond",
    "expert_conflict_declare",
    "expert_create",
    "expert_update",
    "mask_text",
    "meeting_convene",
    "meeting_record",
    "notice_answer",
    "notice_close",
    "notice_comment",
    "notice_handle",
    "notice_publish",
    "notices_close_due",
    "open_requests_guard",
    "opinion_answer",
    "opinion_request",
    "opinion_waive",
    "period_end",
    "select",
    "select_replacement",
    "step_create",
    "step_in_force",
    "steps_import",
]
