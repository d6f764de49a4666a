"""Everything the documents app registers with core, outbox and linkage (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Linkage hooks and panels, the outbox signing channel, the demo step."""
    from shenguan.audit.labels import register_action_labels
    from shenguan.core.demo import register_demo_step
    from shenguan.outbox.event_types import register_event_types

    register_action_labels(
        {
            "approval.separation_waived": "受审分离例外",
            "elicence.issue": "签发电子证照",
            "elicence.reissue": "重新签发电子证照",
            "elicence.sign": "电子证照签章",
            "seal.register_retired": "登记已停用印章",
            "seal.retire": "停用印章",
        }
    )
    register_event_types({"elicence.*": "电子证照的全部事件"})
    from shenguan.linkage import hooks
    from shenguan.outbox.channels import register_channel

    from . import demo, home, linkage_hooks, panels, separation, services

    hooks.register(hooks.RECORDS_COMPLETED, linkage_hooks.on_records_completed)
    hooks.register(hooks.RECORD_VALIDATE, separation.on_record_validate)
    hooks.register(hooks.RECORD_CREATED, separation.on_record_created)
    hooks.register(hooks.RECORD_UPDATED, separation.on_record_updated)
    hooks.register(hooks.RECORDS_COMPLETED, separation.on_records_completed)
    hooks.register(hooks.LICENCE_TRANSITIONED, linkage_hooks.on_licence_transitioned)
    hooks.register_panel(
        hooks.Panel(
            page="licence",
            name="documents",
            template="documents/panel_licence.html",
            context=panels.licence_panel,
        )
    )
    hooks.register_panel(
        hooks.Panel(
            page="record",
            name="documents",
            template="documents/panel_record.html",
            context=panels.record_panel,
        )
    )
    hooks.register_panel(
        hooks.Panel(
            page="verify",
            name="documents",
            template="documents/panel_verify.html",
            context=panels.verify_panel,
        )
    )
    register_channel(services.ESIGN_CHANNEL, services.deliver_esign)
    register_demo_step(25, "documents_seals", demo.load_seals)
    register_demo_step(70, "documents", demo.load)
    home.register()
