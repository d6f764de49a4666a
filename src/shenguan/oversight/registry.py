"""Everything the oversight app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Deadline kinds, linkage hooks and panels, sweeps, menu, home sections, demo step."""
    from shenguan.core.demo import register_demo_step
    from shenguan.linkage import hooks

    from . import demo, home, kinds, linkage_hooks, panels, sweeps

    kinds.register_kinds()
    hooks.register(hooks.PUSHES_CLAIMED, linkage_hooks.on_pushes_claimed)
    hooks.register(hooks.RECORDS_COMPLETED, linkage_hooks.on_records_completed)
    hooks.register_panel(
        hooks.Panel(
            page="push",
            name="oversight",
            template="oversight/panel_push.html",
            context=panels.push_panel,
        )
    )
    hooks.register_panel(
        hooks.Panel(
            page="record",
            name="oversight",
            template="oversight/panel_record.html",
            context=panels.record_panel,
        )
    )
    sweeps.register()
    home.register()
    register_demo_step(60, "oversight", demo.load)
