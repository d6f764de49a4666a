"""Periodic sweeps: registration, schedule, one worker at a time, errors recorded, idempotent."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from shenguan.core.models import IdempotencyRecord
from shenguan.outbox import delivery, sweeps
from shenguan.outbox.models import SweepState


@pytest.fixture
def counter_sweep():
    calls: list[dt.datetime] = []

    def func(now):
        calls.append(now)
        return {"count": len(calls)}

    sweep = sweeps.register_sweep("test.counter", 60, func)
    yield sweep, calls
    sweeps.unregister_sweep("test.counter")


@pytest.mark.django_db
def test_sweep_runs_when_due_and_records_its_result(counter_sweep):
    sweep, calls = counter_sweep
    t0 = timezone.now()
    res = sweeps.sweep_run(sweep, worker_id="w1", now=t0)
    assert res == {"name": "test.counter", "ok": True, "result": {"count": 1}, "error": ""}
    state = SweepState.objects.get(name="test.counter")
    assert state.last_run_at == t0 and state.last_result == {"count": 1}
    assert state.next_run_at == t0 + dt.timedelta(seconds=60)
    assert state.leased_by == "" and state.lease_until is None
    # not due again before its interval, on any worker
    assert sweeps.sweep_run(sweep, worker_id="w2", now=t0 + dt.timedelta(seconds=59)) is None
    assert sweeps.sweep_run(sweep, worker_id="w2", now=t0 + dt.timedelta(seconds=60)) is not None
    assert len(calls) == 2


@pytest.mark.django_db
def test_sweep_held_by_another_worker_is_skipped_until_its_lease_expires(counter_sweep):
    sweep, calls = counter_sweep
    t0 = timezone.now()
    SweepState.objects.create(
        name="test.counter",
        next_run_at=t0,
        lease_until=t0 + dt.timedelta(seconds=30),
        leased_by="other/1",
    )
    assert sweeps.sweep_run(sweep, worker_id="w1", now=t0) is None
    assert calls == []
    # the other worker died: after its lease, the sweep runs here
    assert sweeps.sweep_run(sweep, worker_id="w1", now=t0 + dt.timedelta(seconds=31))["ok"]
    assert len(calls) == 1


@pytest.mark.django_db
def test_failing_sweep_records_its_error_and_the_worker_goes_on(counter_sweep):
    def broken(now):
        raise RuntimeError("sweep broke")

    sweeps.register_sweep("test.broken", 60, broken)
    try:
        results = sweeps.run_due_sweeps(worker_id="w1")
    finally:
        sweeps.unregister_sweep("test.broken")
    by_name = {r["name"]: r for r in results}
    assert not by_name["test.broken"]["ok"]
    assert by_name["test.counter"]["ok"]
    state = SweepState.objects.get(name="test.broken")
    assert "sweep broke" in state.last_error and state.last_run_at is not None
    assert state.leased_by == ""


@pytest.mark.django_db
def test_worker_loop_runs_due_sweeps(counter_sweep):
    _, calls = counter_sweep
    stats = delivery.run_worker(worker_id="w1", once=True)
    assert "test.counter" in {s["name"] for s in stats.sweeps}
    assert len(calls) == 1


@pytest.mark.django_db
def test_builtin_idempotency_purge_is_registered_and_idempotent():
    assert "core.idempotency_purge" in sweeps.registered_sweeps()
    now = timezone.now()
    for i, age in enumerate((30, 25, 1)):
        IdempotencyRecord.objects.create(
            principal="user:1",
            key=f"k{i}",
            method="POST",
            path="/api/v1/x",
            body_hash="0" * 64,
            created_at=now - dt.timedelta(hours=age),
        )
    sweep = sweeps.registered_sweeps()["core.idempotency_purge"]
    assert sweeps.sweep_run(sweep, worker_id="w1", now=now)["result"] == {"purged": 2}
    assert sweeps.sweep_run(sweep, worker_id="w1", now=now + dt.timedelta(hours=1))["result"] == {
        "purged": 0
    }
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k2"]


def test_register_sweep_validates():
    with pytest.raises(ValueError):
        sweeps.register_sweep("", 60, lambda now: None)
    with pytest.raises(ValueError):
        sweeps.register_sweep("x", 0, lambda now: None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_never_run_the_same_sweep_concurrently():
    """Three threads, each with its own PostgreSQL connection, race for one slow sweep."""
    lock = threading.Lock()
    state = {"active": 0, "max_active": 0, "runs": 0}

    def slow(now):
        with lock:
            state["active"] += 1
            state["runs"] += 1
            state["max_active"] = max(state["max_active"], state["active"])
        time.sleep(0.15)
        with lock:
            state["active"] -= 1
        return {"runs": state["runs"]}

    sweep = sweeps.register_sweep("test.slow", 0.01, slow, lease_seconds=30)
    errors: list[BaseException] = []

    def loop(worker_id):
        try:
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                sweeps.sweep_run(sweep, worker_id=worker_id)
                time.sleep(0.005)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=loop, args=(f"w{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sweeps.unregister_sweep("test.slow")
    assert not errors
    assert state["max_active"] == 1
    assert state["runs"] >= 3  # the sweep did run again and again, one worker at a time
    assert SweepState.objects.get(name="test.slow").leased_by == ""
