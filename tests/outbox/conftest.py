"""Fixtures of the outbox tests: a live webhook receiver, quick retries, an endpoint."""

from __future__ import annotations

import pytest

from shenguan.outbox import services
from tests.outbox.receiver import Receiver


@pytest.fixture
def receiver():
    """A real HTTP receiver in a thread (stopped after the test)."""
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def quick_retries(settings):
    """Retries due at once, few attempts, a short timeout: a test runs in seconds."""
    settings.SHENGUAN_WEBHOOK_BACKOFF_BASE = 0.001
    settings.SHENGUAN_WEBHOOK_BACKOFF_FACTOR = 2
    settings.SHENGUAN_WEBHOOK_BACKOFF_CAP = 0.01
    settings.SHENGUAN_WEBHOOK_MAX_ATTEMPTS = 4
    settings.SHENGUAN_WEBHOOK_TIMEOUT = 2.0
    settings.SHENGUAN_WORKER_IDLE_SLEEP = 0.01
    return settings


@pytest.fixture
def admin(world):
    """The city's system administrator (系统管理员)."""
    return world.users["system_admin"]


@pytest.fixture
def endpoint_factory(world, admin, receiver):
    """Create an endpoint of a city department pointing at the receiver (its secret registered)."""

    def make(path: str = "/hook", *, dept_key: str = "reg_a", event_types=("*",), county=False):
        dept = (world.county_depts if county else world.depts)[dept_key]
        ep = services.webhook_endpoint_create(
            actor=admin, department=dept, url=receiver.url(path), event_types=list(event_types)
        )
        receiver.secrets[path] = ep.secret
        return ep

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The `world` accounts are hashed with MD5 here: these tests are about delivery, not login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
