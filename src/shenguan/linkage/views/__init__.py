"""Pages of the linkage app: inboxes with bulk claim and export, push details with the timeline,
approval records with materials, import and manual routing, feedback with disposal and answers,
notices, the licence register, and the public licence verification page."""

from __future__ import annotations

from .common import (
    BOX_LABELS,
    PAGE_SIZE,
    personal,
)
from .feedback import (
    feedback_detail,
    feedback_dispose,
    feedback_list,
    feedback_new,
    feedback_reply,
)
from .inbox import (
    inbox,
    inbox_export,
    push_claim,
    push_claim_bulk,
    push_detail,
)
from .licences import (
    licence_detail,
    licence_list,
    licence_verify,
)
from .notices import (
    notice_detail,
    notice_list,
    notice_new,
)
from .pickers import (
    pick_departments,
    pick_items,
)
from .records import (
    material_download,
    material_upload,
    record_complete,
    record_detail,
    record_import,
    record_import_job,
    record_list,
    record_new,
    record_route,
)

__all__ = [
    "BOX_LABELS",
    "PAGE_SIZE",
    "feedback_detail",
    "feedback_dispose",
    "feedback_list",
    "feedback_new",
    "feedback_reply",
    "inbox",
    "inbox_export",
    "licence_detail",
    "licence_list",
    "licence_verify",
    "material_download",
    "material_upload",
    "notice_detail",
    "notice_list",
    "notice_new",
    "personal",
    "pick_departments",
    "pick_items",
    "push_claim",
    "push_claim_bulk",
    "push_detail",
    "record_complete",
    "record_detail",
    "record_import",
    "record_import_job",
    "record_list",
    "record_new",
    "record_route",
]
