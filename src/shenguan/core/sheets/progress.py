"""The progress of a running import (导入进度): set by the worker's job runner, read by
`read_rows` (kept apart from jobs.py so that reading needs no models)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

progress_hook: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar(
    "sheet_progress", default=None
)
