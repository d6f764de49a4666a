"""HTTP API of the catalogue (事项清单接口): items and their transfer history, who handles an item,
push routes, handover memos, supervision items, the linkage list and its published versions,
change notices, the gap report, import and export.

Reads go through selectors (another jurisdiction's object answers 404); writes through services,
which allow only the bureau's catalogue managers of the jurisdiction (others: 403). Regulators
read their jurisdiction's lists and acknowledge the notices addressed to them."""

from __future__ import annotations

from .common import (
    DETAIL,
    MAX_UPLOAD,
    READ,
    WRITE,
    handling_out,
    router,
)
from .entries import (
    alias_list,
    alias_set,
    entry_create,
    entry_detail,
    entry_list,
    entry_retire,
    entry_update,
    version_entries,
    version_list,
    version_publish,
)
from .files import (
    export_file,
    gaps,
    import_file,
)
from .items import (
    item_create,
    item_detail,
    item_handler,
    item_list,
    item_remove,
    item_routes,
    item_update,
    transfer_record,
)
from .memos import (
    memo_amend,
    memo_create,
    memo_detail,
    memo_list,
    memo_sign,
    memo_update,
)
from .notices import (
    notice_acknowledge,
    notice_create,
    notice_detail,
    notice_list,
)
from .supervision import (
    supervision_create,
    supervision_detail,
    supervision_list,
    supervision_update,
)

__all__ = [
    "DETAIL",
    "MAX_UPLOAD",
    "READ",
    "WRITE",
    "alias_list",
    "alias_set",
    "entry_create",
    "entry_detail",
    "entry_list",
    "entry_retire",
    "entry_update",
    "export_file",
    "gaps",
    "handling_out",
    "import_file",
    "item_create",
    "item_detail",
    "item_handler",
    "item_list",
    "item_remove",
    "item_routes",
    "item_update",
    "memo_amend",
    "memo_create",
    "memo_detail",
    "memo_list",
    "memo_sign",
    "memo_update",
    "notice_acknowledge",
    "notice_create",
    "notice_detail",
    "notice_list",
    "router",
    "supervision_create",
    "supervision_detail",
    "supervision_list",
    "supervision_update",
    "transfer_record",
    "version_entries",
    "version_list",
    "version_publish",
]
