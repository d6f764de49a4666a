"""Demo data of the oversight app (filled in below)."""

from __future__ import annotations


def load() -> str | None:
    """Idempotent demo step."""
    return None
