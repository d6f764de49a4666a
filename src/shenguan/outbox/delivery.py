"""The delivery engine (投递引擎) behind `shenguan worker` (ADR 0005).

One loop: run due sweeps; lease a batch of due deliveries in a short transaction (`SELECT … FOR
UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers), also taking back in-flight rows whose
lease expired; deliver each one OUTSIDE any transaction; record the attempt and the outcome guarded
by the lease token, so a worker whose lease was taken over cannot record twice.

Before each delivery the lease is checked and, when less than four HTTP timeouts are left, renewed
(guarded by the token), so a row late in a batch is never delivered on an expired lease while
another worker delivers it too.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import random
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from .channels import Outcome, channel_handler, handled_channels
from .models import DeliveryAttempt, DeliveryStatus, OutboxDelivery

log = logging.getLogger("shenguan.outbox.worker")

_rng = random.SystemRandom()


def default_worker_id() -> str:
    """host:pid, the worker's name in leases and attempts."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def lease_seconds() -> float:
    """How long a lease lasts: the setting, but never less than four HTTP timeouts plus 10 s."""
    timeout = float(settings.SHENGUAN_WEBHOOK_TIMEOUT)
    return max(float(settings.SHENGUAN_OUTBOX_LEASE_SECONDS), math.ceil(4 * timeout) + 10)


def backoff_seconds(failures: int, rng: random.Random | None = None) -> float:
    """Delay after the n-th failed attempt: min(cap, base·factor^(n-1)), jittered into [½, 1]×."""
    base = float(settings.SHENGUAN_WEBHOOK_BACKOFF_BASE)
    factor = float(settings.SHENGUAN_WEBHOOK_BACKOFF_FACTOR)
    cap = float(settings.SHENGUAN_WEBHOOK_BACKOFF_CAP)
    exponent = min(max(failures - 1, 0), 64)
    raw = min(cap, base * factor**exponent)
    r = rng or _rng
    return raw / 2 + r.uniform(0, raw / 2)


def _token(worker_id: str) -> str:
    return f"{worker_id[:48]}/{secrets.token_hex(4)}"


def lease_due(*, worker_id: str, batch: int, now: dt.datetime | None = None):
    """Lease up to `batch` due deliveries: returns (lease token, rows with their events)."""
    now = now or timezone.now()
    token = _token(worker_id)
    until = now + dt.timedelta(seconds=lease_seconds())
    due = OutboxDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.IN_FLIGHT, lease_until__lt=now)
    )
    if not due.exists():  # an idle loop reads only: no write lock on SQLite, no WAL on PostgreSQL
        return token, []
    with transaction.atomic():
        qs = OutboxDelivery.objects.all()
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(
            qs.filter(status=DeliveryStatus.IN_FLIGHT, lease_until__lt=now)
            .order_by("lease_until", "id")
            .values_list("pk", flat=True)[:batch]
        )
        if len(ids) < batch:
            ids += list(
                qs.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[: batch - len(ids)]
            )
        if ids:
            OutboxDelivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.IN_FLIGHT, lease_until=until, leased_by=token
            )
    if not ids:
        return token, []
    rows = list(
        OutboxDelivery.objects.filter(pk__in=ids, leased_by=token)
        .select_related("event")
        .order_by("next_attempt_at", "id")
    )
    return token, rows


def _renew(delivery: OutboxDelivery, token: str) -> bool:
    """Make sure our lease outlasts the delivery about to start; False if the row was taken.

    No other worker can take a row before its lease ends, so while the lease we wrote has more
    than four HTTP timeouts left nothing is written; otherwise it is extended, guarded by the token.
    """
    now = timezone.now()
    needed = dt.timedelta(seconds=math.ceil(4 * float(settings.SHENGUAN_WEBHOOK_TIMEOUT)) + 5)
    if delivery.lease_until is not None and delivery.lease_until - now > needed:
        return True
    until = now + dt.timedelta(seconds=lease_seconds())
    renewed = OutboxDelivery.objects.filter(
        pk=delivery.pk, leased_by=token, status=DeliveryStatus.IN_FLIGHT
    ).update(lease_until=until)
    if renewed:
        delivery.lease_until = until
    return bool(renewed)


