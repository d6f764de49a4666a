"""Periodic sweeps of the oversight app (定时任务): the monitor every minute, the daily push
roll-up for bulletins, the bulletin drafts after each period; and the deadline sources of
calendar.services (supervision windows recomputed, roll-up days dropped after a change)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.core.deadlines import deadline_kinds

from .fastpaths import FAST_PATHS, claim_queue_process
from .monitor import SWEEP_NAME, Run, default_since, generic_pass, report


def monitor_sweep(
    *, now: dt.datetime | None = None, since: dt.datetime | None = None, kinds=None
) -> dict:
    """Run the monitor over every registered deadline kind (or the given codes); idempotent.
    Returns counts per kind: open deadlines seen, alerts raised and closed."""
    now = now or timezone.now()
    run = Run(now=now, since=since or default_since(now))
    claim_queue_process(run)
    for kind in deadline_kinds():
        if kinds and kind.code not in kinds:
            continue
        fast = FAST_PATHS.get(kind.code)
        with transaction.atomic():
            new, closed = fast(run, kind) if fast else generic_pass(run, kind)
            report(run, kind.code, new, closed)
        run.stats[f"{kind.code}:raised"] += len(new)
        run.stats[f"{kind.code}:closed"] += len(closed)
    return {k: v for k, v in sorted(run.stats.items()) if v}


def register() -> None:
    """Register the sweeps with the worker and the deadline sources with the calendar."""
    from shenguan.calendar.services import register_deadline_source
    from shenguan.outbox.sweeps import register_sweep

    from .figures import rollup_invalidate, rollup_sweep
    from .services.bulletins import bulletins_draft_due
    from .services.supervision import supervision_deadlines_recompute

    register_sweep(SWEEP_NAME, 60, lambda now: monitor_sweep(now=now))
    register_sweep("oversight.push_rollup", 600, lambda now: rollup_sweep(now=now))
    register_sweep("oversight.bulletin_drafts", 900, lambda now: bulletins_draft_due(now=now))
    register_deadline_source("oversight.supervision", supervision_deadlines_recompute)
    register_deadline_source("oversight.rollup", rollup_invalidate)
