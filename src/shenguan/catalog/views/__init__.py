"""Staff pages of the catalogue (事项清单管理): the bureau manages items, transfers, memos,
supervision items and the linkage list; regulators and oversight roles read them. Reads go
through selectors (another jurisdiction's object is a 404), writes through services."""

from __future__ import annotations

from .common import (
    manager,
    reader,
)
from .entries import (
    entry_create,
    entry_detail,
    entry_edit,
    entry_list,
    entry_retire,
    list_publish,
    version_detail,
)
from .imports import (
    import_job,
    import_view,
)
from .items import (
    item_create,
    item_detail,
    item_edit,
    item_list,
    item_remove,
    item_transfer,
)
from .memos import (
    memo_amend,
    memo_create,
    memo_detail,
    memo_edit,
    memo_list,
    memo_print,
    memo_sign,
)
from .notices import (
    gaps,
    notice_acknowledge,
    notice_list,
)
from .pickers import pick_items
from .supervision import (
    supervision_list,
)

__all__ = [
    "entry_create",
    "entry_detail",
    "entry_edit",
    "entry_list",
    "entry_retire",
    "gaps",
    "import_job",
    "import_view",
    "item_create",
    "item_detail",
    "item_edit",
    "item_list",
    "item_remove",
    "item_transfer",
    "list_publish",
    "manager",
    "memo_amend",
    "memo_create",
    "memo_detail",
    "memo_edit",
    "memo_list",
    "memo_print",
    "memo_sign",
    "notice_acknowledge",
    "notice_list",
    "pick_items",
    "reader",
    "supervision_list",
    "version_detail",
]