def release(ids, token: str) -> int:
    """Give leased rows back untouched (a worker stopping before it reached them)."""
    return OutboxDelivery.objects.filter(
        pk__in=list(ids), leased_by=token, status=DeliveryStatus.IN_FLIGHT
    ).update(status=DeliveryStatus.PENDING, lease_until=None, leased_by="")


def _next_state(delivery: OutboxDelivery, outcome: Outcome, now: dt.datetime) -> dict:
    """The columns to write after an attempt: delivered, cancelled, dead or pending again."""
    failures = delivery.attempts + 1
    fields: dict = {
        "lease_until": None,
        "leased_by": "",
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500],
    }
    if not outcome.cancel:
        fields["attempts"] = failures
        fields["attempts_total"] = delivery.attempts_total + 1
    if outcome.ok:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, last_error="")
    elif outcome.cancel or outcome.gone:
        fields["status"] = DeliveryStatus.CANCELLED
    elif failures >= int(settings.SHENGUAN_WEBHOOK_MAX_ATTEMPTS):
        fields["status"] = DeliveryStatus.DEAD
    else:
        if outcome.retry_after is not None:
            cap = float(settings.SHENGUAN_WEBHOOK_RETRY_AFTER_MAX)
            wait = min(max(outcome.retry_after, 0.0), cap)
        else:
            wait = backoff_seconds(failures)
        fields["status"] = DeliveryStatus.PENDING
        fields["next_attempt_at"] = now + dt.timedelta(seconds=wait)
    return fields


def record(
    delivery: OutboxDelivery,
    token: str,
    outcome: Outcome,
    *,
    worker_id: str,
    at: dt.datetime,
    duration_ms: int,
) -> str | None:
    """Write the outcome and the attempt under the lease; returns the new status, None if lost."""
    now = timezone.now()
    fields = _next_state(delivery, outcome, now)
    with transaction.atomic():
        updated = OutboxDelivery.objects.filter(
            pk=delivery.pk, leased_by=token, status=DeliveryStatus.IN_FLIGHT
        ).update(**fields)
        if not updated:
            log.warning(
                "delivery %s: lease %s was taken over; outcome not recorded", delivery.pk, token
            )
            return None
        if not outcome.cancel:
            DeliveryAttempt.objects.create(
                delivery_id=delivery.pk,
                number=fields["attempts_total"],
                at=at,
                duration_ms=max(0, duration_ms),
                status_code=outcome.status_code,
                ok=outcome.ok,
                error=outcome.error[:500],
                response_excerpt=outcome.response_excerpt[:500],
                worker=worker_id[:64],
            )
    if outcome.gone and delivery.endpoint_id:
        from .models import WebhookEndpoint
        from .services import webhook_endpoint_disable

        endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, active=True).first()
        if endpoint is not None:
            webhook_endpoint_disable(actor=None, endpoint=endpoint, reason="接收方返回 410 Gone")
    return fields["status"]


def _park_unhandled(delivery: OutboxDelivery, token: str) -> None:
    """A channel without a handler: back to pending, with a clear error, looked at again later."""
    wait = dt.timedelta(seconds=settings.SHENGUAN_OUTBOX_UNHANDLED_RETRY_SECONDS)
    OutboxDelivery.objects.filter(pk=delivery.pk, leased_by=token).update(
        status=DeliveryStatus.PENDING,
        lease_until=None,
        leased_by="",
        next_attempt_at=timezone.now() + wait,
        last_error=f"渠道“{delivery.channel}”尚无投递处理器（由后续功能注册），暂缓投递",
    )


def process(delivery: OutboxDelivery, token: str, *, worker_id: str) -> str | None:
    """Deliver one leased row and record what happened; returns the new status."""
    handler = channel_handler(delivery.channel)
    if handler is None:
        _park_unhandled(delivery, token)
        return "unhandled"
    if not _renew(delivery, token):
        log.warning("delivery %s: lease lost before delivery", delivery.pk)
        return None
    at = timezone.now()
    started = time.monotonic()
    try:
        outcome = handler(delivery)
    except Exception as exc:  # a broken row or handler is a failed attempt, not a dead worker
        log.exception("delivery %s: handler for %s raised", delivery.pk, delivery.channel)
        outcome = Outcome(ok=False, error=f"处理异常：{type(exc).__name__}: {exc}"[:500])
    duration_ms = int((time.monotonic() - started) * 1000)
    return record(delivery, token, outcome, worker_id=worker_id, at=at, duration_ms=duration_ms)


