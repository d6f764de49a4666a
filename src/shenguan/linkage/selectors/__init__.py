"""Reads of the linkage app, always scoped to what the actor may see (Model.objects.restrict):
records, licences, inboxes of pushes with their filters, feedback, notices, timelines, counts."""

from __future__ import annotations

from .common import (
    MAX_ID,
)
from .counts import (
    inbox_counts,
)
from .feedback import (
    feedback_get,
    feedback_list,
    notice_get,
    notice_list,
)
from .licences import (
    licence_get,
    licence_history,
    licence_list,
    licence_verify,
)
from .pushes import (
    AUTO_CLAIMED,
    AUTO_PENDING_ROW,
    BOXES,
    OPEN,
    MergedPushes,
    countdown,
    push_get,
    push_list,
    push_timeline,
    responsibility,
    snapshot_labels,
)
from .records import (
    material_get,
    public_decisions,
    record_get,
    record_list,
    suspended_working_days,
    suspension_get,
    suspension_list,
)

__all__ = [
    "AUTO_CLAIMED",
    "AUTO_PENDING_ROW",
    "BOXES",
    "MAX_ID",
    "OPEN",
    "MergedPushes",
    "countdown",
    "feedback_get",
    "feedback_list",
    "inbox_counts",
    "licence_get",
    "licence_history",
    "licence_list",
    "licence_verify",
    "material_get",
    "notice_get",
    "notice_list",
    "public_decisions",
    "push_get",
    "push_list",
    "push_timeline",
    "record_get",
    "record_list",
    "responsibility",
    "snapshot_labels",
    "suspended_working_days",
    "suspension_get",
    "suspension_list",
]
