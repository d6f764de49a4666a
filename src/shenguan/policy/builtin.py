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
            "supervision_start_days": 20,
            "disposal_days": 20,
            "commitment_check_days": 30,
            "bulletin_serious_on_time_rate": 0.9,
            "escalation_step_days": 10,
            "score_weight_claim": 40,
            "score_weight_feedback": 15,
            "score_weight_correction": 10,
            "score_weight_approval": 15,
            "score_weight_supervision": 20,
            "score_deduct_reminder": 2,
            "score_deduct_interview": 5,
            "score_deduct_accountability": 10,
        },
    },
    # 001 莱阳市组建行政审批服务局改革的实施意见 (2018-11)
    "laiyang-2018": {
        "name": "莱阳市行政审批服务局改革（2018）",
        "description": (
            "莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见，莱政发〔2018〕18号。"
        ),
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
            "supervision_start_days": 20,
            "disposal_days": 20,
            "commitment_check_days": 30,
            "bulletin_serious_on_time_rate": 0.9,
            "escalation_step_days": 10,
            "score_weight_claim": 40,
            "score_weight_feedback": 15,
            "score_weight_correction": 10,
            "score_weight_approval": 15,
            "score_weight_supervision": 20,
            "score_deduct_reminder": 2,
            "score_deduct_interview": 5,
            "score_deduct_accountability": 10,
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
            "supervision_start_days": 20,
            "disposal_days": 20,
            "commitment_check_days": 30,
            "bulletin_serious_on_time_rate": 0.9,
            "escalation_step_days": 10,
            "score_weight_claim": 40,
            "score_weight_feedback": 15,
            "score_weight_correction": 10,
            "score_weight_approval": 15,
            "score_weight_supervision": 20,
            "score_deduct_reminder": 2,
            "score_deduct_interview": 5,
            "score_deduct_accountability": 10,
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
            "supervision_start_days": 20,
            "disposal_days": 20,
            "commitment_check_days": 30,
            "bulletin_serious_on_time_rate": 0.9,
            "escalation_step_days": 10,
            "score_weight_claim": 40,
            "score_weight_feedback": 15,
            "score_weight_correction": 10,
            "score_weight_approval": 15,
            "score_weight_supervision": 20,
            "score_deduct_reminder": 2,
            "score_deduct_interview": 5,
            "score_deduct_accountability": 10,
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
            "supervision_start_days": 20,
            "disposal_days": 20,
            "commitment_check_days": 30,
            "bulletin_serious_on_time_rate": 0.9,
            "escalation_step_days": 10,
            "score_weight_claim": 40,
            "score_weight_feedback": 15,
            "score_weight_correction": 10,
            "score_weight_approval": 15,
            "score_weight_supervision": 20,
            "score_deduct_reminder": 2,
            "score_deduct_interview": 5,
            "score_deduct_accountability": 10,
        },
    },
}


