"""Everything the review app registers with core and the apps below it (called from ready())."""

from __future__ import annotations


def register_all() -> None:
    """Deadline kinds, linkage hooks and panels, menu entries, demo step."""
    from shenguan.audit.labels import register_action_labels
    from shenguan.core.demo import register_demo_step
    from shenguan.outbox.event_types import register_event_types

    register_action_labels(
        {
            "review.certificate_issue": "监管部门制发证书",
            "review.certificate_message": "证书制发协调留言",
            "review.certificate_task": "生成证书制发任务",
            "review.draw": "随机抽取专家",
            "review.draw_accept": "专家接受邀请",
            "review.draw_replace": "补抽专家",
            "review.draw_replay": "复核专家抽取",
            "review.expert_conflict": "登记专家回避关系",
            "review.expert_create": "新增专家",
            "review.expert_update": "修改专家信息",
            "review.expert_opinion": "登记专家评审意见",
            "review.meeting_convene": "召集联合审查会议",
            "review.meeting_minutes": "登记会议纪要",
            "review.notice_answer": "监管部门答复公示意见",
            "review.notice_close": "结束公示",
            "review.notice_comment": "公众提交公示意见",
            "review.notice_handle": "处理公示意见",
            "review.notice_publish": "发布公示",
            "review.notices_close_due": "到期公示自动结束",
            "review.opinion_answer": "出具技术审查意见",
            "review.opinion_request": "发出技术审查函",
            "review.opinion_waive": "不待技术审查意见作出决定",
            "review.step_close": "停用技术审查环节",
            "review.step_create": "登记技术审查环节",
        }
    )
    register_event_types(
        {
            "certificate_task.*": "证书制发任务的全部事件",
            "expert_draw.*": "专家抽取的全部事件",
            "meeting.*": "联合审查会议的全部事件",
            "opinion_request.*": "技术审查函的全部事件",
            "opinion.*": "技术审查意见的全部事件",
            "public_notice.*": "审批公示的全部事件",
        }
    )
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
