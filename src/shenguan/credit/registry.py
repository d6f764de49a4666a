"""Everything the credit app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Linkage hooks and panels, deadline kinds, the outbox credit channel, menu, demo step."""
    from shenguan.core.demo import register_demo_step
    from shenguan.linkage import hooks
    from shenguan.outbox.channels import register_channel

    from . import channel, demo, kinds, navigation, panels
    from .services import checks, commitments, records

    hooks.register(hooks.RECORD_VALIDATE, checks.on_record_validate, order=50)
    hooks.register(hooks.RECORD_CREATED, checks.on_record_created, order=50)
    hooks.register(hooks.RECORDS_COMPLETED, records.credit_records_for_completion, order=60)
    hooks.register(hooks.RECORDS_COMPLETED, commitments.commitment_tasks_for_completion, order=61)
    hooks.register(hooks.FEEDBACK_CREATED, records.on_feedback_created, order=60)
    hooks.register(hooks.FEEDBACK_RELEASED, records.on_feedback_released, order=60)
    hooks.register(hooks.LICENCE_TRANSITIONED, records.on_licence_transitioned, order=60)
    hooks.register(hooks.SNAPSHOT_EXTRAS, checks.snapshot_extras)
    hooks.register_panel(
        hooks.Panel(
            page="record",
            name="credit",
            template="credit/panel_record.html",
            context=panels.record_panel,
            order=40,
        )
    )
    hooks.register_panel(
        hooks.Panel(
            page="record_form",
            name="credit",
            template="credit/panel_record_form.html",
            context=panels.record_form_panel,
            order=40,
        )
    )
    kinds.register_kinds()
    register_channel("credit", channel.deliver_credit)
    navigation.register()
    register_demo_step(70, "credit", demo.load)
