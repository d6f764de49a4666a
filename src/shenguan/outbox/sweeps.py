"""Periodic sweeps (定时任务) run by the worker, one worker at a time per sweep.

An app registers a sweep from its AppConfig.ready():

    from shenguan.outbox.sweeps import register_sweep

    def claim_overdue(now):           # idempotent: running it twice changes nothing more
        n = push_auto_claim_due(now=now)
        return {"claimed": n}         # JSON-able result, kept as SweepState.last_result

    register_sweep("linkage.push_auto_claim", 300, claim_overdue)

Every worker loop looks for due sweeps. A due sweep is leased in a short transaction (a row of
`SweepState`, `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL), run outside it, and its result or
error recorded under the lease; the next run is `interval_seconds` after the start of this one.
A sweep must finish within its lease (`lease_seconds`, default 10 minutes) and must be idempotent:
a worker that dies mid-sweep leaves the lease to expire and another worker runs it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.core.serialize import to_jsonable

from .models import SweepState

log = logging.getLogger("shenguan.outbox.sweeps")

DEFAULT_LEASE_SECONDS = 600


@dataclass(frozen=True)
class Sweep:
    """A registered periodic sweep: its name, how often it runs, what it runs."""

    name: str
    interval_seconds: float
    func: Callable[[dt.datetime], object]
    lease_seconds: float = DEFAULT_LEASE_SECONDS


_SWEEPS: dict[str, Sweep] = {}


def register_sweep(
    name: str,
    interval_seconds: float,
    func: Callable[[dt.datetime], object],
    *,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> Sweep:
    """Register (or replace) a sweep: `func(now)` runs every `interval_seconds` on one worker."""
    if not name or len(name) > 64:
        raise ValueError("sweep name must be 1–64 characters")
    if interval_seconds <= 0 or lease_seconds <= 0:
        raise ValueError("interval and lease must be positive")
    sweep = Sweep(name, float(interval_seconds), func, float(lease_seconds))
    _SWEEPS[name] = sweep
    return sweep


def unregister_sweep(name: str) -> None:
    """Remove a sweep (tests)."""
    _SWEEPS.pop(name, None)


def registered_sweeps() -> dict[str, Sweep]:
    """The registered sweeps by name."""
    return dict(_SWEEPS)


def _lease(name: str, token: str, now: dt.datetime, lease_seconds: float) -> bool:
    """Take the lease of a due sweep; False if it is not due or another worker holds it."""
    with transaction.atomic():
        qs = SweepState.objects.filter(name=name, next_run_at__lte=now).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        pk = qs.values_list("pk", flat=True).first()
        if pk is None:
            return False
        SweepState.objects.filter(pk=pk).update(
            lease_until=now + dt.timedelta(seconds=lease_seconds), leased_by=token
        )
    return True


def sweep_run(sweep: Sweep, *, worker_id: str, now: dt.datetime | None = None) -> dict | None:
    """Run one sweep if it is due and free; returns {name, ok, result|error} or None if skipped."""
    now = now or timezone.now()
    due = (
        SweepState.objects.filter(name=sweep.name).values_list("next_run_at", "lease_until").first()
    )
    if due is None:
        SweepState.objects.bulk_create(
            [SweepState(name=sweep.name, next_run_at=now)], ignore_conflicts=True
        )
    elif due[0] > now or (due[1] is not None and due[1] >= now):
        return None  # not due, or running elsewhere: decided by a read, without a write lock
    token = f"{worker_id[:48]}/{secrets.token_hex(4)}"
    if not _lease(sweep.name, token, now, sweep.lease_seconds):
        return None
    result, error = None, ""
    try:
        result = to_jsonable(sweep.func(now))
    except Exception as exc:  # a failing sweep is recorded, the worker goes on
        log.exception("sweep %s failed", sweep.name)
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    done = SweepState.objects.filter(name=sweep.name, leased_by=token).update(
        last_run_at=now,
        last_result=result,
        last_error=error,
        next_run_at=now + dt.timedelta(seconds=sweep.interval_seconds),
        lease_until=None,
        leased_by="",
    )
    if not done:
        log.warning("sweep %s outlived its lease; its result was not recorded", sweep.name)
    return {"name": sweep.name, "ok": not error, "result": result, "error": error}


def run_due_sweeps(*, worker_id: str, now: dt.datetime | None = None) -> list[dict]:
    """Run every registered sweep that is due and not held by another worker."""
    out = []
    for sweep in list(_SWEEPS.values()):
        try:
            res = sweep_run(sweep, worker_id=worker_id, now=now)
        except Exception:  # database trouble: log and let the next loop try again
            log.exception("could not run sweep %s", sweep.name)
            continue
        if res is not None:
            out.append(res)
    return out


def purge_idempotency_records(now: dt.datetime) -> dict:
    """Built-in sweep: delete stored Idempotency-Key responses past their 24 hours."""
    from shenguan.core.idempotency import idempotency_purge

    return {"purged": idempotency_purge()}


def run_import_jobs(now: dt.datetime) -> dict:
    """Built-in sweep: run the spreadsheet imports queued for the worker (core.sheets.jobs)."""
    from shenguan.core.sheets.jobs import import_jobs_run_due

    return import_jobs_run_due(now)


def register_builtin_sweeps() -> None:
    """Sweeps the outbox app itself provides."""
    register_sweep("core.idempotency_purge", 3600, purge_idempotency_records)
    register_sweep("core.import_jobs", 2, run_import_jobs, lease_seconds=1800)
