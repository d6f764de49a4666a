"""Everything the oversight app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Deadline kinds, linkage hooks and panels, sweeps, menu, home sections, demo step."""
    from shenguan.core.demo import register_demo_step
    from shenguan.linkage import hooks

    from . import demo, home, kinds, linkage_hooks, panels, sweeps

    kinds.register_kinds()
    from shenguan.outbox.event_types import register_event_types

    register_event_types(
        {
            "alert.*": "电子监察的全部预警",
            "alert.explained": "预警已说明",
            "alert.reviewed": "预警已审核",
            "bulletin.drafted": "通报已生成",
            "bulletin.published": "通报已发布",
            "escalation.*": "督办的全部环节（提醒、约谈、问责）",
            "escalation.concluded": "督办已办结",
            "supervision.assigned": "监管任务已分派",
            "supervision.started": "监管任务已开始",
            "supervision.finished": "监管任务已完成",
            "feedback.handled": "监管信息已处理",
        }
    )
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
