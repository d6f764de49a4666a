"""Fixtures of the policy tests: a fast password hasher and a registered test purpose."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def purpose(monkeypatch):
    """A deadline purpose 'test.claim' budgeted by claim_window_days, for this test only."""
    from shenguan.policy import services

    monkeypatch.setitem(services._PURPOSE_PARAMS, "test.claim", "claim_window_days")
    return "test.claim"


@pytest.fixture
def sysadmin(world):
    return world.users["system_admin"]


@pytest.fixture
def custom(world, sysadmin):
    """A clone of liaocheng-2021 put on the city."""
    from shenguan.policy.models import PolicyProfile
    from shenguan.policy.services import policy_assign, policy_clone

    prof = policy_clone(
        actor=sysadmin,
        source=PolicyProfile.objects.get(code="liaocheng-2021"),
        code="liaocheng-city",
        name="聊城市本级",
    )
    policy_assign(actor=sysadmin, jurisdiction=world.city, profile=prof)
    world.city.refresh_from_db()
    return prof
