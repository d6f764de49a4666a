"""Channel handlers (投递渠道处理器): how one delivery of each channel is carried out.

A handler takes an `OutboxDelivery` (with its event) and returns an `Outcome`; it never touches
the delivery row itself (the engine records the outcome under the lease). Register a handler with
`register_channel("credit", func)` from an AppConfig.ready(); a channel without a handler stays
pending with a clear `last_error` until one is registered.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from shenguan.core.masking import mask_document, mask_phone

from . import signing
from .models import (
    Channel,
    Notification,
    OutboxDelivery,
    OutboxEvent,
    PersonalData,
    WebhookEndpoint,
)
from .network import PinnedTransport, check_target, pinned

log = logging.getLogger("shenguan.outbox")

USER_AGENT = "Shenguan-Webhooks/1.0"
EXCERPT_BYTES = 500


@dataclass
class Outcome:
    """What one attempt gave: success, the status code, an error, and hints for the next step."""

    ok: bool
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None  # seconds the receiver asked us to wait (429/503)
    gone: bool = False  # the receiver answered 410: disable the endpoint
    cancel: bool = False  # can never be delivered (no endpoint, endpoint disabled, bad target)
    response_excerpt: str = ""


Handler = Callable[[OutboxDelivery], Outcome]
_HANDLERS: dict[str, Handler] = {}


def register_channel(name: str, handler: Handler) -> None:
    """Register (or replace) the handler of a channel (called from an app's ready())."""
    _HANDLERS[name] = handler


def channel_handler(name: str) -> Handler | None:
    """The handler of a channel, or None when no app has registered one yet."""
    return _HANDLERS.get(name)


def handled_channels() -> list[str]:
    """Channels that have a handler."""
    return sorted(_HANDLERS)


# --- webhooks ----------------------------------------------------------------------------------


def envelope(event: OutboxEvent, *, masked: bool = True) -> dict:
    """The Standard Webhooks payload: {type, timestamp, data}; ID and phone numbers in the data
    masked unless the endpoint receives personal data in full (WebhookEndpoint.personal_data)."""
    ts = event.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    data = mask_document(event.payload) if masked else event.payload
    return {"type": event.event_type, "timestamp": ts, "data": data}


def envelope_bytes(event: OutboxEvent, *, masked: bool = True) -> bytes:
    """The exact body sent and signed: compact UTF-8 JSON, the same bytes on every retry."""
    return json.dumps(
        envelope(event, masked=masked), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def parse_retry_after(value: str | None, now=None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or timezone.now()
    return max(0.0, (when - now).total_seconds())


_clients: dict[tuple[int, float], httpx.Client] = {}
_clients_lock = threading.Lock()


def _client(timeout: float) -> httpx.Client:
    """One pooled HTTP client per process and timeout (connections are reused across rows); it
    connects only to the addresses pinned for the attempt (`network.pinned`)."""
    key = (os.getpid(), timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = httpx.Client(
                transport=PinnedTransport(),
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
                headers={"user-agent": USER_AGENT},
            )
            _clients[key] = client
        return client


def webhook_request(endpoint: WebhookEndpoint, event: OutboxEvent, *, timestamp: int | None = None):
    """The body and headers of one attempt (the timestamp is that of the attempt)."""
    body = envelope_bytes(event, masked=endpoint.personal_data != PersonalData.FULL)
    ts = int(time.time()) if timestamp is None else timestamp
    hdrs = signing.headers(endpoint.signing_secrets(), event.message_id, ts, body)
    hdrs["content-type"] = "application/json"
    return body, hdrs


def deliver_webhook(delivery: OutboxDelivery) -> Outcome:
    """POST the signed event; 2xx is success, 410 disables the endpoint, 429 sets the next try."""
    endpoint = (
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).first()
        if delivery.endpoint_id
        else None
    )
    if endpoint is None:
        return Outcome(ok=False, cancel=True, error="投递没有对应的 Webhook 订阅")
    if not endpoint.active:
        return Outcome(ok=False, cancel=True, error="Webhook 订阅已停用")
    try:  # resolve once; the connection goes to these checked addresses only (ADR 0005)
        target = check_target(endpoint.url)
    except OSError as exc:
        return Outcome(ok=False, error=f"域名解析失败（{exc}）"[:500])
    if target.refused:
        return Outcome(
            ok=False, cancel=True, error=f"目标地址 {target.refused} 不在允许投递的网段内"
        )
    body, hdrs = webhook_request(endpoint, delivery.event)
    timeout = float(settings.SHENGUAN_WEBHOOK_TIMEOUT)
    deadline = time.monotonic() + timeout
    try:
        with (
            pinned(target),
            _client(timeout).stream("POST", endpoint.url, content=body, headers=hdrs) as resp,
        ):
            excerpt = b""
            for chunk in resp.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES or time.monotonic() > deadline:
                    break
            status = resp.status_code
            retry_after = resp.headers.get("retry-after")
    except httpx.TimeoutException as exc:
        return Outcome(ok=False, error=f"超时（{type(exc).__name__}）")
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"网络错误（{type(exc).__name__}: {exc}）"[:500])
    text = excerpt[:EXCERPT_BYTES].decode("utf-8", "replace")
    if 200 <= status < 300:
        return Outcome(ok=True, status_code=status, response_excerpt=text)
    out = Outcome(ok=False, status_code=status, error=f"HTTP {status}", response_excerpt=text)
    if status == 410:
        out.gone = True
    elif status in (429, 503):
        out.retry_after = parse_retry_after(retry_after)
    return out


# --- in-app notifications ----------------------------------------------------------------------


def deliver_notify(delivery: OutboxDelivery) -> Outcome:
    """Create one Notification per user; repeated runs add nothing (unique user + event)."""
    from django.contrib.auth import get_user_model

    target = delivery.target or {}
    try:
        ids = sorted({int(u) for u in target.get("user_ids", [])})
    except (TypeError, ValueError):
        return Outcome(ok=False, cancel=True, error="通知对象格式无效")
    event = delivery.event
    title = str(target.get("title") or event.event_type)[:200]
    link = str(target.get("link") or "")
    if link and not link.startswith("/"):
        link = ""  # only links inside the platform
    users = (
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "department__jurisdiction_id")
    )
    rows = [
        Notification(
            jurisdiction_id=jid or delivery.jurisdiction_id,
            user_id=pk,
            event_id=event.pk,
            kind=event.event_type[:64],
            title=title,
            body=str(target.get("body") or ""),
            link=link[:300],
        )
        for pk, jid in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Outcome(ok=True)


# --- SMS ---------------------------------------------------------------------------------------


class SmsError(Exception):
    """The SMS gateway refused or failed to send (a failed attempt, retried)."""


class SmsGateway(Protocol):
    """What an SMS gateway does (短信网关): send one text to one phone, or raise SmsError."""

    def send(self, *, phone: str, text: str, message_id: str) -> None: ...


class LoggingSmsGateway:
    """The default gateway: writes the message to the log instead of sending it (开发环境)."""

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        log.info("sms %s to %s: %d characters", message_id, mask_phone(phone), len(text))


_gateways: dict[str, SmsGateway] = {}


def sms_gateway() -> SmsGateway:
    """The gateway named by the SHENGUAN_SMS_GATEWAY dotted path."""
    path = settings.SHENGUAN_SMS_GATEWAY
    gw = _gateways.get(path)
    if gw is None:
        gw = _gateways[path] = import_string(path)()
    return gw


def deliver_sms(delivery: OutboxDelivery) -> Outcome:
    """Send the text of the target {phone, text} through the configured gateway."""
    target = delivery.target or {}
    phone, text = str(target.get("phone") or ""), str(target.get("text") or "")
    if not phone or not text:
        return Outcome(ok=False, cancel=True, error="短信缺少手机号码或内容")
    try:
        sms_gateway().send(phone=phone, text=text, message_id=delivery.event.message_id)
    except SmsError as exc:
        return Outcome(ok=False, error=f"短信发送失败：{exc}"[:500])
    return Outcome(ok=True)


def register_builtin_channels() -> None:
    """Webhook, in-app notification and SMS; the credit channel comes with the credit app."""
    register_channel(Channel.WEBHOOK, deliver_webhook)
    register_channel(Channel.NOTIFY, deliver_notify)
    register_channel(Channel.SMS, deliver_sms)
