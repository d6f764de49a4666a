"""Writing to the outbox: events and their deliveries (in the caller's transaction), webhook
endpoints, replays of dead letters, and the reading of in-app notifications."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models as dj_models
from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.bulk import insert_objects
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.core.serialize import snapshot, to_jsonable
from shenguan.org.roles import ROLE_DEPARTMENT_KINDS, ROLE_PERMS, Perm

from .models import (
    Channel,
    DeliveryStatus,
    Notification,
    OutboxDelivery,
    OutboxEvent,
    PersonalData,
    WebhookEndpoint,
)
from .network import refused_address
from .signing import secret_generate


def outbox_emit(
    *,
    event_type: str,
    jurisdiction_id: int,
    payload: dict,
    department_ids: Iterable[int] = (),
    aggregate: dj_models.Model | None = None,
    notify_user_ids: Iterable[int] = (),
    notify: dict | None = None,
    extra: Iterable[tuple[str, dict]] = (),
    endpoint_ids: Iterable[int] = (),
) -> OutboxEvent:
    """Record an event and one delivery per subscribed webhook, notification and extra target.

    Webhooks go to active endpoints of the listed departments that subscribe to the event type,
    and to the active endpoints named in `endpoint_ids` whatever they subscribe to (a test ping).
    `notify` is {title, body, link} for the in-app notifications of `notify_user_ids`.
    `extra` adds (channel, target) pairs, e.g. ("sms", {"phone": …, "text": …}).
    Must run inside the transaction of the change it reports (ARCHITECTURE.md "Side effects").
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit must run inside the transaction of the change")
    dept_ids = sorted({int(d) for d in department_ids if d is not None})
    event = OutboxEvent.objects.create(
        jurisdiction_id=jurisdiction_id,
        event_type=event_type,
        payload=to_jsonable(payload),
        department_ids=dept_ids,
        aggregate_type=aggregate._meta.label_lower if aggregate is not None else "",
        aggregate_id=str(aggregate.pk) if aggregate is not None else "",
    )
    deliveries: list[OutboxDelivery] = []
    chosen: dict[int, WebhookEndpoint] = {}
    if dept_ids:
        for ep in WebhookEndpoint.objects.filter(
            jurisdiction_id=jurisdiction_id, department_id__in=dept_ids, active=True
        ):
            if ep.subscribes(event_type):
                chosen[ep.pk] = ep
    explicit = sorted({int(e) for e in endpoint_ids})
    if explicit:
        for ep in WebhookEndpoint.objects.filter(pk__in=explicit, active=True):
            chosen[ep.pk] = ep
    for pk in sorted(chosen):
        deliveries.append(
            OutboxDelivery(
                jurisdiction_id=chosen[pk].jurisdiction_id,
                event=event,
                channel=Channel.WEBHOOK,
                endpoint=chosen[pk],
            )
        )
    users = sorted({int(u) for u in notify_user_ids})
    if users and notify:
        deliveries.append(
            OutboxDelivery(
                jurisdiction_id=jurisdiction_id,
                event=event,
                channel=Channel.NOTIFY,
                target={"user_ids": users, **to_jsonable(notify)},
            )
        )
    for channel, target in extra:
        deliveries.append(
            OutboxDelivery(
                jurisdiction_id=jurisdiction_id,
                event=event,
                channel=channel,
                target=to_jsonable(target),
            )
        )
    if deliveries:
        OutboxDelivery.objects.bulk_create(deliveries)
    return event


