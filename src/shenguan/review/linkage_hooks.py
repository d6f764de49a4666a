"""Callbacks and contributions on linkage's extension points (linkage.hooks, ADR 0028)."""

from __future__ import annotations

from .selectors import record_timeline
from .services import certificate_tasks_open, open_requests_guard


def on_record_validate(**kwargs) -> None:
    """A case is not decided while a requested written opinion is outstanding (000 §18)."""
    open_requests_guard(**kwargs)


def timeline(*, user, record, **_ignored) -> list[dict]:
    return record_timeline(user=user, record=record)


def on_records_completed(**kwargs) -> None:
    """Certificates the regulator issues get their task on completion (002 §13)."""
    certificate_tasks_open(**kwargs)
