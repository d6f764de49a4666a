"""Webhook endpoint services: permission and jurisdiction, URL and event-type validation, secrets
shown once and rotated with an overlap, ping to one endpoint, and notification reading."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.outbox import channels, delivery, services, signing
from shenguan.outbox.models import DeliveryStatus, Notification, OutboxDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_create_generates_a_secret_and_audits_without_it(world, admin):
    ep = services.webhook_endpoint_create(
        actor=admin,
        department=world.depts["reg_a"],
        url=" https://sys.example.gov.cn/hook ",
        event_types="org.*, webhook.ping\norg.*",
        description="市场监管业务系统",
    )
    assert ep.url == "https://sys.example.gov.cn/hook"
    assert ep.event_types == ["org.*", "webhook.ping"]
    assert signing.secret_is_valid(ep.secret)
    assert ep.jurisdiction_id == world.city.pk
    audit = AuditEvent.objects.get(action="outbox.webhook.create", object_id=str(ep.pk))
    assert ep.secret not in str(audit.after) and "secret" not in audit.after
    assert audit.after["url"] == ep.url


def test_county_department_by_city_admin_and_not_the_reverse(world, admin):
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.county_depts["reg_a"], url="https://county.example/hook"
    )
    assert ep.jurisdiction_id == world.county.pk
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_create(
            actor=world.county_users["system_admin"],
            department=world.depts["reg_a"],
            url="https://city.example/hook",
        )


@pytest.mark.parametrize(
    "role",
    ["security_admin", "audit_admin", "regulator_liaison", "bureau_head", "discipline_inspector"],
)
def test_only_the_system_administrator_manages_endpoints(world, role):
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_create(
            actor=world.users[role], department=world.depts["reg_a"], url="https://x.example/hook"
        )
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url,code",
    [
        ("", "url_required"),
        ("ftp://x.example/hook", "bad_url_scheme"),
        ("javascript:alert(1)", "bad_url_scheme"),
        ("https://user:pw@x.example/hook", "bad_url"),
        ("https:///nohost", "bad_url"),
        ("https://x.example:99999/", "bad_url"),
        ("https://x.example/a b", "bad_url"),
        ("https://x.example/#frag", "bad_url"),
        ("https://x.example/" + "a" * 500, "url_too_long"),
    ],
)
def test_bad_urls_are_refused(world, admin, url, code):
    with pytest.raises(ValidationFailed) as exc:
        services.webhook_endpoint_create(actor=admin, department=world.depts["reg_a"], url=url)
    assert exc.value.code == code and exc.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "types",
    [
        ["Org.*"],
        ["org..x"],
        ["*.org"],
        ["org.*.x"],
        [1],
        ["ｏｒｇ.*"],
        ["x" * 65],
        [f"e{i}" for i in range(51)],
    ],
)
def test_bad_event_types_are_refused(world, admin, types):
    with pytest.raises(ValidationFailed) as exc:
        services.webhook_endpoint_create(
            actor=admin,
            department=world.depts["reg_a"],
            url="https://x.example/hook",
            event_types=types,
        )
    assert exc.value.field == "event_types"


def test_star_means_all_events(world, admin):
    ep = services.webhook_endpoint_create(
        actor=admin,
        department=world.depts["reg_a"],
        url="https://x.example/hook",
        event_types=["*"],
    )
    assert ep.event_types == [] and ep.subscribes("anything.at_all")


def test_duplicate_url_in_a_department_is_a_conflict(world, admin):
    services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url="https://x.example/hook"
    )
    with pytest.raises(Conflict):
        services.webhook_endpoint_create(
            actor=admin, department=world.depts["reg_a"], url="https://x.example/hook"
        )
    # another department may use the same receiving system
    services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_b"], url="https://x.example/hook"
    )


def test_update_changes_and_audits(world, admin):
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url="https://x.example/hook"
    )
    secret = ep.secret
    ep = services.webhook_endpoint_update(
        actor=admin, endpoint=ep, url="https://y.example/h", event_types=["push.*"]
    )
    ep.refresh_from_db()
    assert ep.url == "https://y.example/h" and ep.event_types == ["push.*"]
    assert ep.secret == secret
    audit = AuditEvent.objects.get(action="outbox.webhook.update", object_id=str(ep.pk))
    assert audit.before["url"] == "https://x.example/hook" and audit.after["url"] == ep.url
    with pytest.raises(ValidationFailed):
        services.webhook_endpoint_update(actor=admin, endpoint=ep, url="mailto:x@y")


def test_disable_cancels_pending_and_enable_restores(world, admin):
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url="https://x.example/hook"
    )
    with transaction.atomic():
        ev = services.outbox_emit(
            event_type="org.x",
            jurisdiction_id=world.city.pk,
            payload={},
            department_ids=[world.depts["reg_a"].pk],
        )
    services.webhook_endpoint_disable(actor=admin, endpoint=ep, reason="系统迁移")
    ep.refresh_from_db()
    assert not ep.active and ep.disabled_reason == "系统迁移"
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.CANCELLED and "系统迁移" in d.last_error
    with pytest.raises(Conflict):
        services.webhook_endpoint_disable(actor=admin, endpoint=ep)
    with pytest.raises(Conflict):
        services.webhook_ping(actor=admin, endpoint=ep)
    with pytest.raises(Conflict):  # replaying to a stopped endpoint makes no sense
        services.delivery_replay(actor=admin, delivery=d)
    services.webhook_endpoint_enable(actor=admin, endpoint=ep)
    ep.refresh_from_db()
    assert ep.active and ep.disabled_at is None and ep.disabled_reason == ""
    assert ev.deliveries.get().status == DeliveryStatus.CANCELLED  # stays cancelled
    services.delivery_replay(actor=admin, delivery=d)
    assert ev.deliveries.get().status == DeliveryStatus.PENDING
    with pytest.raises(Conflict):
        services.webhook_endpoint_enable(actor=admin, endpoint=ep)


def test_rotated_secret_signs_with_both_keys_during_the_overlap(
    world, admin, receiver, endpoint_factory, quick_retries
):
    ep = endpoint_factory("/rot")
    old = ep.secret
    ep = services.webhook_endpoint_rotate_secret(actor=admin, endpoint=ep)
    new = ep.secret
    assert new != old and signing.secret_is_valid(new)
    audit = AuditEvent.objects.get(action="outbox.webhook.rotate_secret", object_id=str(ep.pk))
    assert old not in str(audit.after) and new not in str(audit.after)
    ep.refresh_from_db()
    assert ep.signing_secrets() == [new, old]
    body, hdrs = channels.webhook_request(ep, services.webhook_ping(actor=admin, endpoint=ep).event)
    assert len(hdrs["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, hdrs)  # a receiver not yet switched still verifies
    Webhook(new).verify(body, hdrs)
    # after the overlap only the new key signs
    later = timezone.now() + dt.timedelta(hours=25)
    assert ep.signing_secrets(now=later) == [new]
    WebhookEndpoint.objects.filter(pk=ep.pk).update(previous_secret_until=timezone.now())
    ep.refresh_from_db()
    body, hdrs = channels.webhook_request(
        ep, OutboxDelivery.objects.filter(endpoint=ep).first().event, timestamp=int(time.time())
    )
    assert len(hdrs["webhook-signature"].split(" ")) == 1


def test_ping_goes_to_that_endpoint_only(world, admin, receiver, endpoint_factory, quick_retries):
    target = endpoint_factory("/ping-me", event_types=["org.*"])  # not subscribed to webhook.ping
    endpoint_factory("/other", event_types=["*"])
    d = services.webhook_ping(actor=admin, endpoint=target)
    assert d.endpoint_id == target.pk and d.event.event_type == "webhook.ping"
    assert OutboxDelivery.objects.filter(event=d.event).count() == 1
    assert AuditEvent.objects.filter(
        action="outbox.webhook.ping", object_id=str(target.pk)
    ).exists()
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    [call] = receiver.calls_for()
    assert call.path == "/ping-me" and call.verified and call.json()["type"] == "webhook.ping"


def _notify(world, users, title="通知"):
    with transaction.atomic():
        ev = services.outbox_emit(
            event_type="test.notify",
            jurisdiction_id=world.city.pk,
            payload={},
            notify_user_ids=[u.pk for u in users],
            notify={"title": title},
        )
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    return ev


def test_notifications_are_read_by_their_recipient_only(world):
    me, other = world.users["regulator_liaison"], world.users["inspector"]
    _notify(world, [me, other], "甲")
    _notify(world, [me], "乙")
    mine = Notification.objects.filter(user=me).order_by("id")
    first = mine[0]
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=other, notification=first)
    n = services.notification_mark_read(actor=me, notification=first)
    assert n.read_at is not None
    assert (
        AuditEvent.objects.filter(action="outbox.notification.read", object_id=str(n.pk)).count()
        == 1
    )
    services.notification_mark_read(actor=me, notification=first)  # again: no change, no event
    assert (
        AuditEvent.objects.filter(action="outbox.notification.read", object_id=str(n.pk)).count()
        == 1
    )
    assert services.notification_mark_all_read(actor=me) == 1
    assert services.notification_mark_all_read(actor=me) == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