def outbox_emit_many(*, events: list[dict]) -> list[OutboxEvent]:
    """Record many events at once (批量写入业务事件), each described by the keyword arguments of
    `outbox_emit`, with the same deliveries `outbox_emit` would create one by one: one query
    for the subscribed endpoints of all the departments and two bulk inserts. For services that
    change many objects in one transaction (batches of approvals)."""
    if not events:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit_many must run inside the transaction of the change")
    rows: list[OutboxEvent] = []
    specs = []
    now = timezone.now()
    for e in events:
        dept_ids = sorted({int(d) for d in e.get("department_ids", ()) if d is not None})
        aggregate = e.get("aggregate")
        rows.append(
            OutboxEvent(
                jurisdiction_id=e["jurisdiction_id"],
                event_type=e["event_type"],
                payload=to_jsonable(e["payload"]),
                department_ids=dept_ids,
                aggregate_type=aggregate._meta.label_lower if aggregate is not None else "",
                aggregate_id=str(aggregate.pk) if aggregate is not None else "",
                created_at=now,
            )
        )
        specs.append((e, dept_ids))
    insert_objects(rows)  # binary COPY on PostgreSQL: no SQL compiled per value
    all_depts = sorted({d for _e, ids in specs for d in ids})
    endpoints: dict[tuple[int, int], list[WebhookEndpoint]] = {}
    if all_depts:
        for ep in WebhookEndpoint.objects.filter(department_id__in=all_depts, active=True).order_by(
            "pk"
        ):
            endpoints.setdefault((ep.jurisdiction_id, ep.department_id), []).append(ep)
    explicit_ids = sorted({int(x) for e, _ids in specs for x in e.get("endpoint_ids", ())})
    explicit = (
        {ep.pk: ep for ep in WebhookEndpoint.objects.filter(pk__in=explicit_ids, active=True)}
        if explicit_ids
        else {}
    )
    deliveries: list[OutboxDelivery] = []
    for event, (e, dept_ids) in zip(rows, specs, strict=True):
        chosen: dict[int, WebhookEndpoint] = {}
        for d in dept_ids:
            for ep in endpoints.get((event.jurisdiction_id, d), ()):
                if ep.subscribes(event.event_type):
                    chosen[ep.pk] = ep
        for x in e.get("endpoint_ids", ()):
            if int(x) in explicit:
                chosen[int(x)] = explicit[int(x)]
        for pk in sorted(chosen):
            deliveries.append(
                OutboxDelivery(
                    jurisdiction_id=chosen[pk].jurisdiction_id,
                    event=event,
                    channel=Channel.WEBHOOK,
                    endpoint=chosen[pk],
                )
            )
        users = sorted({int(u) for u in e.get("notify_user_ids", ())})
        if users and e.get("notify"):
            deliveries.append(
                OutboxDelivery(
                    jurisdiction_id=event.jurisdiction_id,
                    event=event,
                    channel=Channel.NOTIFY,
                    target={"user_ids": users, **to_jsonable(e["notify"])},
                )
            )
        for channel, target in e.get("extra", ()):
            deliveries.append(
                OutboxDelivery(
                    jurisdiction_id=event.jurisdiction_id,
                    event=event,
                    channel=channel,
                    target=to_jsonable(target),
                )
            )
    if deliveries:
        insert_objects(deliveries)
    return rows


# --- webhook endpoints -------------------------------------------------------------------------

_ENDPOINT_AUDIT_FIELDS = [
    "id",
    "jurisdiction",
    "department",
    "url",
    "event_types",
    "description",
    "active",
    "disabled_reason",
    "disabled_at",
    "personal_data",
]
_EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")
MAX_EVENT_TYPES = 50


def personal_data_for(department) -> str:
    """How a department's webhooks carry ID and mobile numbers (个人信息发送方式): in full only
    if the department may hold a role with the unmask right (its users see them in full on the
    pages, e.g. the approval bureau's clerks), masked for every other department."""
    kinds = {
        kind
        for role, perms in ROLE_PERMS.items()
        if Perm.UNMASK in perms
        for kind in ROLE_DEPARTMENT_KINDS.get(role, ())
    }
    return PersonalData.FULL if department.kind in kinds else PersonalData.MASKED


def _require_manage(actor, jurisdiction_id: int) -> None:
    """Refuse unless the actor manages webhooks and the jurisdiction is one of its own."""
    if actor is None:  # the system itself (the worker on a 410, the demo loader)
        return
    if not actor.can(Perm.WEBHOOK_MANAGE):
        raise PermissionDenied("forbidden", "无权管理 Webhook 订阅")
    if jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise PermissionDenied("forbidden_jurisdiction", "无权管理该行政区划的 Webhook 订阅")


def _endpoint_snapshot(ep: WebhookEndpoint) -> dict:
    """An endpoint as stored in the audit trail: never its secrets."""
    return snapshot(ep, _ENDPOINT_AUDIT_FIELDS)


