"""Everything the oversight app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Deadline kinds, linkage hooks and panels, sweeps, menu, home sections, demo step."""
    from shenguan.linkage import hooks

    from . import kinds, linkage_hooks, sweeps

    kinds.register_kinds()
    hooks.register(hooks.PUSHES_CLAIMED, linkage_hooks.on_pushes_claimed)
    hooks.register(hooks.RECORDS_COMPLETED, linkage_hooks.on_records_completed)
    sweeps.register()
