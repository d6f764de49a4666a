"""Choices of the linkage app (申请人类型、办件状态、推送状态…) and a scoping helper."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicantKind(models.TextChoices):
    """Kind of applicant (申请人类型)."""

    PERSON = "person", _("自然人")
    LEGAL = "legal", _("法人或其他组织")


class ApprovalResult(models.TextChoices):
    """Result of an approval (审批结果)."""

    GRANTED = "granted", _("准予许可")
    REFUSED = "refused", _("不予许可")


class RecordState(models.TextChoices):
    """State of an approval record (办件状态)."""

    DRAFT = "draft", _("已登记")
    COMPLETED = "completed", _("已办结")


class RecordSource(models.TextChoices):
    """How an approval record arrived (来源)."""

    UI = "ui", _("窗口录入")
    API = "api", _("审批系统接口")
    IMPORT = "import", _("批量导入")


class AcceptanceMode(models.TextChoices):
    """How a case was accepted (受理方式, 003 三(三)4): normally, with documents missing
    (容缺受理), on the applicant's written commitment (告知承诺) or by the green channel."""

    NORMAL = "normal", _("一般受理")
    DEFICIENCY = "deficiency", _("容缺受理")
    COMMITMENT = "commitment", _("告知承诺")
    GREEN = "green", _("绿色通道")


class SuspensionKind(models.TextChoices):
    """A period that does not count in an approval's time limit (行政许可法第四十五条)."""

    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标、拍卖")
    TESTING = "testing", _("检验、检测")
    INSPECTION = "inspection", _("现场勘验")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    ARGUMENTATION = "argumentation", _("论证")
    OTHER = "other", _("其他法定不计时情形")


class MaterialKind(models.TextChoices):
    """Kind of file attached to a record (材料类型, 000 §15, 003 三(二)2)."""

    MATERIAL = "material", _("申请材料")
    KEY_DOCUMENT = "key_document", _("办事要件")
    LEGAL_DOCUMENT = "legal_document", _("法律文书")
    RESULT = "result", _("审批结果文书")


class LicenceState(models.TextChoices):
    """State of a licence (证照状态)."""

    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", pgettext_lazy("licence state", "吊销")
    CANCELLED = "cancelled", pgettext_lazy("licence state", "注销")
    ANNULLED = "annulled", pgettext_lazy("licence state", "撤销")
    EXPIRED = "expired", _("有效期届满")


# Allowed licence transitions (state machine, ARCHITECTURE "Layering"). An expired licence is
# still cancelled (注销) by procedure (行政许可法 §70); revoked, cancelled and annulled are final.
LICENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    LicenceState.VALID: frozenset(
        {
            LicenceState.SUSPENDED,
            LicenceState.REVOKED,
            LicenceState.CANCELLED,
            LicenceState.ANNULLED,
            LicenceState.EXPIRED,
        }
    ),
    LicenceState.SUSPENDED: frozenset(
        {
            LicenceState.VALID,
            LicenceState.REVOKED,
            LicenceState.CANCELLED,
            LicenceState.ANNULLED,
            LicenceState.EXPIRED,
        }
    ),
    LicenceState.EXPIRED: frozenset({LicenceState.CANCELLED}),
    LicenceState.REVOKED: frozenset(),
    LicenceState.CANCELLED: frozenset(),
    LicenceState.ANNULLED: frozenset(),
}


class PushKind(models.TextChoices):
    """What a push carries (推送类型)."""

    APPROVAL = "approval", _("审批结果")
    FEEDBACK = "feedback", _("监管信息")
    DISPOSAL = "disposal", _("处置结果")
    CORRECTION_REPLY = "correction_reply", _("纠错答复")
    NOTICE = "notice", _("通知函告")
    # the review app (审批过程中的审管互动): technical opinion requests and their answers
    TECH_REQUEST = "tech_request", _("技术审查函")
    TECH_OPINION = "tech_opinion", _("技术审查意见")
    MEETING = "meeting", _("联审会通知")


class PushDirection(models.TextChoices):
    """Which way a push travels (推送方向)."""

    TO_REGULATOR = "to_regulator", _("审批→监管")
    TO_BUREAU = "to_bureau", _("监管→审批")


