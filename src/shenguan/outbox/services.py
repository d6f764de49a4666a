"""Writing to the outbox: events and their deliveries, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db import models as dj_models

from shenguan.core.serialize import to_jsonable

from .models import Channel, OutboxDelivery, OutboxEvent, WebhookEndpoint


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
) -> OutboxEvent:
    """Record an event and one delivery per subscribed webhook, per notification and per extra target.

    Webhooks go to active endpoints of the listed departments that subscribe to the event type.
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
    if dept_ids:
        for ep in WebhookEndpoint.objects.filter(
            jurisdiction_id=jurisdiction_id, department_id__in=dept_ids, active=True
        ):
            if ep.subscribes(event_type):
                deliveries.append(
                    OutboxDelivery(
                        jurisdiction_id=jurisdiction_id, event=event, channel=Channel.WEBHOOK,
                        endpoint=ep,
                    )
                )
    users = sorted({int(u) for u in notify_user_ids})
    if users and notify:
        deliveries.append(
            OutboxDelivery(
                jurisdiction_id=jurisdiction_id, event=event, channel=Channel.NOTIFY,
                target={"user_ids": users, **to_jsonable(notify)},
            )
        )
    for channel, target in extra:
        deliveries.append(
            OutboxDelivery(
                jurisdiction_id=jurisdiction_id, event=event, channel=channel,
                target=to_jsonable(target),
            )
        )
    if deliveries:
        OutboxDelivery.objects.bulk_create(deliveries)
    return event
