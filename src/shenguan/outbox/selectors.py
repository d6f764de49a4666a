"""Reading the outbox, always scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from shenguan.core.errors import NotFound
from shenguan.org.roles import Perm

from .models import DeliveryStatus, Notification, OutboxDelivery, SweepState, WebhookEndpoint


def webhook_endpoint_list(*, user, filters: dict | None = None) -> QuerySet[WebhookEndpoint]:
    """Webhook endpoints the actor manages (its jurisdictions)."""
    qs = WebhookEndpoint.objects.restrict(user).select_related("department", "jurisdiction")
    f = filters or {}
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("active") is not None:
        qs = qs.filter(active=f["active"])
    return qs


def webhook_endpoint_get(*, user, pk: int) -> WebhookEndpoint:
    """One endpoint, or 404."""
    obj = webhook_endpoint_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def delivery_list(*, user, filters: dict | None = None) -> QuerySet[OutboxDelivery]:
    """Deliveries the actor may see, newest first, filtered by status, channel, endpoint, event."""
    qs = OutboxDelivery.objects.restrict(user).select_related("event", "endpoint")
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    if f.get("endpoint_id"):
        qs = qs.filter(endpoint_id=f["endpoint_id"])
    if f.get("event_type"):
        et = f["event_type"]
        if et.endswith(".*"):
            qs = qs.filter(event__event_type__startswith=et[:-1])
        else:
            qs = qs.filter(event__event_type=et)
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    return qs.order_by("-id")


def dead_letter_list(*, user, filters: dict | None = None) -> QuerySet[OutboxDelivery]:
    """Deliveries that failed for good (死信) and wait for a replay by hand."""
    return delivery_list(user=user, filters={**(filters or {}), "status": DeliveryStatus.DEAD})


def delivery_get(*, user, pk: int) -> OutboxDelivery:
    """One delivery with its attempts (投递记录), or 404."""
    obj = delivery_list(user=user).filter(pk=pk).prefetch_related("tries").first()
    if obj is None:
        raise NotFound()
    return obj


def delivery_counts(*, user) -> dict[str, int]:
    """How many deliveries the actor can see in each state."""
    from django.db.models import Count

    rows = OutboxDelivery.objects.restrict(user).order_by().values("status").annotate(n=Count("id"))
    out = {s: 0 for s in DeliveryStatus.values}
    for r in rows:
        out[r["status"]] = r["n"]
    return out


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own in-app notifications, newest first.

    A notification follows its recipient: it is read by that user only (Notification.scope_q),
    whatever jurisdiction it was raised in, so it is not narrowed by jurisdiction here.
    """
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", True)
        or getattr(user, "kind", "") != "user"
    ):
        return Notification.objects.none()
    qs = Notification.objects.filter(Notification.scope_q(user))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get(*, user, pk: int) -> Notification:
    """One of the actor's notifications, or 404."""
    obj = notification_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def notification_unread_count(*, user) -> int:
    """How many of the actor's notifications are unread."""
    return notification_list(user=user, unread_only=True).count()


def sweep_state_list(*, user) -> QuerySet[SweepState]:
    """The periodic sweeps and their last runs (for the system administrator)."""
    if not user.can(Perm.WEBHOOK_MANAGE):
        return SweepState.objects.none()
    return SweepState.objects.order_by("name")
