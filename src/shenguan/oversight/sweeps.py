"""Periodic sweeps of the oversight app (定时任务): the monitor every minute, the daily push
roll-up for bulletins, the bulletin drafts after each period; and the deadline sources of
calendar.services (supervision windows recomputed, roll-up days dropped after a change)."""

from __future__ import annotations

from .monitor import SWEEP_NAME, monitor_sweep


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
