"""Callbacks on linkage's lifecycle events (linkage.hooks): cheap by design — a claim only
queues its push ids for the monitor (one INSERT per call, ADR 0030)."""

from __future__ import annotations

from .models import ClaimQueue


def on_pushes_claimed(*, push_ids=None, mode: str = "", at=None, **_ignored) -> None:
    """Queue claimed pushes: the monitor records late claims and opens supervision windows."""
    if push_ids:
        ClaimQueue.objects.create(mode=mode or "", at=at, push_ids=[int(i) for i in push_ids])


def on_records_completed(*, pushes=None, at=None, **_ignored) -> None:
    """Approvals claimed on push (推送即认领, 003 三(二)3) open their supervision window too."""
    ids = [p.pk for p in pushes or () if p.claimed_mode == "on_push" and p.kind == "approval"]
    if ids:
        ClaimQueue.objects.create(mode="on_push", at=at, push_ids=ids)
