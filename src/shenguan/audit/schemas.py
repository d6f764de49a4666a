"""API schemas of the audit trail: events, the chain head and the verification result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from shenguan.core.masking import mask_id_number, mask_phone

from .models import Outcome

_PHONE_KEYS = ("phone", "mobile", "tel")
_ID_KEYS = ("id_number", "id_no", "idcard", "id_card", "ric")


def mask_personal(value: Any) -> Any:
    """Mask phone numbers and ID numbers inside an event's before/after snapshots."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = str(k).lower()
            if isinstance(v, str) and any(p in key for p in _PHONE_KEYS):
                out[k] = mask_phone(v)
            elif isinstance(v, str) and any(p in key for p in _ID_KEYS):
                out[k] = mask_id_number(v)
            else:
                out[k] = mask_personal(v)
        return out
    if isinstance(value, list):
        return [mask_personal(v) for v in value]
    return value


def _shown(context, value):
    request = (context or {}).get("request")
    if request is not None and getattr(request, "sg_unmask", False):
        return value
    return mask_personal(value)


class AuditEventOut(Schema):
    """An audit event (审计事件); personal data in the snapshots is masked."""

    seq: int
    at: dt.datetime
    actor_kind: str
    actor_id: int | None
    actor_name: str
    department_id: int | None
    jurisdiction_id: int | None
    request_id: str
    ip: str
    action: str
    object_type: str
    object_id: str
    outcome: Outcome
    before: Any = None
    after: Any = None
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_before(obj, context):
        return _shown(context, obj.before)

    @staticmethod
    def resolve_after(obj, context):
        return _shown(context, obj.after)


class AuditFilters(Schema):
    """Filters of the audit event list."""

    action: str | None = Field(None, max_length=64, description="动作前缀，如 org.user")
    actor: str | None = Field(None, max_length=150, description="操作者名称包含")
    object_type: str | None = Field(None, max_length=64, description="对象类型，如 org.user")
    object_id: str | None = Field(None, max_length=64, description="对象ID")
    outcome: Outcome | None = Field(None, description="结果")
    since: dt.date | None = Field(None, description="起始日期（含，北京时间）")
    until: dt.date | None = Field(None, description="截止日期（含，北京时间）")


class ChainHead(Schema):
    """The chain head (链头): the discipline office keeps its seq and hash."""

    seq: int | None
    hash: str | None
    at: dt.datetime | None


class VerifyOut(Schema):
    """The result of re-walking the chain (校验结果)."""

    ok: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    broken_seq: int | None
    broken_id: int | None
    reason: str
    message: str


def selector_filters(filters: dict) -> dict:
    """Turn the dates of the filters (Asia/Shanghai days, both inclusive) into UTC instants."""
    from django.utils import timezone

    f = {k: v for k, v in filters.items() if v not in (None, "")}
    tz = timezone.get_default_timezone()
    if f.get("since"):
        f["since"] = dt.datetime.combine(f["since"], dt.time.min, tzinfo=tz)
    if f.get("until"):
        f["until"] = dt.datetime.combine(f["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return f


_REASONS = {
    "sequence gap": "序号不连续（有事件被删除或插入）",
    "prev_hash": "与前一条事件的哈希不衔接",
    "content does not match": "内容与其哈希不符（记录被改动）",
}


def verify_message(result) -> str:
    """A Chinese sentence for a verification result."""
    if result.ok:
        if result.checked == 0:
            return "审计链为空"
        return f"审计链完整：共校验 {result.checked} 条，链头为第 {result.head_seq} 条"
    reason = next((zh for en, zh in _REASONS.items() if result.reason.startswith(en)), "校验失败")
    return f"审计链断裂：第 {result.broken_seq} 条事件（id={result.broken_id}）{reason}"


def verify_out(result) -> dict:
    """The verification result as the API returns it."""
    return {
        "ok": result.ok,
        "checked": result.checked,
        "head_seq": result.head_seq,
        "head_hash": result.head_hash,
        "broken_seq": result.broken_seq,
        "broken_id": result.broken_id,
        "reason": result.reason,
        "message": verify_message(result),
    }