class PushState(models.TextChoices):
    """Claim state of a push (认领状态)."""

    PENDING = "pending", _("待认领")
    CLAIMED = "claimed", _("已认领")


class ClaimedMode(models.TextChoices):
    """How a push was claimed (认领方式)."""

    MANUAL = "manual", _("人工认领")
    TIMEOUT = "timeout", _("超时自动认领")
    ON_PUSH = "on_push", _("推送即认领")


class FeedbackKind(models.TextChoices):
    """Kind of supervision information sent to the bureau (监管信息类型, 000 §17 §20 §21)."""

    INSPECTION = "inspection", _("监督检查结果")
    SPOT_CHECK = "spot_check", _("抽查检查结果")
    ADMIN_MEASURE = "admin_measure", _("行政措施")
    PENALTY = "penalty", _("行政处罚")
    ENFORCEMENT = "enforcement", _("行政强制")
    REWARD = "reward", _("行政奖励")
    CREDIT = "credit", _("信用信息")
    REVOCATION_OPINION = "revocation_opinion", _("吊销/注销处置意见")
    CORRECTION_REQUEST = "correction_request", _("纠错建议")
    LAW_POLICY_CHANGE = "law_policy_change", _("法律法规政策标准变动")
    DOCUMENT_COPY = "document_copy", _("文件抄送")


# Results that may be normal: under abnormal-only profiles a normal one is recorded, not pushed.
RESULT_KINDS = frozenset({FeedbackKind.INSPECTION, FeedbackKind.SPOT_CHECK})


class FeedbackState(models.TextChoices):
    """State of a feedback (反馈状态)."""

    HELD = "held", _("待生效后推送")
    RECORDED = "recorded", _("仅登记（正常结果不推送）")
    PUSHED = "pushed", _("已推送")


class DisposalOutcome(models.TextChoices):
    """The bureau's disposal of a revocation opinion (处置结果, 000 §17)."""

    CANCEL = "cancel", pgettext_lazy("disposal outcome", "注销")
    ANNUL = "annul", pgettext_lazy("disposal outcome", "撤销")
    REVOKE = "revoke", pgettext_lazy("disposal outcome", "吊销")
    DECLINE = "decline", _("不予处置")


DISPOSAL_LICENCE_STATE = {
    DisposalOutcome.CANCEL: LicenceState.CANCELLED,
    DisposalOutcome.ANNUL: LicenceState.ANNULLED,
    DisposalOutcome.REVOKE: LicenceState.REVOKED,
}


class ReplyOutcome(models.TextChoices):
    """The bureau's answer to a correction request (纠错答复, 000 §20)."""

    CORRECTED = "corrected", _("已纠正")
    EXPLAINED = "explained", _("已说明")


class NoticeKind(models.TextChoices):
    """Kind of notice (通知函告类型, 000 §21, 002 §10 §20)."""

    ITEM_CHANGE = "item_change", _("审批事项调整函告")
    DOCUMENT_COPY = "document_copy", _("文件抄送")
    POLICY_CONSULTATION = "policy_consultation", _("政策文件征求意见")
    LAW_POLICY_CHANGE = "law_policy_change", _("法律法规政策标准变动")


def received_q(actor, column: str, outer: str = "pk") -> Q:
    """Rows whose subject (`outer`: the row's key, or its record_id…) was pushed to the actor's
    department: an EXISTS probing the pushes of that one subject on the push table's index of
    `column` — constant in the number of pushes the department ever received, where `_received`
    listed them all (issue 15 item 3)."""
    from django.apps import apps

    pushes = apps.get_model("linkage", "Push").objects.filter(
        **{column: OuterRef(outer)},
        addressee_department_id=actor.department_id,
        jurisdiction_id__in=actor.visible_jurisdiction_ids,
    )
    return Q(Exists(pushes))


def _received(actor, column: str):
    """Ids of the subjects (record_id, notice_id…) of pushes addressed to the actor's department.
    (Push is looked up in the app registry: models/pushes.py builds on this module.)"""
    from django.apps import apps

    return (
        apps.get_model("linkage", "Push")
        .objects.filter(
            jurisdiction_id__in=actor.visible_jurisdiction_ids,
            addressee_department_id=actor.department_id,
            **{f"{column}__isnull": False},
        )
        .values(column)
    )
