"""Audit chain appends (审计事件写入): events/s through audit_record on the configured database.

Two modes: each event in its own transaction (what a service does: one change, one event, one
commit), and batches of events in one transaction (an import writing many rows). Every append
takes the chain lock and reads the head, so this is the ceiling of audited writes per second for
the whole deployment. The chain is verified at the end (its cost is reported too).
"""

from __future__ import annotations

import time

from bench.harness import percentile, timer


def run(quick: bool = False) -> dict:
    from django.db import connection, transaction

    from shenguan.audit.models import AuditEvent
    from shenguan.audit.selectors import audit_verify
    from shenguan.audit.services import audit_record

    single = 300 if quick else 3_000
    batches, batch_size = (5, 100) if quick else (20, 250)
    start_count = AuditEvent.objects.count()

    # warm up (connection, statement caches)
    for i in range(20):
        with transaction.atomic():
            audit_record(actor=None, action="bench.warmup", obj=("bench", i))

    latencies = []
    t_all = time.perf_counter()
    for i in range(single):
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=None,
                action="bench.single",
                obj=("bench", i),
                after={"i": i, "note": "一次事务一条"},
            )
        latencies.append(time.perf_counter() - t0)
    single_seconds = time.perf_counter() - t_all

    t_all = time.perf_counter()
    for b in range(batches):
        with transaction.atomic():
            for i in range(batch_size):
                audit_record(
                    actor=None,
                    action="bench.batch",
                    obj=("bench", b * batch_size + i),
                    after={"i": i},
                )
    batch_seconds = time.perf_counter() - t_all

    total = AuditEvent.objects.count() - start_count
    with timer() as vt:
        result = audit_verify()
    ms = [x * 1000 for x in latencies]
    return {
        "engine": connection.vendor,
        "own_transaction": {
            "events": single,
            "events_per_second": round(single / single_seconds),
            "latency_ms_p50": round(percentile(ms, 50), 3),
            "latency_ms_p99": round(percentile(ms, 99), 3),
        },
        "batched": {
            "batches": batches,
            "batch_size": batch_size,
            "events_per_second": round(batches * batch_size / batch_seconds),
        },
        "events_written": total,
        "verify": {
            "ok": result.ok,
            "events_checked": result.checked,
            "events_per_second": round(result.checked / max(vt(), 1e-9)),
            "seconds": round(vt(), 3),
        },
    }
