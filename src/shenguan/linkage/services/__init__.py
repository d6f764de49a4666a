"""Writes of the linkage app (审管联动): approval records, materials, completion and routing,
pushes and claims, licences, feedback, notices and suspensions of time limits. Every service
validates, writes, audits and emits in one transaction. One module per subject; callers keep
`from shenguan.linkage import services`."""

from __future__ import annotations

from .claims import (
    push_claim,
    push_claim_bulk,
)
from .common import (
    AUTO_CLAIMED_EVENT,
    CLAIMED_EVENT,
    CREATED_EVENT,
    SYSTEM_NAME,
    _check_handler,
    _require,
    actor_name,
    jurisdiction_bureau,
    liaison_user_ids,
    oversight_user_ids,
)
from .feedback import (
    correction_reply,
    disposal_record,
    feedback_create,
    feedback_release,
    feedback_snapshot,
)
from .licences import (
    licence_certificate_record,
    licence_transition,
)
from .materials import (
    MATERIAL_TYPES,
    clean_filename,
    material_add,
    material_max_bytes,
    material_open,
    material_path,
)
from .notices import (
    notice_create,
    notice_from_change,
    notice_snapshot,
)
from .pushes import (
    claim_terms,
    push_payload,
    push_send,
)
from .records import (
    _mark_decided,
    _record_audit,
    _record_department,
    clean_record,
    record_create,
    record_problems,
    record_update,
)
from .routing import (
    complete_records,
    group_routes,
    record_complete,
    record_route_manually,
    record_snapshot,
)
from .suspensions import (
    suspension_end,
    suspension_start,
)

__all__ = [
    "AUTO_CLAIMED_EVENT",
    "CLAIMED_EVENT",
    "CREATED_EVENT",
    "MATERIAL_TYPES",
    "SYSTEM_NAME",
    "_check_handler",
    "_mark_decided",
    "_record_audit",
    "_record_department",
    "_require",
    "actor_name",
    "claim_terms",
    "clean_filename",
    "clean_record",
    "complete_records",
    "correction_reply",
    "disposal_record",
    "feedback_create",
    "feedback_release",
    "feedback_snapshot",
    "group_routes",
    "jurisdiction_bureau",
    "liaison_user_ids",
    "licence_certificate_record",
    "licence_transition",
    "material_add",
    "material_max_bytes",
    "material_open",
    "material_path",
    "notice_create",
    "notice_from_change",
    "notice_snapshot",
    "oversight_user_ids",
    "push_claim",
    "push_claim_bulk",
    "push_payload",
    "push_send",
    "record_complete",
    "record_create",
    "record_problems",
    "record_route_manually",
    "record_snapshot",
    "record_update",
    "suspension_end",
    "suspension_start",
]