# The article each built-in value comes from (shown on the profile page; a test checks that every
# parameter of every built-in is cited). Each citation starts with the seed's number; where the
# seed says nothing or only "及时", the citation says so and names the default taken.
SOURCES: dict[str, dict[str, str]] = {
    "wuhai-2018": {
        "claim_mode": (
            "000 §4 以审批结果信息的推送和接收为界、§15 办结后全面推送；认领方式未规定，"
            "取限期认领、超时自动认领"
        ),
        "claim_window_days": (
            "000 §16 联络人员“及时”查阅审批信息，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "feedback_push_days": (
            "000 §17 “及时”将监管信息反馈审批服务局，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "bureau_claim_mode": "000 §17 审批局接收反馈的方式未作规定，取限期认领、超时自动认领",
        "bureau_claim_days": (
            "000 §17 审批局接收反馈的时限未作规定，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "abnormal_only_feedback": (
            "000 §17 反馈监管信息以及行政处罚、行政强制、行政奖励等情况（全部反馈）"
        ),
        "penalty_feedback_on_effect": "000 §17 处罚情况随监管信息反馈，处罚生效后推送未作规定",
        "correction_reply_days": (
            "000 §20 发现审批问题“及时”告知审批服务局予以纠正，未定天数，"
            "按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "credit_push_days": "000 信用信息推送时限未作规定",
        "credit_check_at_acceptance": "000 受理时查询信用未作规定",
        "public_notice_silence_no_objection": "000 §19 公示期间发现问题书面函告，逾期视为无异议",
        "public_notice_days": "000 §19 公示期天数未定，默认 5 个工作日",
        "handover_memo_required": (
            "000 §3 审批服务局正式承接后原部门不再行使审批权；未要求签订审管衔接备忘录"
        ),
        "handover_window_months": "000 划转交接期限未作规定",
        "transition_months": "000 承接过渡期未作规定",
        "yellow_threshold": (
            "000 §25 电子监察超时审批；黄灯阈值未定，取外地做法 90%（DOMAIN.md §4.16）"
        ),
        "bulletin_period": "000 §27 审管分离制度执行情况纳入年度绩效考核",
        "escalation_reminder_late_claims": (
            "000 §25 不按规定查阅接收审批信息者问责；提醒门槛未定，默认周期内超期 5 件"
        ),
        "escalation_reminder_late_ratio": "000 §25 同上；提醒门槛未定，默认周期内超期比例 10%",
        "escalation_interview_after_reminders": (
            "000 §24 市编办、政府办公厅督查考核；约谈门槛未定，默认提醒后 1 个周期"
        ),
        "escalation_accountability_after_interviews": (
            "000 §25 市纪委依托电子监察平台对相关责任单位、责任人问责"
        ),
        "supervision_start_days": (
            "000 《乌海市“审管分离”工作制度》第十六条 分管领导负责调度监管、第二十五条 电子监察对履"
            "行事中事后监管职责问责；启动时限未定，默认 20 个工作日"
        ),
        "disposal_days": (
            "000 《乌海市“审管分离”工作制度》第十七条 吊销证照的处置意见书面提交审批服务局“按规定程"
            "序予以备案注销”；未定天数，默认 20 个工作日（参照《中华人民共和国行政许可法》第四十二"
            "条）"
        ),
        "commitment_check_days": "000 未规定告知承诺核查时限，默认 30 个工作日",
        "bulletin_serious_on_time_rate": (
            "000 《乌海市“审管分离”工作制度》第二十五条 不按照规定查阅接收审批信息者问责；点名线未"
            "定，默认按时认领率低于 90%"
        ),
        "escalation_step_days": (
            "000 《乌海市“审管分离”工作制度》第二十四条、第二十五条 督查、问责；各环节期限未定，默"
            "认 10 个工作日"
        ),
        "score_weight_claim": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；按时认领率"
            "权重未定，默认 40"
        ),
        "score_weight_feedback": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；监管信息按"
            "时推送率权重未定，默认 15"
        ),
        "score_weight_correction": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；纠错建议按"
            "时答复率权重未定，默认 10"
        ),
        "score_weight_approval": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；审批按时办"
            "结率权重未定，默认 15"
        ),
        "score_weight_supervision": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；按时启动监"
            "管率权重未定，默认 20"
        ),
        "score_deduct_reminder": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；提醒扣分未"
            "定，默认每次 2 分"
        ),
        "score_deduct_interview": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；约谈扣分未"
            "定，默认每次 5 分"
        ),
        "score_deduct_accountability": (
            "000 《乌海市“审管分离”工作制度》第二十七条 纳入年度绩效考核并加重赋分比重；问责扣分未"
            "定，默认每次 10 分"
        ),
    },
    "laiyang-2018": {
        "claim_mode": (
            "001 二(七) 建立信息推送与接收跟踪落实制度；认领方式未规定，取限期认领、超时自动认领"
        ),
        "claim_window_days": (
            "001 二(七) 监管部门“及时”接收审批信息，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "feedback_push_days": (
            "001 二(七) 监管部门和执法机构“及时”推送监管和执法信息，未定天数，"
            "按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "bureau_claim_mode": "001 二(七) 信息推送与接收跟踪落实（双向）；取限期认领、超时自动认领",
        "bureau_claim_days": (
            "001 二(七) 审批服务局接收时限未作规定，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "abnormal_only_feedback": "001 二(七) 信息双向反馈机制，未限于异常结果",
        "penalty_feedback_on_effect": "001 二(七) 处罚生效后推送未作规定",
        "correction_reply_days": "001 纠错答复时限未作规定，按 DOMAIN.md §5 默认 2 个工作日",
        "credit_push_days": "001 二(七) 建立健全失信联合惩戒机制，推送时限未定",
        "credit_check_at_acceptance": "001 二(七) 受理时查询信用未作规定",
        "public_notice_silence_no_objection": "001 公示异议规则未作规定",
        "public_notice_days": "001 公示期天数未定，默认 5 个工作日",
        "handover_memo_required": (
            "001 二(二) 按意见印发后期限划转、交接完毕；未要求签订审管衔接备忘录"
        ),
        "handover_window_months": (
            "001 二(二) 103项许可事项及19个关联事项自意见印发后1个月内划转、交接完毕"
        ),
        "transition_months": "001 三(四) 2019年1月为试运行阶段；承接过渡期未定，取 0",
        "yellow_threshold": "001 黄灯阈值未定，取外地做法 90%（DOMAIN.md §4.16）",
        "bulletin_period": "001 二(五) 建立考核评价机制；通报周期未定，默认按季度",
        "escalation_reminder_late_claims": (
            "001 二(七) 绝不允许推卸责任；提醒门槛未定，默认周期内超期 5 件"
        ),
        "escalation_reminder_late_ratio": "001 提醒门槛未定，默认周期内超期比例 10%",
        "escalation_interview_after_reminders": (
            "001 四(一) 领导小组督导落实；约谈门槛未定，默认提醒后 1 个周期"
        ),
        "escalation_accountability_after_interviews": (
            "001 四(三) 严明纪律规矩；问责门槛未定，默认约谈后 1 个周期"
        ),
        "supervision_start_days": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(七) 监管部门接"
            "收审批信息后实施监管；启动时限未定，默认 20 个工作日（参照《达拉特旗相对集中行政许可权"
            "改革工作实施方案》三(三)3）"
        ),
        "disposal_days": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》未规定处置意见办理"
            "时限，默认 20 个工作日（参照《乌海市“审管分离”工作制度》第十七条、《中华人民共和国行政"
            "许可法》第四十二条）"
        ),
        "commitment_check_days": "001 未规定告知承诺核查时限，默认 30 个工作日",
        "bulletin_serious_on_time_rate": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》未规定通报点名线，"
            "默认按时认领率低于 90%（参照《聊城市强化审管互动工作暂行办法》第二十三条）"
        ),
        "escalation_step_days": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》未规定督办各环节期"
            "限，默认 10 个工作日（参照《聊城市强化审管互动工作暂行办法》第二十三条）"
        ),
        "score_weight_claim": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；按时认领率权重未定，默认 40"
        ),
        "score_weight_feedback": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；监管信息按时推送率权重未定，默认 15"
        ),
        "score_weight_correction": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；纠错建议按时答复率权重未定，默认 10"
        ),
        "score_weight_approval": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；审批按时办结率权重未定，默认 15"
        ),
        "score_weight_supervision": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；按时启动监管率权重未定，默认 20"
        ),
        "score_deduct_reminder": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；提醒扣分未定，默认每次 2 分"
        ),
        "score_deduct_interview": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；约谈扣分未定，默认每次 5 分"
        ),
        "score_deduct_accountability": (
            "001 《莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见》二(五) 建立考核评"
            "价机制；问责扣分未定，默认每次 10 分"
        ),
    },
    "liaocheng-2021": {
        "claim_mode": "002 §17(一) 超期未认领或由系统超时自动认领视为已认领并纳入监管",
        "claim_window_days": "002 §17(一) 行业主管部门需在2个工作日内进行认领",
        "feedback_push_days": "002 §17(二) 有关处理信息要在公布3个工作日内通过审管互动平台推送",
        "bureau_claim_mode": "002 §17(二) 超期未认领或由系统超时自动认领视为已认领",
        "bureau_claim_days": "002 §17(二) 市行政审批局需在2个工作日内进行认领",
        "abnormal_only_feedback": (
            "002 §17(二) 可能影响行政许可结果或造成许可决定变更的情形均须推送"
        ),
        "penalty_feedback_on_effect": "002 §17(二) 自处理信息公布起算，不以处罚生效为条件",
        "correction_reply_days": (
            "002 §21 建立问题快速处理通道，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "credit_push_days": "002 §19(一) 检查结果或处理决定作出后7个工作日内推送至信用信息平台",
        "credit_check_at_acceptance": "002 §19(一) 在审批系统嵌入信用查询、联合奖惩模块",
        "public_notice_silence_no_objection": "002 公示异议规则未作规定",
        "public_notice_days": "002 公示期天数未定，默认 5 个工作日",
        "handover_memo_required": "002 审管衔接备忘录未作规定",
        "handover_window_months": "002 划转交接期限未作规定",
        "transition_months": "002 承接过渡期未作规定",
        "yellow_threshold": (
            "002 §23 信息认领定期通报；黄灯阈值未定，取外地做法 90%（DOMAIN.md §4.16）"
        ),
        "bulletin_period": "002 §23 建立信息认领定期通报制度，每季度通报",
        "escalation_reminder_late_claims": (
            "002 §23 超期认领情况严重的部门由市行政审批局提醒；“严重”未定，默认周期内超期 5 件"
        ),
        "escalation_reminder_late_ratio": "002 §23 同上；默认周期内超期比例 10%",
        "escalation_interview_after_reminders": (
            "002 §23 整改不力的，由市政府办公室约谈；默认提醒后 1 个周期"
        ),
        "escalation_accountability_after_interviews": (
            "002 §24 建立责任追究制度；默认约谈后 1 个周期"
        ),
        "supervision_start_days": (
            "002 《聊城市强化审管互动工作暂行办法》第十七条(一) 认领后纳入监管；启动时限未定，默认 "
            "20 个工作日（参照《达拉特旗相对集中行政许可权改革工作实施方案》三(三)3、《乌海市“审管"
            "分离”工作制度》第二十五条）"
        ),
        "disposal_days": (
            "002 《聊城市强化审管互动工作暂行办法》未规定处置意见办理时限，默认 20 个工作日（参照《"
            "乌海市“审管分离”工作制度》第十七条、《中华人民共和国行政许可法》第四十二条）"
        ),
        "commitment_check_days": (
            "002 《聊城市强化审管互动工作暂行办法》第六条、第十九条(二) 对告知承诺事项加强事中"
            "事后监管；核查时限未定，默认 30 个工作日"
        ),
        "bulletin_serious_on_time_rate": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报，“超期认领情况严重的部门”"
            "；“严重”未定，默认按时认领率低于 90% 点名通报"
        ),
        "escalation_step_days": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 提醒、约谈，第二十四条 移交纪检部门；"
            "各环节期限未定，默认 10 个工作日"
        ),
        "score_weight_claim": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "按时认领率权重未定，默认 40"
        ),
        "score_weight_feedback": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "监管信息按时推送率权重未定，默认 15"
        ),
        "score_weight_correction": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "纠错建议按时答复率权重未定，默认 10"
        ),
        "score_weight_approval": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "审批按时办结率权重未定，默认 15"
        ),
        "score_weight_supervision": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "按时启动监管率权重未定，默认 20"
        ),
        "score_deduct_reminder": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "提醒扣分未定，默认每次 2 分"
        ),
        "score_deduct_interview": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "约谈扣分未定，默认每次 5 分"
        ),
        "score_deduct_accountability": (
            "002 《聊城市强化审管互动工作暂行办法》第二十三条 每季度通报情况纳入全年政务服务考核；"
            "问责扣分未定，默认每次 10 分"
        ),
    },
    "yiyang-2023": {
        "claim_mode": "003 三(二)3 审管联动模块中的信息认领实行“推送即认领”制度",
        "claim_window_days": "003 三(二)3 推送即认领，无认领时限",
        "feedback_push_days": (
            "003 三(二)3 审批、监管部门双方“及时”推送，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "bureau_claim_mode": "003 三(二)3 推送即认领（审管联动模块，双向适用）",
        "bureau_claim_days": "003 三(二)3 推送即认领，无认领时限",
        "abnormal_only_feedback": "003 三(二)2 监管信息指非正常的结果情况，正常的结果可不反馈",
        "penalty_feedback_on_effect": (
            "003 四(三) 作行政处罚决定的，在处罚决定生效后及时通报行政审批部门"
        ),
        "correction_reply_days": (
            "003 四(三) 协同处理，纠错答复时限未定，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "credit_push_days": "003 三(三) 构建守信激励和失信惩戒机制，信用推送时限未定",
        "credit_check_at_acceptance": (
            "003 三(三)4 受理（收件）环节在线查询申请人的社会信用信息和联合惩戒信息"
        ),
        "public_notice_silence_no_objection": "003 公示异议规则未作规定",
        "public_notice_days": "003 公示期天数未定，默认 5 个工作日",
        "handover_memo_required": "003 审管衔接备忘录未作规定",
        "handover_window_months": "003 划转交接期限未作规定",
        "transition_months": "003 承接过渡期未作规定",
        "yellow_threshold": "003 黄灯阈值未定，取外地做法 90%（DOMAIN.md §4.16）",
        "bulletin_period": "003 三(四)5 纳入“放管服”改革真抓实干考核；通报周期未定，默认按季度",
        "escalation_reminder_late_claims": (
            "003 四(一) 纳入督查激励考核；提醒门槛未定，默认周期内超期 5 件"
        ),
        "escalation_reminder_late_ratio": "003 提醒门槛未定，默认周期内超期比例 10%",
        "escalation_interview_after_reminders": "003 约谈门槛未定，默认提醒后 1 个周期",
        "escalation_accountability_after_interviews": "003 问责门槛未定，默认约谈后 1 个周期",
        "supervision_start_days": (
            "003 《益阳高新区审管联动实施方案》三(二)3 推送即认领后开展监管；启动时限未定，默认 20 "
            "个工作日（参照《达拉特旗相对集中行政许可权改革工作实施方案》三(三)3）"
        ),
        "disposal_days": (
            "003 《益阳高新区审管联动实施方案》未规定处置意见办理时限，默认 20 个工作日（参照《乌海"
            "市“审管分离”工作制度》第十七条、《中华人民共和国行政许可法》第四十二条）"
        ),
        "commitment_check_days": (
            "003 三(三)4 告知承诺后加强事中事后核查；核查时限未定，默认 30 个工作日"
        ),
        "bulletin_serious_on_time_rate": (
            "003 《益阳高新区审管联动实施方案》未规定通报点名线，默认按时认领率低于 90%（参照《聊城"
            "市强化审管互动工作暂行办法》第二十三条）"
        ),
        "escalation_step_days": (
            "003 《益阳高新区审管联动实施方案》未规定督办各环节期限，默认 10 个工作日（参照《聊城市"
            "强化审管互动工作暂行办法》第二十三条）"
        ),
        "score_weight_claim": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；按时认领率权重未定"
            "，默认 40"
        ),
        "score_weight_feedback": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；监管信息按时推送率"
            "权重未定，默认 15"
        ),
        "score_weight_correction": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；纠错建议按时答复率"
            "权重未定，默认 10"
        ),
        "score_weight_approval": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；审批按时办结率权重"
            "未定，默认 15"
        ),
        "score_weight_supervision": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；按时启动监管率权重"
            "未定，默认 20"
        ),
        "score_deduct_reminder": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；提醒扣分未定，默认"
            "每次 2 分"
        ),
        "score_deduct_interview": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；约谈扣分未定，默认"
            "每次 5 分"
        ),
        "score_deduct_accountability": (
            "003 《益阳高新区审管联动实施方案》四(一) 纳入真抓实干督查激励考核；问责扣分未定，默认"
            "每次 10 分"
        ),
    },
    "dalate-2023": {
        "claim_mode": "004 三(三)6 对不按规定时限认领审批信息的严肃追责问责（限期认领）",
        "claim_window_days": (
            "004 三(三)3 原行政审批部门应当“及时”接收，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "feedback_push_days": (
            "004 三(三)3 原行政审批部门和执法机构要“及时”反馈监管信息，未定天数，"
            "按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "bureau_claim_mode": "004 三(三)3 审批局接收反馈的方式未作规定，取限期认领、超时自动认领",
        "bureau_claim_days": (
            "004 三(三)3 审批局接收反馈的时限未作规定，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "abnormal_only_feedback": "004 三(三)3 反馈监管信息，未限于异常结果",
        "penalty_feedback_on_effect": "004 三(三)3 处罚生效后推送未作规定",
        "correction_reply_days": (
            "004 三(三)3 依据监管建议作出相应处理，未定天数，按 DOMAIN.md §5 默认 2 个工作日"
        ),
        "credit_push_days": "004 三(三)5 建立联合惩戒机制，推送时限未定",
        "credit_check_at_acceptance": "004 受理时查询信用未作规定",
        "public_notice_silence_no_objection": "004 公示异议规则未作规定",
        "public_notice_days": "004 公示期天数未定，默认 5 个工作日",
        "handover_memo_required": (
            "004 三(三)2 自签订审管衔接备忘录之日起由审批局办理，未签订前仍由原部门办理"
        ),
        "handover_window_months": "004 三(二)1 分批划转，划转交接期限未作规定",
        "transition_months": "004 五(二) 承接权力过渡期原则上为6个月",
        "yellow_threshold": (
            "004 三(三)6 超时审批效能监察；黄灯阈值未定，取外地做法 90%（DOMAIN.md §4.16）"
        ),
        "bulletin_period": "004 五(三) 全程跟踪督查；通报周期未定，默认按季度",
        "escalation_reminder_late_claims": (
            "004 三(三)6 不按规定时限认领审批信息的追责；提醒门槛未定，默认周期内超期 5 件"
        ),
        "escalation_reminder_late_ratio": "004 三(三)6 同上；默认周期内超期比例 10%",
        "escalation_interview_after_reminders": (
            "004 五(三) 政府督查室跟踪督查；约谈门槛未定，默认提醒后 1 个周期"
        ),
        "escalation_accountability_after_interviews": (
            "004 五(三) 依据相关问责规定严肃处理，追究相关部门和人员责任"
        ),
        "supervision_start_days": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》三(三)3 “及时接收，启动事中事后监管"
            "程序”、三(三)6 事中事后监管失职追责；未定天数，默认 20 个工作日"
        ),
        "disposal_days": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》未规定处置意见办理时限，默认 20 个工"
            "作日（参照《乌海市“审管分离”工作制度》第十七条、《中华人民共和国行政许可法》第四十二条"
            "）"
        ),
        "commitment_check_days": "004 未规定告知承诺核查时限，默认 30 个工作日",
        "bulletin_serious_on_time_rate": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》三(三)6 不按规定时限认领审批信息追责"
            "问责；点名线未定，默认按时认领率低于 90%"
        ),
        "escalation_step_days": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 全程跟踪督查、严肃处理；各环"
            "节期限未定，默认 10 个工作日"
        ),
        "score_weight_claim": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；按时认领率权重"
            "未定，默认 40"
        ),
        "score_weight_feedback": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；监管信息按时推"
            "送率权重未定，默认 15"
        ),
        "score_weight_correction": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；纠错建议按时答"
            "复率权重未定，默认 10"
        ),
        "score_weight_approval": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；审批按时办结率"
            "权重未定，默认 15"
        ),
        "score_weight_supervision": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；按时启动监管率"
            "权重未定，默认 20"
        ),
        "score_deduct_reminder": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；提醒扣分未定，"
            "默认每次 2 分"
        ),
        "score_deduct_interview": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；约谈扣分未定，"
            "默认每次 5 分"
        ),
        "score_deduct_accountability": (
            "004 《达拉特旗相对集中行政许可权改革工作实施方案》五(三) 强化监督考核；问责扣分未定，"
            "默认每次 10 分"
        ),
    },
}

