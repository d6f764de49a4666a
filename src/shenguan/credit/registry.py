"""Everything the credit app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Linkage hooks and panels, deadline kinds, the outbox credit channel, menu, demo step."""
    from shenguan.audit.labels import register_action_labels
    from shenguan.core.demo import register_demo_step
    from shenguan.outbox.event_types import register_event_types

    register_action_labels(
        {
            "credit.check": "受理时信用核查",
            "credit.commitment_task": "生成告知承诺核查任务",
            "credit.commitment_verify": "登记告知承诺履行情况",
            "credit.list_import": "导入信用名单",
            "credit.override": "失信主体例外受理审批",
            "credit.record_acknowledged": "双公示信息已被信用平台接收",
            "credit.record_create": "生成双公示信息",
            "credit.record_rejected": "双公示信息被信用平台退回",
            "credit.record_resend": "重新报送双公示信息",
            "credit.records_create": "批量生成双公示信息",
            "credit.warning_add": "录入警示信息",
            "credit.warning_repair": "信用修复",
        }
    )
    register_event_types(
        {
            "credit.check_hit": "受理时信用核查命中名单",
            "credit.commitment_task": "告知承诺核查任务",
            "credit.record_invalid": "双公示信息格式校验未通过",
            "credit.record_queued": "双公示信息待报送",
            "credit.record_rejected": "双公示信息被退回",
        }
    )
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
