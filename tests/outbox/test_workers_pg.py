"""Done-when test of issue 2 §8: two real worker processes on PostgreSQL, 1,000 deliveries, a
receiver that fails 30% of calls: every row delivered once, never in flight twice at once, dead
letters only after the last attempt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from shenguan.outbox import services
from shenguan.outbox.models import DeliveryAttempt, OutboxDelivery
from tests.outbox.receiver import fail_rate

EVENTS = 500
PATHS = ("/sys-a", "/sys-b")  # two receiving systems: 500 events × 2 endpoints = 1,000 rows
MAX_ATTEMPTS = 15  # 0.3^15 ≈ 1.4e-8: with 1,000 rows a dead letter is not expected


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker_command() -> list[str]:
    exe = Path(sys.executable).with_name("shenguan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shenguan"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_deliver_1000_rows(world, admin, receiver, tmp_path):
    receiver.respond = fail_rate(0.3, seed=20261102)
    for path in PATHS:
        ep = services.webhook_endpoint_create(
            actor=admin,
            department=world.depts["reg_a"],
            url=receiver.url(path),
            event_types=["load.*"],
        )
        receiver.secrets[path] = ep.secret
    with transaction.atomic():
        for i in range(EVENTS):
            services.outbox_emit(
                event_type="load.test",
                jurisdiction_id=world.city.pk,
                payload={"i": i},
                department_ids=[world.depts["reg_a"].pk],
            )
    assert OutboxDelivery.objects.count() == EVENTS * len(PATHS)

    env = {
        **os.environ,
        "SHENGUAN_DATABASE_URL": _database_url(),
        "SHENGUAN_WEBHOOK_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "SHENGUAN_WEBHOOK_BACKOFF_BASE": "0.01",
        "SHENGUAN_WEBHOOK_BACKOFF_FACTOR": "2",
        "SHENGUAN_WEBHOOK_BACKOFF_CAP": "0.2",
        "SHENGUAN_WEBHOOK_TIMEOUT": "5",
        "SHENGUAN_WORKER_IDLE_SLEEP": "0.05",
        "SHENGUAN_LOG": "WARNING",
    }
    procs = []
    for name in ("w1", "w2"):
        out = open(tmp_path / f"{name}.out", "w+")  # noqa: SIM115 - closed below
        err = open(tmp_path / f"{name}.err", "w+")  # noqa: SIM115
        cmd = [
            *_worker_command(),
            "worker",
            "--until-empty",
            "--worker-id",
            name,
            "--batch",
            "10",
            "--max-seconds",
            "150",
        ]
        procs.append((name, subprocess.Popen(cmd, env=env, stdout=out, stderr=err), out, err))
    stats = {}
    for name, proc, out, err in procs:
        code = proc.wait(timeout=200)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        out.close()
        err.close()
        assert code == 0, f"worker {name} exited {code}: {stderr[-3000:]}"
        stats[name] = json.loads(stdout.strip().splitlines()[-1])

    # the database, counted with plain SQL
    with connection.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM outbox_outboxdelivery GROUP BY status")
        by_status = dict(cur.fetchall())
    assert by_status == {"delivered": EVENTS * len(PATHS)}

    # the receiver: each (endpoint, webhook-id) got exactly one 2xx, never two calls at once
    assert receiver.overlaps == []
    calls = receiver.calls_for()
    assert all(c.verified for c in calls)
    ok_per_key: dict[tuple[str, str], int] = defaultdict(int)
    calls_per_key: dict[tuple[str, str], int] = defaultdict(int)
    for c in calls:
        calls_per_key[(c.path, c.webhook_id)] += 1
        if 200 <= c.status < 300:
            ok_per_key[(c.path, c.webhook_id)] += 1
    expected = {
        (path, d.event.message_id)
        for d in OutboxDelivery.objects.select_related("event", "endpoint")
        for path in [d.endpoint.url[d.endpoint.url.index("/", 8) :]]
    }
    assert len(expected) == EVENTS * len(PATHS)
    assert set(ok_per_key) == expected
    assert set(ok_per_key.values()) == {1}
    failures = sum(1 for c in calls if c.status == 500)
    assert failures > 0  # the receiver did fail calls, so retries happened

    # each row's recorded attempts match the calls the receiver saw for it
    for d in OutboxDelivery.objects.select_related("event", "endpoint"):
        key = (d.endpoint.url[d.endpoint.url.index("/", 8) :], d.event.message_id)
        assert d.attempts == calls_per_key[key] <= MAX_ATTEMPTS
    assert DeliveryAttempt.objects.count() == len(calls)
    dead = OutboxDelivery.objects.filter(status="dead")
    assert all(d.attempts == MAX_ATTEMPTS for d in dead)

    # both processes delivered
    assert stats["w1"]["delivered"] > 0 and stats["w2"]["delivered"] > 0
    assert stats["w1"]["delivered"] + stats["w2"]["delivered"] == EVENTS * len(PATHS)
    assert set(DeliveryAttempt.objects.values_list("worker", flat=True)) == {"w1", "w2"}
