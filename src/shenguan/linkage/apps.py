from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """审管联动: approval records, licences, pushes and claims, feedback, disposals, notices."""

    name = "shenguan.linkage"
    label = "linkage"
    verbose_name = "审管联动"

    def ready(self) -> None:
        from shenguan.core.demo import register_demo_step
        from shenguan.core.sheets.jobs import register_import_kind

        from . import home, sweeps
        from .demo import load_linkage_demo
        from .importer import run_records_job

        register_import_kind("linkage.records", run_records_job)
        sweeps.register()
        home.register()
        register_demo_step(30, "linkage", load_linkage_demo)
        from shenguan.outbox.event_types import register_event_types

        from .services.common import AUTO_CLAIMED_EVENT, CLAIMED_EVENT, CREATED_EVENT

        kinds = {
            "push": "审批结果",
            "feedback": "监管信息",
            "disposal": "处置结果",
            "correction": "纠错答复",
            "notice": "通知函告",
            "opinion_request": "技术审查函",
            "opinion": "技术审查意见",
            "meeting": "联合审查会议邀请",
        }
        events = {}
        for table, what in ((CREATED_EVENT, "推送"), (CLAIMED_EVENT, "已认领")):
            for name in table.values():
                events[name] = kinds[name.split(".")[0]] + what
        for name in AUTO_CLAIMED_EVENT.values():
            events[name] = kinds[name.split(".")[0]] + "超时自动认领"
        events.update(
            {
                "approval.supervision_gap": "监管空白办件",
                "approval.routed": "监管空白办件已指定监管部门",
                "approval.suspended": "办件暂停计时",
                "licence.certificate_issued": "监管部门制发证书",
                "approval.resumed": "办件恢复计时",
                "feedback.recorded": "监管信息已登记（未推送）",
                "licence.state_changed": "许可证照状态变更",
                "linkage.digest": "审管联动每日提醒",
            }
        )
        register_event_types(events)
