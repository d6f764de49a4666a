"""Reading the catalogue, always scoped to what the actor may see (事项清单查询)."""

from __future__ import annotations

from .handling import (  # noqa: F401  (the routing interface used by the linkage app)
    Handling,
    LinkageRoute,
    item_handler,
    item_handling,
    linkage_routes,
    live_entries_q,
    transfer_in_force,
)
