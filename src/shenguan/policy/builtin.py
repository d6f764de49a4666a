"""The five built-in profiles, one per seed; each value cites the article it comes from.

Where a seed says only "timely" (及时), DOMAIN.md §5 sets 2 working days as the default.
"""

from __future__ import annotations

from .params import ClaimMode

BUILTIN_PROFILES: dict[str, dict] = {
    # 000 乌海市“审管分离”工作制度 (2018-11)
    "wuhai-2018": {
        "name": "乌海市审管分离工作制度（2018）",
        "description": "乌海市“审管分离”工作制度，2018年11月。",
        "params": {
            # §15 full push after completion; §4 responsibility moves on receipt; claim "及时"
            "claim_mode": ClaimMode.TIMEOUT,
            "claim_window_days": 2,  # §16 联络员"及时"查阅 → default 2 (DOMAIN §5)
            "feedback_push_days": 2,  # §17 "及时"反馈 → default 2
            "bureau_claim_mode": ClaimMode.TIMEOUT,
            "bureau_claim_days": 2,  # not fixed by the seed → default 2
            "abnormal_only_feedback": False,  # §17 all supervision info, penalties, rewards
            "penalty_feedback_on_effect": False,
            "correction_reply_days": 2,  # §20 "及时告知…予以纠正" → default 2
            "credit_push_days": None,  # no credit push rule in 000
            "credit_check_at_acceptance": False,
            "public_notice_silence_no_objection": True,  # §19 逾期视为无异议
            "public_notice_days": 5,  # §19 period not fixed → 5 working days
            "handover_memo_required": False,
            "handover_window_months": None,
            "transition_months": 0,
            "yellow_threshold": 0.9,  # DOMAIN §4.16 practice elsewhere
            "bulletin_period": "year",  # §27 yearly performance assessment
            "escalation_reminder_late_claims": 5,
            "escalation_reminder_late_ratio": 0.1,
            "escalation_interview_after_reminders": 1,
            "escalation_accountability_after_interviews": 1,  # §25 纪委问责
        },
    },
    # 001 莱阳市组建行政审批服务局改革的实施意见 (2018-11)
    "laiyang-2018": {
        "name": "莱阳市行政审批服务局改革（2018）",
        "description": "莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见，莱政发〔2018〕18号。",
        "params": {
            "claim_mode": ClaimMode.TIMEOUT,  # 二(七) 信息推送与接收跟踪落实制度
            "claim_window_days": 2,  # 二(七) "及时" → default 2
            "feedback_push_days": 2,  # 二(七) "及时" → default 2
            "bureau_claim_mode": ClaimMode.TIMEOUT,
            "bureau_claim_days": 2,
            "abnormal_only_feedback": False,
            "penalty_feedback_on_effect": False,
            "correction_reply_days": 2,
            "credit_push_days": None,
            "credit_check_at_acceptance": False,
            "public_notice_silence_no_objection": False,
            "public_notice_days": 5,
            "handover_memo_required": False,
            "handover_window_months": 1,  # 二(二) 自意见印发后1个月内划转、交接完毕
            "transition_months": 0,
            "yellow_threshold": 0.9,
            "bulletin_period": "quarter",
            "escalation_reminder_late_claims": 5,
            "escalation_reminder_late_ratio": 0.1,
            "escalation_interview_after_reminders": 1,
            "escalation_accountability_after_interviews": 1,
        },
    },
    # 002 聊城市强化审管互动工作暂行办法 (2021-08)
    "liaocheng-2021": {
        "name": "聊城市强化审管互动工作暂行办法（2021）",
        "description": "聊城市强化审管互动工作暂行办法，2021年8月29日。",
        "params": {
            "claim_mode": ClaimMode.TIMEOUT,  # §17(一) 超期未认领…由系统超时自动认领
            "claim_window_days": 2,  # §17(一) 2个工作日内进行认领
            "feedback_push_days": 3,  # §17(二) 公布3个工作日内…推送
            "bureau_claim_mode": ClaimMode.TIMEOUT,  # §17(二) 超时自动认领
            "bureau_claim_days": 2,  # §17(二) 市行政审批局需在2个工作日内进行认领
            "abnormal_only_feedback": False,  # §17(二) anything that may affect the licence
            "penalty_feedback_on_effect": False,
            "correction_reply_days": 2,  # §21 快速处理通道, no number → default 2
            "credit_push_days": 7,  # §19(一) 7个工作日内推送至信用信息平台
            "credit_check_at_acceptance": True,  # §19(一) 审批系统嵌入信用查询
            "public_notice_silence_no_objection": False,
            "public_notice_days": 5,
            "handover_memo_required": False,
            "handover_window_months": None,
            "transition_months": 0,
            "yellow_threshold": 0.9,
            "bulletin_period": "quarter",  # §23 每季度通报
            "escalation_reminder_late_claims": 5,  # §23 超期认领情况严重 → 提醒
            "escalation_reminder_late_ratio": 0.1,
            "escalation_interview_after_reminders": 1,  # §23 整改不力 → 市政府办公室约谈
            "escalation_accountability_after_interviews": 1,  # §24 责任追究
        },
    },
    # 003 益阳高新区审管联动实施方案 (2023-10)
    "yiyang-2023": {
        "name": "益阳高新区审管联动实施方案（2023）",
        "description": "益阳高新区审管联动实施方案，2023年10月16日。",
        "params": {
            "claim_mode": ClaimMode.ON_PUSH,  # 三(二)3 推送即认领
            "claim_window_days": 0,  # 三(二)3 claimed on push: no window
            "feedback_push_days": 2,  # 三(二)3 "及时"推送 → default 2
            "bureau_claim_mode": ClaimMode.ON_PUSH,  # 三(二)3 推送即认领 (the module, both ways)
            "bureau_claim_days": 0,
            "abnormal_only_feedback": True,  # 三(二)2 正常的结果可不反馈
            "penalty_feedback_on_effect": True,  # 四(三) 处罚决定生效后及时…通报
            "correction_reply_days": 2,
            "credit_push_days": None,
            "credit_check_at_acceptance": True,  # 三(三)4 受理环节在线查询信用
            "public_notice_silence_no_objection": False,
            "public_notice_days": 5,
            "handover_memo_required": False,
            "handover_window_months": None,
            "transition_months": 0,
            "yellow_threshold": 0.9,
            "bulletin_period": "quarter",
            "escalation_reminder_late_claims": 5,
            "escalation_reminder_late_ratio": 0.1,
            "escalation_interview_after_reminders": 1,
            "escalation_accountability_after_interviews": 1,
        },
    },
    # 004 达拉特旗相对集中行政许可权改革工作实施方案 (2023-01)
    "dalate-2023": {
        "name": "达拉特旗相对集中行政许可权改革（2023）",
        "description": "达拉特旗相对集中行政许可权改革工作实施方案，2023年1月19日。",
        "params": {
            "claim_mode": ClaimMode.TIMEOUT,  # 三(三)6 不按规定时限认领 → e-monitoring
            "claim_window_days": 2,  # 三(三)3 "及时接收" → default 2
            "feedback_push_days": 2,  # 三(三)3 "及时反馈" → default 2
            "bureau_claim_mode": ClaimMode.TIMEOUT,
            "bureau_claim_days": 2,
            "abnormal_only_feedback": False,
            "penalty_feedback_on_effect": False,
            "correction_reply_days": 2,
            "credit_push_days": None,  # 三(三)5 联合惩戒机制, no deadline given
            "credit_check_at_acceptance": False,
            "public_notice_silence_no_objection": False,
            "public_notice_days": 5,
            "handover_memo_required": True,  # 三(三)2 签订审管衔接备忘录之日起由审批局办理
            "handover_window_months": None,
            "transition_months": 6,  # 五(二) 过渡期原则上为6个月
            "yellow_threshold": 0.9,
            "bulletin_period": "quarter",
            "escalation_reminder_late_claims": 5,
            "escalation_reminder_late_ratio": 0.1,
            "escalation_interview_after_reminders": 1,
            "escalation_accountability_after_interviews": 1,  # 五(三) 严肃处理，追究责任
        },
    },
}
