"""The delivery engine against a real HTTP receiver: signatures, retries, backoff, dead letters,
Retry-After, 410, timeouts, replays, notifications, SMS and a channel without a handler."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
import socket

import pytest
from django.db import transaction
from django.utils import timezone

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import ValidationFailed
from shenguan.outbox import channels, delivery, services
from shenguan.outbox.models import (
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    OutboxDelivery,
    OutboxEvent,
    WebhookEndpoint,
)

pytestmark = pytest.mark.django_db


def emit(world, event_type="org.test.happened", payload=None, *, dept_keys=("reg_a",), **kw):
    """Emit one event for city departments, as a service would, in a transaction."""
    with transaction.atomic():
        return services.outbox_emit(
            event_type=event_type,
            jurisdiction_id=world.city.pk,
            payload=payload if payload is not None else {"n": 1, "名称": "测试"},
            department_ids=[world.depts[k].pk for k in dept_keys],
            **kw,
        )


def drain(**kw):
    """Run the worker in-process until nothing is pending (bounded in time)."""
    return delivery.run_worker(worker_id="test-worker", until_empty=True, max_seconds=30, **kw)


def test_webhook_delivered_signed_and_enveloped(world, receiver, endpoint_factory, quick_retries):
    ep = endpoint_factory("/a", event_types=["org.*"])
    ev = emit(world, "org.department.created", {"id": 7, "name": "市场监督管理局"})
    stats = drain()
    assert stats.delivered == 1
    [call] = receiver.calls_for("/a")
    assert call.verified  # checked by the standardwebhooks package in the receiver
    assert call.webhook_id == ev.message_id
    assert call.content_type == "application/json"
    body = call.json()
    assert body["type"] == "org.department.created"
    assert body["data"] == {"id": 7, "name": "市场监督管理局"}
    assert body["timestamp"].endswith("Z")
    d = OutboxDelivery.objects.get(event=ev, endpoint=ep)
    assert d.status == DeliveryStatus.DELIVERED and d.delivered_at is not None
    assert d.leased_by == "" and d.lease_until is None
    [attempt] = d.tries.all()
    assert attempt.ok and attempt.status_code == 200 and attempt.number == 1
    assert attempt.worker == "test-worker"


def test_unsubscribed_and_other_department_endpoints_get_nothing(world, endpoint_factory):
    endpoint_factory("/org", event_types=["org.*"])
    endpoint_factory("/push", event_types=["push.*"])
    endpoint_factory("/other", dept_key="reg_b")
    ev = emit(world, "org.department.updated")
    assert [d.endpoint.url.rsplit("/", 1)[1] for d in ev.deliveries.all()] == ["org"]


def test_retries_until_success_with_the_same_webhook_id(
    world, receiver, endpoint_factory, quick_retries
):
    endpoint_factory("/flaky")
    receiver.respond = lambda path, headers, body, n: ((500 if n < 3 else 204), {}, 0.0)
    ev = emit(world)
    drain()
    calls = receiver.calls_for("/flaky")
    assert [c.status for c in calls] == [500, 500, 204]
    assert {c.webhook_id for c in calls} == {ev.message_id}
    assert all(c.verified for c in calls)
    assert len({c.body for c in calls}) == 1  # the same bytes each time
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DELIVERED and d.attempts == 3
    assert [(a.number, a.ok, a.status_code) for a in d.tries.all()] == [
        (1, False, 500),
        (2, False, 500),
        (3, True, 204),
    ]


def test_dead_letter_after_exactly_max_attempts(world, receiver, endpoint_factory, quick_retries):
    quick_retries.SHENGUAN_WEBHOOK_MAX_ATTEMPTS = 5
    endpoint_factory("/down")
    receiver.respond = lambda *a: (503, {}, 0.0)
    ev = emit(world)
    stats = drain()
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DEAD
    assert d.attempts == 5 and stats.dead == 1
    assert len(receiver.calls_for("/down")) == 5
    assert DeliveryAttempt.objects.filter(delivery=d).count() == 5
    assert d.last_status_code == 503


def test_backoff_grows_exponentially_with_jitter_and_cap(settings):
    settings.SHENGUAN_WEBHOOK_BACKOFF_BASE = 5
    settings.SHENGUAN_WEBHOOK_BACKOFF_FACTOR = 5
    settings.SHENGUAN_WEBHOOK_BACKOFF_CAP = 36000
    rng = random.Random(1)
    for n, raw in [(1, 5), (2, 25), (3, 125), (4, 625), (7, 36000), (500, 36000)]:
        values = [delivery.backoff_seconds(n, rng) for _ in range(200)]
        assert all(raw / 2 <= v <= raw for v in values)
        assert len(set(values)) > 100  # jittered


def test_failed_attempt_schedules_the_next_by_backoff(world, receiver, endpoint_factory, settings):
    settings.SHENGUAN_WEBHOOK_BACKOFF_BASE = 100
    settings.SHENGUAN_WEBHOOK_BACKOFF_FACTOR = 3
    endpoint_factory("/slow-retry")
    receiver.respond = lambda *a: (500, {}, 0.0)
    ev = emit(world)
    before = timezone.now()
    delivery.run_worker(worker_id="w", once=True)
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.PENDING and d.attempts == 1
    wait = (d.next_attempt_at - before).total_seconds()
    assert 50 <= wait <= 101
    # not due yet: another pass sends nothing
    delivery.run_worker(worker_id="w", once=True)
    assert len(receiver.calls_for("/slow-retry")) == 1


def test_429_retry_after_seconds_is_honoured(world, receiver, endpoint_factory, quick_retries):
    endpoint_factory("/limited")
    receiver.respond = lambda *a: (429, {"Retry-After": "120"}, 0.0)
    ev = emit(world)
    before = timezone.now()
    delivery.run_worker(worker_id="w", once=True)
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.PENDING and d.last_status_code == 429
    wait = (d.next_attempt_at - before).total_seconds()
    assert 119 <= wait <= 125  # the receiver's 120 s, not our 0.01 s backoff


def test_429_retry_after_http_date_is_honoured(world, receiver, endpoint_factory, quick_retries):
    endpoint_factory("/limited-date")
    when = timezone.now() + dt.timedelta(minutes=10)
    receiver.respond = lambda *a: (
        429,
        {"Retry-After": email.utils.format_datetime(when, usegmt=True)},
        0.0,
    )
    ev = emit(world)
    delivery.run_worker(worker_id="w", once=True)
    d = ev.deliveries.get()
    assert abs((d.next_attempt_at - when).total_seconds()) <= 2


def test_parse_retry_after():
    now = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    assert channels.parse_retry_after("30", now) == 30
    assert channels.parse_retry_after("Mon, 02 Nov 2026 08:01:00 GMT", now) == 60
    assert channels.parse_retry_after("Mon, 02 Nov 2026 07:00:00 GMT", now) == 0
    assert channels.parse_retry_after("soon", now) is None
    assert channels.parse_retry_after("", now) is None
    assert channels.parse_retry_after("-5", now) is None


def test_410_disables_endpoint_and_cancels_its_pending(
    world, receiver, endpoint_factory, quick_retries
):
    gone = endpoint_factory("/gone")
    other = endpoint_factory("/other", dept_key="reg_b")
    receiver.respond = lambda path, *a: ((410 if path == "/gone" else 200), {}, 0.0)
    first = emit(world, dept_keys=("reg_a", "reg_b"))
    later = emit(world, dept_keys=("reg_a", "reg_b"))
    # the second event's delivery to /gone is not due yet: it must be cancelled, not sent
    OutboxDelivery.objects.filter(event=later, endpoint=gone).update(
        next_attempt_at=timezone.now() + dt.timedelta(hours=1)
    )
    drain()
    gone.refresh_from_db()
    assert not gone.active and gone.disabled_at is not None and "410" in gone.disabled_reason
    assert OutboxDelivery.objects.get(event=first, endpoint=gone).status == DeliveryStatus.CANCELLED
    cancelled = OutboxDelivery.objects.get(event=later, endpoint=gone)
    assert cancelled.status == DeliveryStatus.CANCELLED and cancelled.attempts == 0
    assert len(receiver.calls_for("/gone")) == 1
    assert (
        OutboxDelivery.objects.get(event=later, endpoint=other).status == DeliveryStatus.DELIVERED
    )
    audit = AuditEvent.objects.filter(action="outbox.webhook.disable", object_id=str(gone.pk)).get()
    assert audit.actor_kind == "system" and audit.after["cancelled_deliveries"] == 1
    # a new event no longer fans out to the disabled endpoint
    assert not emit(world).deliveries.filter(endpoint=gone).exists()


def test_timeout_counts_as_failed_attempt(world, receiver, endpoint_factory, quick_retries):
    quick_retries.SHENGUAN_WEBHOOK_TIMEOUT = 0.3
    endpoint_factory("/sleepy")
    receiver.respond = lambda path, h, b, n: (200, {}, (1.0 if n == 1 else 0.0))
    ev = emit(world)
    drain()
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DELIVERED
    first, second = d.tries.all()
    assert not first.ok and first.status_code is None and "超时" in first.error
    assert second.ok


def test_connection_refused_counts_as_failed_attempt(world, admin, quick_retries):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url=f"http://127.0.0.1:{port}/x"
    )
    ev = emit(world)
    drain()
    d = ev.deliveries.get(endpoint=ep)
    assert (
        d.status == DeliveryStatus.DEAD
        and d.attempts == quick_retries.SHENGUAN_WEBHOOK_MAX_ATTEMPTS
    )
    assert all("网络错误" in a.error for a in d.tries.all())


def test_redirect_is_a_failure(world, receiver, endpoint_factory, quick_retries):
    endpoint_factory("/moved")
    receiver.respond = lambda *a: (301, {"Location": "http://127.0.0.1:1/"}, 0.0)
    ev = emit(world)
    drain()
    assert ev.deliveries.get().status == DeliveryStatus.DEAD


def test_replay_of_dead_letter_is_audited_and_delivers(
    world, admin, receiver, endpoint_factory, quick_retries
):
    endpoint_factory("/later")
    receiver.respond = lambda *a: (500, {}, 0.0)
    ev = emit(world)
    drain()
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DEAD
    receiver.respond = lambda *a: (200, {}, 0.0)
    services.delivery_replay(actor=admin, delivery=d)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PENDING and d.attempts == 0
    audit = AuditEvent.objects.get(action="outbox.delivery.replay", object_id=str(d.pk))
    assert audit.actor_id == admin.pk and audit.before["status"] == "dead"
    drain()
    d.refresh_from_db()
    max_attempts = quick_retries.SHENGUAN_WEBHOOK_MAX_ATTEMPTS
    assert d.status == DeliveryStatus.DELIVERED and d.attempts == 1
    assert d.attempts_total == max_attempts + 1
    assert list(d.tries.values_list("number", flat=True)) == list(range(1, max_attempts + 2))
    assert {c.webhook_id for c in receiver.calls_for("/later")} == {ev.message_id}


def test_replay_refused_unless_dead_or_cancelled(world, admin, endpoint_factory):
    from shenguan.core.errors import Conflict

    endpoint_factory("/x")
    d = emit(world).deliveries.get()
    with pytest.raises(Conflict):
        services.delivery_replay(actor=admin, delivery=d)


def test_notify_creates_notifications_once(world, quick_retries):
    users = [world.users["regulator_liaison"], world.county_users["inspector"]]
    ev = emit(
        world,
        "push.created",
        dept_keys=(),
        notify_user_ids=[u.pk for u in users],
        notify={"title": "新的推送待认领", "body": "请在2个工作日内认领", "link": "/linkage/"},
    )
    drain()
    rows = Notification.objects.filter(event=ev).order_by("user_id")
    assert [n.user_id for n in rows] == sorted(u.pk for u in users)
    county = rows.get(user=world.county_users["inspector"])
    assert county.jurisdiction_id == world.county.pk  # the recipient's own jurisdiction
    assert county.title == "新的推送待认领" and county.link == "/linkage/"
    # running the handler again (a crash after sending) adds nothing
    d = ev.deliveries.get()
    assert channels.deliver_notify(d).ok
    assert Notification.objects.filter(event=ev).count() == 2


def test_notify_drops_outside_links(world, quick_retries):
    ev = emit(
        world,
        dept_keys=(),
        notify_user_ids=[world.users["inspector"].pk],
        notify={"title": "t", "link": "https://evil.example/"},
    )
    drain()
    assert Notification.objects.get(event=ev).link == ""


def test_sms_through_configured_gateway(world, settings, quick_retries):
    from tests.outbox import gateways

    settings.SHENGUAN_SMS_GATEWAY = "tests.outbox.gateways.RecordingGateway"
    gateways.SENT.clear()
    ok = emit(world, dept_keys=(), extra=[("sms", {"phone": "13800000001", "text": "请认领"})])
    refused = emit(world, dept_keys=(), extra=[("sms", {"phone": "13800000000", "text": "x"})])
    broken = emit(world, dept_keys=(), extra=[("sms", {"phone": "13800000009", "text": "x"})])
    empty = emit(world, dept_keys=(), extra=[("sms", {"phone": "", "text": "x"})])
    drain()
    sent = list(gateways.SENT)
    assert sent == [{"phone": "13800000001", "text": "请认领", "message_id": ok.message_id}]
    assert ok.deliveries.get().status == DeliveryStatus.DELIVERED
    r = refused.deliveries.get()
    assert r.status == DeliveryStatus.DEAD and "网关拒绝" in r.last_error
    b = broken.deliveries.get()  # a crashing gateway is a failed attempt, not a dead worker
    assert b.status == DeliveryStatus.DEAD and "RuntimeError" in b.last_error
    assert empty.deliveries.get().status == DeliveryStatus.CANCELLED


def test_default_sms_gateway_logs(world, quick_retries, caplog):
    ev = emit(world, dept_keys=(), extra=[("sms", {"phone": "13812345678", "text": "请认领"})])
    with caplog.at_level("INFO", logger="shenguan.outbox"):
        drain()
    assert ev.deliveries.get().status == DeliveryStatus.DELIVERED
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text


def test_channel_without_handler_stays_pending(world, quick_retries):
    # (the credit channel has its handler since the credit app; a channel no app handles)
    ev = emit(world, dept_keys=(), extra=[("archive", {"uscc": "x"})])
    stats = delivery.run_worker(worker_id="w", once=True)
    d = ev.deliveries.get()
    assert stats.unhandled == 1
    assert d.status == DeliveryStatus.PENDING and d.attempts == 0 and d.leased_by == ""
    assert "archive" in d.last_error and "处理器" in d.last_error
    assert d.next_attempt_at > timezone.now() + dt.timedelta(minutes=5)
    assert not d.tries.exists()
    # --until-empty does not wait for a channel nobody handles
    assert not delivery.outstanding()


def test_a_bad_row_does_not_stop_the_worker(
    world, receiver, endpoint_factory, quick_retries, monkeypatch
):
    endpoint_factory("/fine")
    bad = emit(world, {"bad": True})
    good = emit(world, {"bad": False})
    real = channels.deliver_webhook

    def flaky(d):
        if d.event_id == bad.pk:
            raise ValueError("broken row")
        return real(d)

    monkeypatch.setitem(channels._HANDLERS, "webhook", flaky)
    stats = drain()
    assert good.deliveries.get().status == DeliveryStatus.DELIVERED
    b = bad.deliveries.get()
    assert b.status == DeliveryStatus.DEAD and "broken row" in b.last_error
    assert stats.delivered == 1 and stats.dead == 1


def test_stolen_lease_cannot_record(world, endpoint_factory):
    endpoint_factory("/x")
    ev = emit(world)
    token, [row] = delivery.lease_due(worker_id="a", batch=10)
    assert row.status == DeliveryStatus.IN_FLIGHT and row.leased_by == token
    # time passes, the lease expires and worker b takes the row over
    row.lease_until = timezone.now() - dt.timedelta(seconds=1)
    OutboxDelivery.objects.filter(pk=row.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    token_b, [row_b] = delivery.lease_due(worker_id="b", batch=10)
    assert row_b.pk == row.pk and token_b != token
    out = channels.Outcome(ok=True, status_code=200)
    assert delivery.record(row, token, out, worker_id="a", at=timezone.now(), duration_ms=1) is None
    assert not delivery._renew(row, token)
    assert (
        delivery.record(row_b, token_b, out, worker_id="b", at=timezone.now(), duration_ms=1)
        == DeliveryStatus.DELIVERED
    )
    d = ev.deliveries.get()
    assert d.attempts == 1 and [a.worker for a in d.tries.all()] == ["b"]


def test_leased_rows_are_not_leased_twice(world, endpoint_factory):
    endpoint_factory("/x")
    for _ in range(5):
        emit(world)
    _, first = delivery.lease_due(worker_id="a", batch=3)
    _, second = delivery.lease_due(worker_id="b", batch=10)
    _, third = delivery.lease_due(worker_id="c", batch=10)
    assert len(first) == 3 and len(second) == 2 and third == []
    assert not {d.pk for d in first} & {d.pk for d in second}


def test_stopping_worker_gives_back_unprocessed_rows(world, endpoint_factory):
    endpoint_factory("/x")
    emit(world)
    emit(world)
    token, rows = delivery.lease_due(worker_id="a", batch=10)
    assert delivery.release([d.pk for d in rows], token) == 2
    assert set(OutboxDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_lease_outlives_four_http_timeouts(settings):
    settings.SHENGUAN_OUTBOX_LEASE_SECONDS = 30
    settings.SHENGUAN_WEBHOOK_TIMEOUT = 15
    assert delivery.lease_seconds() == 70
    settings.SHENGUAN_OUTBOX_LEASE_SECONDS = 300
    assert delivery.lease_seconds() == 300


def test_envelope_bytes_are_stable_utf8(world):
    ev = emit(world, payload={"名称": "阳谷县", "n": 1})
    b = channels.envelope_bytes(OutboxEvent.objects.get(pk=ev.pk))
    assert b == channels.envelope_bytes(OutboxEvent.objects.get(pk=ev.pk))
    assert "阳谷县".encode() in b and json.loads(b)["data"] == {"名称": "阳谷县", "n": 1}


def test_worker_command_options(world, receiver, endpoint_factory, quick_retries):
    from io import StringIO

    from django.core.management import CommandError, call_command

    endpoint_factory("/cmd")
    for _ in range(3):
        emit(world)
    out = StringIO()
    call_command("worker", "--once", "--batch", "2", "--worker-id", "cmd-1", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["worker_id"] == "cmd-1" and stats["delivered"] == 2 and stats["loops"] == 1
    out = StringIO()
    call_command("worker", "--until-empty", "--max-seconds", "20", stdout=out)
    assert json.loads(out.getvalue())["delivered"] == 1
    assert len(receiver.calls_for()) == 3
    with pytest.raises(CommandError):
        call_command("worker", "--once", "--max-seconds", "0")


# --- network policy ------------------------------------------------------------------------


def test_network_policy_refuses_metadata_and_honours_an_allow_list(settings):
    from shenguan.outbox.network import refused_address

    assert refused_address("http://169.254.169.254/latest/meta-data") == "169.254.169.254"
    assert refused_address("http://[fe80::1]:8080/x") == "fe80::1"
    assert refused_address("http://127.0.0.1:9000/hook") is None
    settings.SHENGUAN_WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert refused_address("http://10.20.30.40/hook") is None
    assert refused_address("http://127.0.0.1:9000/hook") == "127.0.0.1"


def test_an_endpoint_to_a_refused_address_is_not_saved(world, admin):
    before = WebhookEndpoint.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.webhook_endpoint_create(
            actor=admin,
            department=world.depts["reg_a"],
            url="http://169.254.169.254/latest/meta-data",
            event_types=["*"],
        )
    assert err.value.field == "url" and "169.254.169.254" in err.value.message
    assert WebhookEndpoint.objects.count() == before


def test_a_delivery_to_a_refused_address_is_cancelled_unsent(
    world, receiver, endpoint_factory, quick_retries, settings
):
    ep = endpoint_factory("/hook")
    settings.SHENGUAN_WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]  # the receiver is on 127.0.0.1
    ev = emit(world)
    drain()
    d = OutboxDelivery.objects.get(event=ev, endpoint=ep)
    assert d.status == DeliveryStatus.CANCELLED
    assert "127.0.0.1" in d.last_error and receiver.calls_for("/hook") == []
