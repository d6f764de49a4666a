"""The parameters of a policy profile (DOMAIN.md §5), validated with pydantic."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext, gettext_lazy, gettext_noop, npgettext
from pydantic import BaseModel, ConfigDict, Field, field_validator


class ClaimMode(StrEnum):
    """How a push is claimed (认领方式)."""

    TIMEOUT = "timeout"  # 超时自动认领: manual claim within the window, automatic at its end
    ON_PUSH = "on_push"  # 推送即认领
    MANUAL = "manual"  # manual only: an unclaimed push stays open and is flagged


CLAIM_MODE_LABELS = {
    ClaimMode.TIMEOUT: gettext_lazy("限期认领，超时自动认领"),
    ClaimMode.ON_PUSH: gettext_lazy("推送即认领"),
    ClaimMode.MANUAL: gettext_lazy("仅人工认领"),
}


class PolicyParams(BaseModel):
    """One version of a profile's parameters; every deadline is in working days (工作日)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # approval → regulator (审批信息推送与认领)
    claim_mode: ClaimMode = Field(ClaimMode.TIMEOUT, title=gettext_noop("监管部门认领方式"))
    claim_window_days: int = Field(2, ge=0, le=30, title=gettext_noop("监管部门认领时限（工作日）"))
    # regulator → bureau (监管信息反馈)
    feedback_push_days: int = Field(
        2, ge=0, le=30, title=gettext_noop("监管信息推送时限（工作日）")
    )
    bureau_claim_mode: ClaimMode = Field(ClaimMode.TIMEOUT, title=gettext_noop("审批局认领方式"))
    bureau_claim_days: int = Field(2, ge=0, le=30, title=gettext_noop("审批局认领时限（工作日）"))
    abnormal_only_feedback: bool = Field(False, title=gettext_noop("仅反馈异常监管结果"))
    penalty_feedback_on_effect: bool = Field(False, title=gettext_noop("处罚决定生效后推送"))
    correction_reply_days: int = Field(2, ge=1, le=60, title=gettext_noop("纠错答复时限（工作日）"))
    # credit (信用)
    credit_push_days: int | None = Field(
        None, ge=1, le=60, title=gettext_noop("信用信息推送时限（工作日）")
    )
    credit_check_at_acceptance: bool = Field(False, title=gettext_noop("受理时查询信用"))
    commitment_check_days: int = Field(
        30, ge=1, le=180, title=gettext_noop("告知承诺核查时限（工作日）")
    )
    # public notice (公示)
    public_notice_silence_no_objection: bool = Field(
        False, title=gettext_noop("公示期满未提异议视为无异议")
    )
    public_notice_days: int = Field(5, ge=1, le=60, title=gettext_noop("公示异议期（工作日）"))
    # handover (划转交接)
    handover_memo_required: bool = Field(False, title=gettext_noop("须签订审管衔接备忘录"))
    handover_window_months: int | None = Field(
        None, ge=0, le=24, title=gettext_noop("划转交接期限（月）")
    )
    transition_months: int = Field(0, ge=0, le=36, title=gettext_noop("承接过渡期（月）"))
    # oversight (电子监察与通报)
    yellow_threshold: float = Field(0.9, gt=0, lt=1, title=gettext_noop("黄灯预警阈值（时限占比）"))
    bulletin_period: str = Field("quarter", title=gettext_noop("通报周期"))
    escalation_reminder_late_claims: int = Field(
        5, ge=1, title=gettext_noop("提醒：周期内超期认领件数")
    )
    escalation_reminder_late_ratio: float = Field(
        0.1, gt=0, le=1, title=gettext_noop("提醒：周期内超期认领比例")
    )
    escalation_interview_after_reminders: int = Field(
        1, ge=1, title=gettext_noop("约谈：提醒后仍未整改的周期数")
    )
    escalation_accountability_after_interviews: int = Field(
        1, ge=1, title=gettext_noop("问责：约谈后仍未整改的周期数")
    )
    # e-monitoring of supervision and disposals; bulletins; escalation steps; yearly scores
    supervision_start_days: int = Field(
        20, ge=1, le=120, title=gettext_noop("认领后启动事中事后监管时限（工作日）")
    )
    disposal_days: int = Field(
        20, ge=1, le=120, title=gettext_noop("吊销/注销处置意见办理时限（工作日）")
    )
    bulletin_serious_on_time_rate: float = Field(
        0.9, gt=0, le=1, title=gettext_noop("通报点名：按时认领率低于")
    )
    escalation_step_days: int = Field(
        10, ge=1, le=60, title=gettext_noop("督办各环节办理时限（工作日）")
    )
    score_weight_claim: int = Field(40, ge=0, le=100, title=gettext_noop("考核权重：按时认领率"))
    score_weight_feedback: int = Field(
        15, ge=0, le=100, title=gettext_noop("考核权重：监管信息按时推送率")
    )
    score_weight_correction: int = Field(
        10, ge=0, le=100, title=gettext_noop("考核权重：纠错建议按时答复率")
    )
    score_weight_approval: int = Field(
        15, ge=0, le=100, title=gettext_noop("考核权重：审批按时办结率")
    )
    score_weight_supervision: int = Field(
        20, ge=0, le=100, title=gettext_noop("考核权重：按时启动监管率")
    )
    score_deduct_reminder: float = Field(2, ge=0, le=100, title=gettext_noop("考核扣分：每次提醒"))
    score_deduct_interview: float = Field(5, ge=0, le=100, title=gettext_noop("考核扣分：每次约谈"))
    score_deduct_accountability: float = Field(
        10, ge=0, le=100, title=gettext_noop("考核扣分：每次问责")
    )
    # separation of acceptance and decision (受审分离, 004 三(六); documents app)
    review_separation_required: bool = Field(
        False, title=gettext_noop("受审分离：受理人不得作出决定或办结")
    )
    review_separation_waiver: str = Field(
        "", max_length=200, title=gettext_noop("受审分离豁免理由（一人窗口，填写即放宽并留痕）")
    )

    @field_validator("bulletin_period")
    @classmethod
    def _period(cls, v: str) -> str:
        if v not in ("month", "quarter", "year"):
            raise ValueError("通报周期须为 month、quarter 或 year")
        return v


