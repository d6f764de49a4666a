"""Validation and parsing of catalogue values typed or pasted by people (codes, flags, stages)."""

from __future__ import annotations

import datetime as dt
import re

from shenguan.core.errors import ValidationFailed
from shenguan.core.i18n import source_text
from shenguan.core.text import normalize_text, typed_text

from .models import HandoverKind, PowerType, PushMethod, Stage, TransferStatus


def norm(value) -> str:
    """normalize_text with a fast path: ASCII text only needs its whitespace collapsed."""
    if not value:
        return ""
    if isinstance(value, str) and value.isascii():
        return " ".join(value.split())
    return normalize_text(value)


# 互联网+监管 supervision item codes as issued, e.g. 430264034W0Y, 000125049000 (ADR 0013).
SUPERVISION_CODE_RE = re.compile(r"^[0-9A-Z]{12}$")
# GB/T 39554.1 item codes and local implementation codes: letters, digits, dots and hyphens.
ITEM_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{3,63}$")


def clean_text(value, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    """A single-line text as typed, trimmed (core.text.typed_text, ADR 0042)."""
    return typed_text(value, field, label, max_length, required=required)


def clean_long_text(value, field: str, label: str, max_length: int = 5000) -> str:
    """A multi-line text as typed: lines trimmed, blank lines kept out."""
    v = typed_text(value, field, label, 10 * max_length, multiline=True)
    v = "\n".join(line.strip() for line in v.split("\n") if line.strip())
    if len(v) > max_length:
        raise ValidationFailed("too_long", f"{label}不得超过{max_length}个字符", field)
    return v


def clean_supervision_code(value, field: str = "code") -> str:
    """A supervision item code: 12 half-width digits or capital letters, stored as given."""
    v = norm(value).replace(" ", "")
    if not v:
        raise ValidationFailed("required", "请填写监管事项编码", field)
    if not SUPERVISION_CODE_RE.match(v):
        raise ValidationFailed(
            "bad_supervision_code", f"监管事项编码“{v}”无效：须为12位数字或大写字母", field
        )
    return v


def clean_item_code(value, field: str = "code") -> str:
    """An item code (GB/T 39554.1 style), optional, stored as given."""
    v = norm(value).replace(" ", "")
    if not v:
        return ""
    if not ITEM_CODE_RE.match(v):
        raise ValidationFailed(
            "bad_item_code", f"事项编码“{v}”无效：须为4–64位字母、数字、点或连字符", field
        )
    return v


def clean_days(value, field: str, label: str) -> int | None:
    """A time limit in working days (0–3650), optional."""
    if value is None or value == "":
        return None
    v = norm(value)
    if v.endswith("个工作日"):
        v = v[:-4]
    elif v.endswith("工作日"):
        v = v[:-3]
    elif v.endswith("日") or v.endswith("天"):
        v = v[:-1]
    try:
        n = int(float(v)) if re.fullmatch(r"\d+(\.0+)?", v) else None
    except ValueError:
        n = None
    if n is None or n < 0 or n > 3650:
        raise ValidationFailed("bad_days", f"{label}须为0–3650之间的整数（工作日）", field)
    return n


_TRUE = {"是", "有", "需要", "需", "√", "✓", "y", "yes", "true", "1"}
_FALSE = {"否", "无", "不需要", "不需", "×", "✗", "n", "no", "false", "0", "", "-", "/"}


def parse_flag(value, field: str, label: str) -> bool:
    """A yes/no cell: 是/否, √/×, Y/N, 1/0, true/false."""
    if isinstance(value, bool):
        return value
    v = norm(value).lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValidationFailed("bad_flag", f"{label}须填“是”或“否”", field)


def parse_date(value, field: str, label: str, *, required: bool = False) -> dt.date | None:
    """A date as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    v = norm(value)
    if not v:
        if required:
            raise ValidationFailed("required", f"请填写{label}", field)
        return None
    m = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00:00)?", v
    )
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValidationFailed("bad_date", f"{label}日期格式无效，须为 YYYY-MM-DD", field)


def _choice_by_label(choices, aliases: dict[str, str]):
    table = {norm(source_text(label)).replace(" ", ""): value for value, label in choices.choices}
    table.update({norm(k).replace(" ", ""): str(v) for k, v in aliases.items()})
    table.update({str(value): str(value) for value in choices.values})
    return table


_POWER = _choice_by_label(
    PowerType, {"许可": PowerType.LICENSING, "行政许可事项": PowerType.LICENSING}
)
_PUSH = _choice_by_label(
    PushMethod,
    {
        "平台": PushMethod.PLATFORM,
        "审管互动平台": PushMethod.PLATFORM,
        "审管联动模块": PushMethod.PLATFORM,
        "系统推送": PushMethod.PLATFORM,
        "线上推送": PushMethod.PLATFORM,
        "接口": PushMethod.API,
        "自建系统": PushMethod.API,
        "API": PushMethod.API,
        "接口推送": PushMethod.API,
        "书面": PushMethod.LETTER,
        "函告": PushMethod.LETTER,
        "书面函告": PushMethod.LETTER,
        "线下": PushMethod.LETTER,
    },
)
_STAGE = _choice_by_label(
    Stage,
    {
        "事前": Stage.PRIOR_GUIDANCE,
        "业务指导": Stage.PRIOR_GUIDANCE,
        "事前业务指导": Stage.PRIOR_GUIDANCE,
        "技术审查": Stage.TECHNICAL_REVIEW,
        "现场勘验": Stage.TECHNICAL_REVIEW,
        "勘验评审": Stage.TECHNICAL_REVIEW,
        "联审会": Stage.JOINT_REVIEW,
        "联合会商": Stage.JOINT_REVIEW,
        "审批结果推送": Stage.RESULT_PUSH,
        "审批信息推送": Stage.RESULT_PUSH,
        "信息推送": Stage.RESULT_PUSH,
        "证照配发": Stage.CERTIFICATE_ISSUE,
        "监管信息反馈": Stage.SUPERVISION_FEEDBACK,
        "监管反馈": Stage.SUPERVISION_FEEDBACK,
        "政策变更": Stage.POLICY_CHANGE,
    },
)
_STATUS = _choice_by_label(
    TransferStatus,
    {
        "划转": TransferStatus.TRANSFERRED,
        "暂不划转": TransferStatus.RETAINED,
        "进驻大厅": TransferStatus.RETAINED,
        "分批": TransferStatus.PLANNED,
        "待划转": TransferStatus.PLANNED,
        "收回": TransferStatus.TAKEN_BACK,
    },
)


def parse_power_type(value, field: str = "power_type") -> str:
    """A power type by label (行政许可 / 其他行政权力 / 公共服务); empty means 行政许可."""
    v = norm(value).replace(" ", "")
    if not v:
        return str(PowerType.LICENSING)
    if v in _POWER:
        return _POWER[v]
    raise ValidationFailed(
        "bad_power_type", "权力类型须为：行政许可、其他行政权力或公共服务", field
    )


def parse_push_method(value, field: str = "push_method") -> str:
    """A push method by label; empty means platform push."""
    v = norm(value).replace(" ", "")
    if not v:
        return str(PushMethod.PLATFORM)
    if v in _PUSH:
        return _PUSH[v]
    raise ValidationFailed(
        "bad_push_method", "信息推送方式须为：平台推送、自建系统接口或书面函告", field
    )


_SPLIT = re.compile(r"[\s,，、;；/|]+")


def parse_stages(value, field: str = "stages") -> list[str]:
    """Interaction stages separated by 、，; or spaces (or a list of values), de-duplicated."""
    parts = value if isinstance(value, (list, tuple)) else _SPLIT.split(norm(value))
    out: list[str] = []
    for p in parts:
        key = norm(p).replace(" ", "")
        if not key:
            continue
        if key not in _STAGE:
            allowed = "、".join(str(label) for label in Stage.labels)
            raise ValidationFailed("bad_stage", f"互动环节“{key}”无效，可选：{allowed}", field)
        if _STAGE[key] not in out:
            out.append(_STAGE[key])
    return out


def parse_transfer_status(value, field: str = "transfer_status") -> str | None:
    """A transfer status by label; empty means none given."""
    v = norm(value).replace(" ", "")
    if not v:
        return None
    if v in _STATUS:
        return _STATUS[v]
    raise ValidationFailed(
        "bad_transfer_status", "划转状态须为：已划转、分批划转、暂不划转、已收回", field
    )


def clean_checklist(lines) -> list[dict]:
    """A memo's handover checklist: [{kind, description, quantity, note}] (交接清单)."""
    if lines is None:
        return []
    if not isinstance(lines, (list, tuple)):
        raise ValidationFailed("bad_checklist", "交接清单须为列表", "checklist")
    out = []
    for i, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise ValidationFailed("bad_checklist", f"交接清单第{i}项格式无效", "checklist")
        kind = line.get("kind") or ""
        if kind not in HandoverKind.values:
            raise ValidationFailed("bad_checklist_kind", f"交接清单第{i}项的类别无效", "checklist")
        desc = clean_text(
            line.get("description"), "checklist", f"交接清单第{i}项的内容", 500, required=True
        )
        qty = clean_text(line.get("quantity"), "checklist", f"交接清单第{i}项的数量", 50)
        note = clean_text(line.get("note"), "checklist", f"交接清单第{i}项的备注", 200)
        out.append({"kind": kind, "description": desc, "quantity": qty, "note": note})
    return out