def outstanding() -> bool:
    """Whether any delivery of a handled channel is still pending or in flight."""
    return OutboxDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.IN_FLIGHT],
        channel__in=handled_channels(),
    ).exists()


def _idle_seconds(limit: float) -> float:
    """How long to sleep: until the next pending row or expiring lease, at most `limit`."""
    agg = OutboxDelivery.objects.filter(
        status=DeliveryStatus.PENDING, channel__in=handled_channels()
    ).aggregate(due=Min("next_attempt_at"))
    lease = OutboxDelivery.objects.filter(status=DeliveryStatus.IN_FLIGHT).aggregate(
        due=Min("lease_until")
    )
    now = timezone.now()
    waits = [limit]
    for when in (agg["due"], lease["due"]):
        if when is not None:
            waits.append(max((when - now).total_seconds(), 0.0))
    return max(min(waits), 0.01)


@dataclass
class WorkerStats:
    """What one worker run did."""

    worker_id: str
    loops: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    unhandled: int = 0
    lost: int = 0
    errors: int = 0
    sweeps: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "sweeps"} | {
            "sweeps_run": len(self.sweeps)
        }


_COUNTERS = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.PENDING: "retried",
    DeliveryStatus.DEAD: "dead",
    DeliveryStatus.CANCELLED: "cancelled",
    "unhandled": "unhandled",
    None: "lost",
}


def run_worker(
    *,
    worker_id: str | None = None,
    once: bool = False,
    until_empty: bool = False,
    batch: int | None = None,
    max_seconds: float | None = None,
    stop: threading.Event | None = None,
    sweeps: bool = True,
) -> WorkerStats:
    """The worker loop: sweeps, lease, deliver, record; until stopped, out of time or drained.

    once: one pass (sweeps and one batch). until_empty: stop when no delivery of a handled
    channel is pending or in flight (waiting for retries that are due later).
    """
    from .sweeps import run_due_sweeps

    worker_id = (worker_id or default_worker_id())[:64]
    batch = max(1, int(batch or settings.SHENGUAN_OUTBOX_BATCH))
    stop = stop or threading.Event()
    started = time.monotonic()
    stats = WorkerStats(worker_id=worker_id)

    def out_of_time() -> bool:
        return max_seconds is not None and time.monotonic() - started >= max_seconds

    while not stop.is_set():
        stats.loops += 1
        if not connection.in_atomic_block:  # (tests run the loop inside their transaction)
            close_old_connections()
        rows: list[OutboxDelivery] = []
        try:
            if sweeps:
                stats.sweeps += run_due_sweeps(worker_id=worker_id)
            token, rows = lease_due(worker_id=worker_id, batch=batch)
            for i, delivery in enumerate(rows):
                if stop.is_set() or out_of_time():
                    release([d.pk for d in rows[i:]], token)
                    break
                try:
                    status = process(delivery, token, worker_id=worker_id)
                except Exception:  # database trouble on one row: log it and go on
                    log.exception("delivery %s: could not be processed", delivery.pk)
                    stats.errors += 1
                    continue
                key = _COUNTERS.get(status)
                if key:
                    setattr(stats, key, getattr(stats, key) + 1)
        except DatabaseError:
            log.exception("worker %s: database error; retrying", worker_id)
            stats.errors += 1
            if not connection.in_atomic_block:
                connection.close()
            stop.wait(float(settings.SHENGUAN_WORKER_IDLE_SLEEP))
        if once or out_of_time():
            break
        if not rows:
            try:
                if until_empty and not outstanding():
                    break
                wait = _idle_seconds(float(settings.SHENGUAN_WORKER_IDLE_SLEEP))
            except DatabaseError:
                if not connection.in_atomic_block:
                    connection.close()
                wait = float(settings.SHENGUAN_WORKER_IDLE_SLEEP)
            if max_seconds is not None:
                wait = min(wait, max(0.0, max_seconds - (time.monotonic() - started)))
            stop.wait(wait)
    return stats
