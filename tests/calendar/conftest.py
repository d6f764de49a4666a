"""Fixtures of the calendar tests: a fast password hasher, the 2027 test files, a deadline maker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
YAML_2027 = DATA / "calendar_2027_test.yaml"
CSV_2027 = DATA / "calendar_2027_test.csv"
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sysadmin(world):
    """The city's system administrator (holds Perm.CALENDAR_MANAGE)."""
    return world.users["system_admin"]


@pytest.fixture
def open_deadline(world):
    """open_deadline(start, budget, **kw) → a Deadline opened through the service."""
    from shenguan.calendar.services import deadline_open

    counter = iter(range(1, 10_000))

    def make(start, budget: int, **kw):
        if isinstance(start, dt.date) and not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(10, 0), tzinfo=SH)
        return deadline_open(
            jurisdiction_id=kw.pop("jurisdiction_id", world.city.pk),
            subject_type=kw.pop("subject_type", "test.subject"),
            subject_id=kw.pop("subject_id", next(counter)),
            purpose=kw.pop("purpose", "test.window"),
            start_at=start,
            budget_days=budget,
            **kw,
        )

    return make
