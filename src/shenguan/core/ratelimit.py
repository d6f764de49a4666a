"""Fixed-window request counters kept in the database, so that a limit holds across every web
process (gunicorn workers, several hosts) without a cache server (ADR 0015)."""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCounter


def hit(scope: str, *, seconds: int = 60, now: float | None = None) -> tuple[int, int]:
    """Count one request of `scope` in the current window; (count so far, seconds left)."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    left = seconds - int(now % seconds)
    with transaction.atomic():
        if RateCounter.objects.filter(scope=scope, window=window).update(count=F("count") + 1):
            return RateCounter.objects.get(scope=scope, window=window).count, left
        try:
            with transaction.atomic():
                RateCounter.objects.create(scope=scope, window=window, count=1)
        except IntegrityError:  # another process opened the window first
            RateCounter.objects.filter(scope=scope, window=window).update(count=F("count") + 1)
            return RateCounter.objects.get(scope=scope, window=window).count, left
        # the first request of a window clears the subject's finished windows
        RateCounter.objects.filter(scope=scope, window__lt=window).delete()
        return 1, left


def over_public_limit(request, scope: str, *, per_minute: int) -> int | None:
    """Count a request of an unauthenticated public service per client address; the seconds
    to wait when it is over `per_minute` in the current minute, else None."""
    from .middleware import client_ip

    count, left = hit(f"{scope}:{client_ip(request)}")
    return left if count > per_minute else None
