"""Catalog models: licensing items, transfer history, handover memos, supervision items and the
linkage list with its published versions and change notices (事项清单与划转交接).

Every table carries its jurisdiction and every hot index starts with it (ARCHITECTURE "Data rules").
Codes are stored as given (after full-width → half-width normalisation and trimming)."""

from __future__ import annotations

from .common import (
    MEMO_TRANSITIONS,
    ChangeKind,
    HandoverKind,
    MemoState,
    PowerType,
    PushMethod,
    Stage,
    TransferStatus,
)
from .items import (
    LicensingItem,
    TransferRecord,
)
from .linkage import (
    DepartmentAlias,
    LinkageEntry,
    LinkageEntrySupervision,
    LinkageListVersion,
    LinkageVersionEntry,
    SupervisionItem,
)
from .memos import (
    HandoverMemo,
    HandoverMemoAmendment,
    HandoverMemoItem,
)
from .notices import (
    ChangeNotice,
    ChangeNoticeRecipient,
)

__all__ = [
    "MEMO_TRANSITIONS",
    "ChangeKind",
    "ChangeNotice",
    "ChangeNoticeRecipient",
    "DepartmentAlias",
    "HandoverKind",
    "HandoverMemo",
    "HandoverMemoAmendment",
    "HandoverMemoItem",
    "LicensingItem",
    "LinkageEntry",
    "LinkageEntrySupervision",
    "LinkageListVersion",
    "LinkageVersionEntry",
    "MemoState",
    "PowerType",
    "PushMethod",
    "Stage",
    "SupervisionItem",
    "TransferRecord",
    "TransferStatus",
]
