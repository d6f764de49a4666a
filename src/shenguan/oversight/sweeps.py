"""Periodic sweeps of the oversight app (定时任务): the monitor every minute, the push
roll-up for bulletins, the bulletin drafts after each period, and the recompute of supervision
windows after a calendar change (a deadline source of calendar.services)."""

from __future__ import annotations

from .monitor import SWEEP_NAME, monitor_sweep


def register() -> None:
    """Register the sweeps with the worker."""
    from shenguan.outbox.sweeps import register_sweep

    register_sweep(SWEEP_NAME, 60, lambda now: monitor_sweep(now=now))