# 受审分离 (documents app, ADR 0041): only 004 三(六) asks for it; it is off in every built-in
# until the bureaus' accounts separate acceptance (窗口受理员) from decision (审批员).
_SEPARATION_SOURCES = {
    "wuhai-2018": "000 未规定受审分离；默认不强制",
    "laiyang-2018": "001 未规定受审分离；默认不强制",
    "liaocheng-2021": "002 未规定受审分离；默认不强制",
    "yiyang-2023": "003 未规定受审分离；默认不强制",
    "dalate-2023": (
        "004 《达拉特旗相对集中行政许可权改革工作实施方案》三(六) 实行“受审分离”；默认不强制，"
        "受理、审批账号分设后由管理员开启"
    ),
}
for _code, _text in _SEPARATION_SOURCES.items():
    SOURCES[_code]["review_separation_required"] = _text
    SOURCES[_code]["review_separation_waiver"] = _text[:4] + "无一人窗口豁免"
    BUILTIN_PROFILES[_code]["params"].setdefault("review_separation_required", False)
    BUILTIN_PROFILES[_code]["params"].setdefault("review_separation_waiver", "")

# The seed each built-in profile comes from (its citations start with this number).
SEED_OF = {
    "wuhai-2018": "000",
    "laiyang-2018": "001",
    "liaocheng-2021": "002",
    "yiyang-2023": "003",
    "dalate-2023": "004",
}
