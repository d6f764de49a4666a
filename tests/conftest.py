"""Shared fixtures: database set-up for both engines, the calendar cache, and factories."""

from __future__ import annotations

import os

import pytest

from tests import factories


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"shenguan database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres are skipped on SQLite; browser tests need Chromium."""
    from django.db import connection

    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run with SHENGUAN_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a browser test's own teardown, stop Chromium unless the next test drives it too, so
    the browser's lifted async check (DJANGO_ALLOW_ASYNC_UNSAFE) never reaches other tests."""
    try:
        return (yield)
    finally:
        from tests.browser.conftest import stop_browser_unless_needed

        stop_browser_unless_needed(nextitem)


def pytest_sessionfinish(session):
    """A run stopped early (-x, Ctrl+C) still closes Chromium and restores the environment."""
    from tests.browser.conftest import stop_browser

    stop_browser()


def _is_transactional(request) -> bool:
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(scope="session")
def _audit_checkpoint_key(tmp_path_factory):
    """One checkpoint signing key for the session, outside the repository's var/."""
    return tmp_path_factory.mktemp("audit-key") / "audit-checkpoint.key"


@pytest.fixture(autouse=True)
def _audit_checkpoints_outside_the_repository(settings, tmp_path, _audit_checkpoint_key):
    """Checkpoints a worker signs during a test go to the test's own directory (ADR 0022)."""
    settings.SHENGUAN_AUDIT_CHECKPOINT_KEY = str(_audit_checkpoint_key)
    settings.SHENGUAN_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test starts from the calendar table, not a cache left by a rolled-back test."""
    from shenguan.calendar import workdays

    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture(autouse=True)
def _transactional_support(request):
    """For tests that commit: restore reference data, and let the flush after them run.

    A transactional test ends with a flush of every table; the audit table refuses DELETE and
    TRUNCATE by trigger, so the triggers are dropped just before that flush and put back (with
    the calendar and built-in profiles the flush removed) when the next such test starts.
    """
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from shenguan.audit import triggers
    from shenguan.calendar.models import CalendarDay, CalendarYear
    from shenguan.calendar.seed import seed
    from shenguan.policy.models import PolicyProfile, PolicyVersion
    from shenguan.policy.seed import install

    seed(CalendarYear, CalendarDay)
    install(PolicyProfile, PolicyVersion)
    triggers.install(connection)
    yield
    triggers.drop(connection)


@pytest.fixture
def world(db):
    """Two jurisdictions with departments of every kind and a user for every role."""
    return factories.World.build()


@pytest.fixture
def browser_required() -> bool:
    """Whether a missing browser must fail (CI) rather than skip."""
    return os.environ.get("SHENGUAN_REQUIRE_BROWSER") == "1"
