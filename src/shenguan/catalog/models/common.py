"""Choices of the catalogue (权力类型、划转状态、互动环节…) and its reading rule."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenguan.org.roles import Perm


class PowerType(models.TextChoices):
    """Power type of an item (权力类型)."""

    LICENSING = "licensing", _("行政许可")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class TransferStatus(models.TextChoices):
    """Transfer status of a licensing item (划转状态, 001 二(二), 004 三(二)1)."""

    UNDECIDED = "undecided", _("未定")
    TRANSFERRED = "transferred", _("已划转")
    PLANNED = "planned", _("分批划转")
    RETAINED = "retained", _("暂不划转（进驻大厅）")
    TAKEN_BACK = "taken_back", _("已收回")


class MemoState(models.TextChoices):
    """State of a handover memorandum (备忘录状态)."""

    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签订")
    AMENDED = "amended", _("已修订")


# Allowed memo transitions (state machine, ARCHITECTURE "Layering").
MEMO_TRANSITIONS: dict[str, frozenset[str]] = {
    MemoState.DRAFT: frozenset({MemoState.SIGNED}),
    MemoState.SIGNED: frozenset({MemoState.AMENDED}),
    MemoState.AMENDED: frozenset({MemoState.AMENDED}),
}


class HandoverKind(models.TextChoices):
    """What is handed over (交接内容, 004 三(一)1 and 三(三)2)."""

    DOCUMENTS = "documents", _("相关文件")
    ARCHIVES = "archives", _("档案资料")
    CERTIFICATE_STOCK = "certificate_stock", _("制式证照")
    SYSTEMS_DATA = "systems_data", _("审批业务系统及数据")
    KEYS_DEVICES = "keys_devices", _("专用电脑和密钥")
    GUIDANCE_FILES = "guidance_files", _("审批业务指导性文件")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    """Interaction stage of a linkage entry (互动环节, 002 §9)."""

    PRIOR_GUIDANCE = "prior_guidance", _("事前指导")
    TECHNICAL_REVIEW = "technical_review", _("技术审查")
    JOINT_REVIEW = "joint_review", _("联审会商")
    RESULT_PUSH = "result_push", _("结果推送")
    CERTIFICATE_ISSUE = "certificate_issue", _("证照配发")
    SUPERVISION_FEEDBACK = "supervision_feedback", _("监管反馈")
    POLICY_CHANGE = "policy_change", _("政策变更告知")


class PushMethod(models.TextChoices):
    """How information is pushed to the regulator (信息推送方式, 002 §9, §18)."""

    PLATFORM = "platform", _("平台推送")
    API = "api", _("自建系统接口")
    LETTER = "letter", _("书面函告")


class ChangeKind(models.TextChoices):
    """What a pre-notified change is about (变更类型, 002 §20)."""

    ITEM_ADD = "item_add", _("新增审批事项")
    ITEM_REMOVE = "item_remove", _("删减审批事项")
    ITEM_CHANGE = "item_change", _("调整审批事项")
    ENTRY_ADD = "entry_add", _("新增联动事项")
    ENTRY_REMOVE = "entry_remove", _("删减联动事项")
    ENTRY_CHANGE = "entry_change", _("调整联动事项")
    LIST_IMPORT = "list_import", _("批量导入清单")


def _catalog_reader_q(actor) -> Q | None:
    """The catalogue is readable by everyone holding catalog.read in the jurisdiction."""
    if actor.can(Perm.CATALOG_READ) or actor.can(Perm.CATALOG_MANAGE):
        return Q()
    return None