# The Chinese titles: validation messages name parameters by them in every language (ADR 0011).
PARAM_TITLES = {name: f.title or name for name, f in PolicyParams.model_fields.items()}


def param_title(name: str) -> str:
    """A parameter's title in the interface language (for pages)."""
    return gettext(PARAM_TITLES.get(name, name))


BULLETIN_PERIOD_LABELS = {
    "month": gettext_lazy("每月"),
    "quarter": gettext_lazy("每季度"),
    "year": gettext_lazy("每年"),
}

# Parameters in the order and groups shown on pages (分组显示).
PARAM_GROUPS: list[tuple[str, list[str]]] = [
    (gettext_noop("审批信息推送与认领"), ["claim_mode", "claim_window_days"]),
    (
        gettext_noop("监管信息反馈"),
        [
            "feedback_push_days",
            "bureau_claim_mode",
            "bureau_claim_days",
            "abnormal_only_feedback",
            "penalty_feedback_on_effect",
            "correction_reply_days",
        ],
    ),
    (
        gettext_noop("信用"),
        ["credit_push_days", "credit_check_at_acceptance", "commitment_check_days"],
    ),
    (gettext_noop("公示"), ["public_notice_silence_no_objection", "public_notice_days"]),
    (
        gettext_noop("划转交接"),
        ["handover_memo_required", "handover_window_months", "transition_months"],
    ),
    (
        gettext_noop("电子监察与通报"),
        [
            "yellow_threshold",
            "bulletin_period",
            "escalation_reminder_late_claims",
            "escalation_reminder_late_ratio",
            "escalation_interview_after_reminders",
            "escalation_accountability_after_interviews",
            "supervision_start_days",
            "disposal_days",
            "bulletin_serious_on_time_rate",
            "escalation_step_days",
        ],
    ),
    (
        gettext_noop("年度绩效考核"),
        [
            "score_weight_claim",
            "score_weight_feedback",
            "score_weight_correction",
            "score_weight_approval",
            "score_weight_supervision",
            "score_deduct_reminder",
            "score_deduct_interview",
            "score_deduct_accountability",
        ],
    ),
    (gettext_noop("受审分离"), ["review_separation_required", "review_separation_waiver"]),
]

_PERCENT = {"yellow_threshold", "escalation_reminder_late_ratio", "bulletin_serious_on_time_rate"}
_POINTS = {"score_deduct_reminder", "score_deduct_interview", "score_deduct_accountability"}
_MONTHS = {"handover_window_months", "transition_months"}
_PERIODS = {
    "escalation_interview_after_reminders",
    "escalation_accountability_after_interviews",
}


def display_value(param: str, value) -> str:
    """A parameter value as an administrator reads it, in the interface language."""
    if value is None:
        return gettext("不适用")
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if param in ("claim_mode", "bureau_claim_mode"):
        try:
            return str(CLAIM_MODE_LABELS[ClaimMode(value)])
        except ValueError:
            return str(value)
    if param == "bulletin_period":
        return str(BULLETIN_PERIOD_LABELS.get(value, value))
    if param in _PERCENT:
        return f"{round(float(value) * 100, 2):g}%"
    n = {"n": value}  # the units in a context of their own: catalog uses "%(n)s 个工作日" unplural
    if param in _MONTHS:
        return npgettext("policy value", "%(n)s 个月", "%(n)s 个月", value) % n
    if param in _PERIODS:
        return npgettext("policy value", "%(n)s 个周期", "%(n)s 个周期", value) % n
    if param.startswith("score_weight_"):
        return str(value)
    if param in _POINTS:
        return npgettext("policy value", "%(n)s 分", "%(n)s 分", value) % {"n": f"{value:g}"}
    if param == "escalation_reminder_late_claims":
        return npgettext("policy value", "%(n)s 件", "%(n)s 件", value) % n
    if param.endswith("_days"):
        return npgettext("policy value", "%(n)s 个工作日", "%(n)s 个工作日", value) % n
    return str(value)
