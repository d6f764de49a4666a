"""Import of the linkage list, licensing items and supervision items from xlsx or csv (清单导入).

The generic reader and report framework are `shenguan.core.sheets`; this package holds the
catalogue's layouts (common) and one module per list kind. Every import first validates the
whole file and reports every problem with its row and column; nothing is written unless every
row passes (a dry run never writes). The linkage import streams: pass 1 parses and validates
rows into a temporary spool (scratch), pass 2 bulk-inserts from it (linkage_write)."""

from __future__ import annotations

from .common import (
    CHUNK,
    ITEM_COLUMNS,
    LINKAGE_COLUMNS,
    SUPERVISION_COLUMNS,
    _Refs,
    split_codes,
    split_names,
)
from .items import (
    item_import,
)
from .linkage import (
    clean_multiline,
    linkage_import,
)
from .linkage_write import (
    _ITEM_FIELDS,
)
from .scratch import (
    _Scratch,
)
from .supervision import (
    supervision_import,
)

__all__ = [
    "CHUNK",
    "ITEM_COLUMNS",
    "LINKAGE_COLUMNS",
    "SUPERVISION_COLUMNS",
    "_ITEM_FIELDS",
    "_Refs",
    "_Scratch",
    "clean_multiline",
    "item_import",
    "linkage_import",
    "split_codes",
    "split_names",
    "supervision_import",
]
