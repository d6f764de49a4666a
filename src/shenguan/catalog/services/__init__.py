"""Writes to the catalogue: items, transfers, memos, supervision items, linkage entries, versions
and change notices (事项清单维护). Every service validates, writes, audits and notifies in one
transaction. One module per subject; callers keep `from shenguan.catalog import services`."""

from __future__ import annotations

from .common import (
    _notice,
    _regulator_ids,
    _require_manage,
)
from .entries import (
    entry_create,
    entry_retire,
    entry_update,
)
from .items import (
    department_alias_set,
    item_create,
    item_remove,
    item_update,
)
from .memos import (
    memo_amend,
    memo_create,
    memo_sign,
    memo_update,
)
from .notices import (
    change_notice_acknowledge,
    change_notice_create,
    normalize_key,
)
from .supervision import (
    supervision_item_create,
    supervision_item_update,
)
from .transfers import (
    transfer_record,
)
from .versions import (
    list_publish,
)

__all__ = [
    "_notice",
    "_regulator_ids",
    "_require_manage",
    "change_notice_acknowledge",
    "change_notice_create",
    "department_alias_set",
    "entry_create",
    "entry_retire",
    "entry_update",
    "item_create",
    "item_remove",
    "item_update",
    "list_publish",
    "memo_amend",
    "memo_create",
    "memo_sign",
    "memo_update",
    "normalize_key",
    "supervision_item_create",
    "supervision_item_update",
    "transfer_record",
]
