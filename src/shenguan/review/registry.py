"""Everything the review app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Deadline kinds, linkage hooks and panels, menu entries, demo step."""
    from shenguan.core.demo import register_demo_step
    from shenguan.linkage import hooks

    from . import demo, kinds, linkage_hooks, panels

    kinds.register_kinds()
    hooks.register(hooks.RECORD_VALIDATE, linkage_hooks.on_record_validate)
    hooks.register(hooks.RECORD_TIMELINE, linkage_hooks.timeline)
    hooks.register(hooks.RECORDS_COMPLETED, linkage_hooks.on_records_completed)
    hooks.register_panel(
        hooks.Panel(
            page="record",
            name="review",
            template="review/panel_record.html",
            context=panels.record_panel,
            order=50,
        )
    )
    hooks.register_panel(
        hooks.Panel(
            page="push",
            name="review",
            template="review/panel_push.html",
            context=panels.push_panel,
            order=50,
        )
    )
    panels.register_nav()
    from shenguan.outbox.sweeps import register_sweep

    from .services import notices_close_due

    register_sweep("review.notices_close", 600, lambda now: notices_close_due(now=now))
    register_demo_step(55, "review", demo.load)
