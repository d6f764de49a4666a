"""Pages of the review app: opinion requests with their answers, the technical-step table."""

from __future__ import annotations

from .certificates import (
    certificate_detail,
    certificate_issue,
    certificate_list,
    certificate_message,
)
from .experts import (
    draw_create,
    draw_detail,
    draw_member,
    expert_conflict,
    expert_create,
    expert_detail,
    expert_list,
    expert_update,
)
from .meetings import (
    meeting_convene,
    meeting_detail,
    meeting_list,
    meeting_minutes,
    meeting_record,
)
from .notices import (
    notice_act,
    notice_detail,
    notice_list,
    notice_publish,
    public_notice_comment,
    public_notice_detail,
    public_notice_list,
)
from .opinions import (
    request_answer,
    request_create,
    request_detail,
    request_list,
    request_waive,
)
from .steps import public_step_list, step_create, step_import, step_list

__all__ = [
    "certificate_detail",
    "certificate_issue",
    "certificate_list",
    "certificate_message",
    "draw_create",
    "draw_detail",
    "draw_member",
    "expert_conflict",
    "expert_create",
    "expert_detail",
    "expert_list",
    "expert_update",
    "meeting_convene",
    "meeting_detail",
    "meeting_list",
    "meeting_minutes",
    "meeting_record",
    "notice_act",
    "notice_detail",
    "notice_list",
    "notice_publish",
    "public_notice_comment",
    "public_notice_detail",
    "public_notice_list",
    "public_step_list",
    "request_answer",
    "request_create",
    "request_detail",
    "request_list",
    "request_waive",
    "step_create",
    "step_import",
    "step_list",
]