def clean_webhook_url(url) -> str:
    """A webhook URL: http(s), a host, no credentials, at most 500 characters, and not resolving
    to an address the network policy refuses."""
    url = (url or "").strip() if isinstance(url, str) else ""
    if not url:
        raise ValidationFailed("url_required", "地址不能为空", "url")
    if len(url) > 500:
        raise ValidationFailed("url_too_long", "地址不得超过500个字符", "url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise ValidationFailed("bad_url", "地址不得包含空白或控制字符", "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed("bad_url_scheme", "地址须以 http:// 或 https:// 开头", "url")
    if getattr(settings, "SHENGUAN_WEBHOOK_REQUIRE_HTTPS", False) and parts.scheme != "https":
        raise ValidationFailed("https_required", "地址须使用 https://", "url")
    if parts.username or parts.password:
        raise ValidationFailed("bad_url", "地址不得包含用户名或密码", "url")
    try:
        parts.port  # noqa: B018 - raises on a bad port
        URLValidator(schemes=["http", "https"])(url)
    except (ValueError, DjangoValidationError) as exc:
        raise ValidationFailed("bad_url", "地址格式无效", "url") from exc
    if parts.fragment:
        raise ValidationFailed("bad_url", "地址不得包含“#”片段", "url")
    try:
        refused = refused_address(url)
    except OSError:  # not resolvable from here (yet): checked again at every delivery
        refused = None
    if refused:
        raise ValidationFailed(
            "address_not_allowed", f"地址解析到 {refused}，不在允许投递的网段内", "url"
        )
    return url


def clean_event_types(value) -> list[str]:
    """Subscribed event types: exact names or families ('org.*'); empty or '*' means all."""
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[\s,，;；]+", value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise ValidationFailed("bad_event_types", "订阅事件须为事件类型列表", "event_types")
    out: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise ValidationFailed("bad_event_types", "订阅事件须为事件类型列表", "event_types")
        item = item.strip()
        if not item:
            continue
        if item == "*":
            return []
        if len(item) > 64 or not _EVENT_TYPE_RE.match(item):
            raise ValidationFailed(
                "bad_event_type",
                f"订阅事件“{item[:64]}”格式无效：须为小写字母、数字、下划线和点，如 org.* 或 "
                "org.department.created",
                "event_types",
            )
        out.add(item)
    if len(out) > MAX_EVENT_TYPES:
        raise ValidationFailed(
            "too_many_event_types", f"订阅事件不得超过{MAX_EVENT_TYPES}项", "event_types"
        )
    return sorted(out)


def _clean_description(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if len(value) > 200:
        raise ValidationFailed("description_too_long", "说明不得超过200个字符", "description")
    return value


def webhook_endpoint_create(
    *, actor, department, url: str, event_types=(), description: str = ""
) -> WebhookEndpoint:
    """Create a department's webhook endpoint (新增 Webhook 订阅) with a new signing secret.

    The returned object carries the secret: show it to the administrator once, then only its hint.
    """
    if department is None:
        raise ValidationFailed("department_required", "请选择部门", "department")
    _require_manage(actor, department.jurisdiction_id)
    url = clean_webhook_url(url)
    types = clean_event_types(event_types)
    description = _clean_description(description)
    with transaction.atomic():
        if WebhookEndpoint.objects.filter(department=department, url=url).exists():
            raise Conflict("endpoint_exists", "该部门已有相同地址的订阅", "url")
        now = timezone.now()
        ep = WebhookEndpoint.objects.create(
            jurisdiction_id=department.jurisdiction_id,
            department=department,
            url=url,
            secret=secret_generate(),
            event_types=types,
            description=description,
            personal_data=personal_data_for(department),
            personal_data_decided_at=now,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            actor=actor, action="outbox.webhook.create", obj=ep, after=_endpoint_snapshot(ep)
        )
    return ep


def webhook_endpoint_update(
    *,
    actor,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types=None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's address, subscribed events or description (修改 Webhook 订阅)."""
    _require_manage(actor, endpoint.jurisdiction_id)
    changes: dict = {}
    if url is not None:
        changes["url"] = clean_webhook_url(url)
    if event_types is not None:
        changes["event_types"] = clean_event_types(event_types)
    if description is not None:
        changes["description"] = _clean_description(description)
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = _endpoint_snapshot(ep)
        if (
            "url" in changes
            and WebhookEndpoint.objects.filter(department_id=ep.department_id, url=changes["url"])
            .exclude(pk=ep.pk)
            .exists()
        ):
            raise Conflict("endpoint_exists", "该部门已有相同地址的订阅", "url")
        for k, v in changes.items():
            setattr(ep, k, v)
        ep.updated_at = timezone.now()
        ep.save()
        audit_record(
            actor=actor,
            action="outbox.webhook.update",
            obj=ep,
            before=before,
            after=_endpoint_snapshot(ep),
        )
    return ep


def webhook_endpoint_disable(
    *, actor, endpoint: WebhookEndpoint, reason: str = ""
) -> WebhookEndpoint:
    """Stop an endpoint (停用 Webhook 订阅) and cancel its pending deliveries.

    The worker calls it with actor=None when the receiver answers 410 Gone.
    """
    _require_manage(actor, endpoint.jurisdiction_id)
    reason = (reason or "").strip()[:200] or "管理员停用"
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not ep.active:
            if actor is None:
                return ep
            raise Conflict("already_disabled", "该订阅已停用", "active")
        before = _endpoint_snapshot(ep)
        now = timezone.now()
        ep.active = False
        ep.disabled_reason = reason
        ep.disabled_at = now
        ep.updated_at = now
        ep.save()
        cancelled = OutboxDelivery.objects.filter(
            endpoint_id=ep.pk, status=DeliveryStatus.PENDING
        ).update(status=DeliveryStatus.CANCELLED, last_error=f"订阅已停用：{reason}"[:500])
        after = _endpoint_snapshot(ep) | {"cancelled_deliveries": cancelled}
        audit_record(
            actor=actor, action="outbox.webhook.disable", obj=ep, before=before, after=after
        )
    return ep


def webhook_endpoint_enable(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Start a stopped endpoint again (启用 Webhook 订阅); cancelled deliveries stay cancelled."""
    _require_manage(actor, endpoint.jurisdiction_id)
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if ep.active:
            raise Conflict("already_active", "该订阅已启用", "active")
        before = _endpoint_snapshot(ep)
        ep.active = True
        ep.disabled_reason = ""
        ep.disabled_at = None
        ep.updated_at = timezone.now()
        ep.save()
        audit_record(
            actor=actor,
            action="outbox.webhook.enable",
            obj=ep,
            before=before,
            after=_endpoint_snapshot(ep),
        )
    return ep


def webhook_endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Issue a new signing secret (更换签名密钥); the old one still signs for an overlap period.

    During the overlap each message carries two signatures, so the receiver can switch keys
    without losing a message. The returned object carries the new secret: show it once.
    """
    _require_manage(actor, endpoint.jurisdiction_id)
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        now = timezone.now()
        ep.previous_secret = ep.secret
        ep.previous_secret_until = now + dt.timedelta(
            hours=settings.SHENGUAN_WEBHOOK_SECRET_OVERLAP_HOURS
        )
        ep.secret = secret_generate()
        ep.updated_at = now
        ep.save()
        audit_record(
            actor=actor,
            action="outbox.webhook.rotate_secret",
            obj=ep,
            after={
                "secret_hint": ep.secret_hint,
                "previous_secret_until": to_jsonable(ep.previous_secret_until),
            },
        )
    return ep


def webhook_ping(*, actor, endpoint: WebhookEndpoint) -> OutboxDelivery:
    """Send a test event "webhook.ping" (测试推送) to this endpoint only."""
    _require_manage(actor, endpoint.jurisdiction_id)
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not ep.active:
            raise Conflict("endpoint_disabled", "该订阅已停用，请先启用", "active")
        event = outbox_emit(
            event_type="webhook.ping",
            jurisdiction_id=ep.jurisdiction_id,
            payload={
                "endpoint_id": ep.pk,
                "department_id": ep.department_id,
                "message": "测试推送",
            },
            aggregate=ep,
            endpoint_ids=[ep.pk],
        )
        delivery = OutboxDelivery.objects.get(event=event, endpoint=ep)
        audit_record(
            actor=actor,
            action="outbox.webhook.ping",
            obj=ep,
            after={"event": event.message_id, "delivery_id": delivery.pk},
        )
    return delivery


# --- deliveries --------------------------------------------------------------------------------

REPLAYABLE = frozenset({DeliveryStatus.DEAD, DeliveryStatus.CANCELLED})


def delivery_replay(*, actor, delivery: OutboxDelivery) -> OutboxDelivery:
    """Queue a dead or cancelled delivery again by hand (重新投递) with a fresh attempt budget."""
    _require_manage(actor, delivery.jurisdiction_id)
    with transaction.atomic():
        d = OutboxDelivery.objects.select_for_update().get(pk=delivery.pk)
        if d.status not in REPLAYABLE:
            raise Conflict(
                "not_replayable", "只有投递失败（死信）或已取消的投递可以重新投递", "status"
            )
        if d.channel == Channel.WEBHOOK:
            ep = WebhookEndpoint.objects.filter(pk=d.endpoint_id).first()
            if ep is None or not ep.active:
                raise Conflict(
                    "endpoint_disabled", "该投递的 Webhook 订阅已停用，请先启用订阅", "endpoint"
                )
        before = {"status": d.status, "attempts": d.attempts, "last_error": d.last_error}
        d.status = DeliveryStatus.PENDING
        d.attempts = 0
        d.next_attempt_at = timezone.now()
        d.lease_until = None
        d.leased_by = ""
        d.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until", "leased_by"])
        audit_record(
            actor=actor,
            action="outbox.delivery.replay",
            obj=d,
            before=before,
            after={"status": d.status, "attempts": 0},
        )
    return d


# --- in-app notifications ----------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (标记已读)."""
    if actor is None or getattr(actor, "kind", "") != "user" or notification.user_id != actor.pk:
        raise NotFound()
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        if n.read_at is not None:
            return n
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
        audit_record(
            actor=actor,
            action="outbox.notification.read",
            obj=n,
            after={"read_at": to_jsonable(n.read_at)},
        )
    return n


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read (全部标记已读); returns how many."""
    if actor is None or getattr(actor, "kind", "") != "user":
        raise PermissionDenied("forbidden", "只有用户本人可以标记通知已读")
    with transaction.atomic():
        now = timezone.now()
        count = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(
            read_at=now
        )
        if count:
            audit_record(
                actor=actor,
                action="outbox.notification.read_all",
                obj=("outbox.notification", "*"),
                after={"count": count},
            )
    return count
