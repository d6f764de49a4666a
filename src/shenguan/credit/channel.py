"""The outbox's credit channel (信用平台推送渠道): POST one 双公示 record to the platform's
endpoint, signed like the webhooks (Standard Webhooks headers with the credit secret), with the
record's message id so that a retry after a lost answer is recognised by the receiver; the
platform's acknowledgement (receipt) or rejection reasons are kept on the record."""

from __future__ import annotations

import json
import time

import httpx
from django.conf import settings

from shenguan.outbox import signing
from shenguan.outbox.channels import EXCERPT_BYTES, Outcome, parse_retry_after

from . import formats
from .models import CreditRecord


def push_body(record: CreditRecord, message_id: str) -> bytes:
    """The exact bytes sent: the record in the national column order, compact UTF-8 JSON."""
    body = {
        "message_id": message_id,
        "record_id": record.pk,
        "kind": record.kind,
        "columns": formats.headers(record.kind),
        "row": formats.row(record.kind, record.data),
        "data": record.data,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def deliver_credit(delivery) -> Outcome:
    """Deliver one record; 2xx acknowledged, 400/422 rejected with reasons (a visible task, not
    retried), anything else retried by the outbox."""
    from .services.records import credit_record_outcome

    target = delivery.target or {}
    record = CreditRecord.objects.filter(pk=target.get("credit_record_id")).first()
    if record is None:
        return Outcome(ok=False, cancel=True, error="信用信息记录不存在")
    url = getattr(settings, "SHENGUAN_CREDIT_PUSH_URL", "")
    if not url:
        return Outcome(ok=False, error="未配置信用平台推送地址（SHENGUAN_CREDIT_PUSH_URL）")
    message_id = delivery.event.message_id
    body = push_body(record, message_id)
    secret = getattr(settings, "SHENGUAN_CREDIT_PUSH_SECRET", "")
    hdrs = signing.headers([secret], message_id, int(time.time()), body) if secret else {}
    hdrs["content-type"] = "application/json"
    hdrs["idempotency-key"] = message_id
    token = getattr(settings, "SHENGUAN_CREDIT_QUERY_TOKEN", "")
    if token:
        hdrs["authorization"] = f"Bearer {token}"
    timeout = float(getattr(settings, "SHENGUAN_CREDIT_TIMEOUT", 3.0))
    try:
        resp = httpx.post(url, content=body, headers=hdrs, timeout=httpx.Timeout(timeout))
    except httpx.TimeoutException as exc:
        return Outcome(ok=False, error=f"超时（{type(exc).__name__}）")
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"网络错误（{type(exc).__name__}）"[:500])
    text = resp.content[:EXCERPT_BYTES].decode("utf-8", "replace")
    status = resp.status_code
    if 200 <= status < 300:
        try:
            receipt = str((resp.json() or {}).get("receipt") or "")
        except ValueError:
            receipt = ""
        credit_record_outcome(record_id=record.pk, accepted=True, receipt=receipt)
        return Outcome(ok=True, status_code=status, response_excerpt=text)
    if status in (400, 422):
        try:
            reasons = (resp.json() or {}).get("reasons") or [text]
        except ValueError:
            reasons = [text]
        credit_record_outcome(record_id=record.pk, accepted=False, reasons=reasons)
        return Outcome(
            ok=False,
            cancel=True,
            status_code=status,
            error=f"信用平台退回：{'；'.join(str(r) for r in reasons)}"[:500],
            response_excerpt=text,
        )
    out = Outcome(ok=False, status_code=status, error=f"HTTP {status}", response_excerpt=text)
    if status in (429, 503):
        out.retry_after = parse_retry_after(resp.headers.get("retry-after"))
    return out
