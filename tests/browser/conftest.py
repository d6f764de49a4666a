"""Browser tests: Playwright (Python) driving Debian's /usr/bin/chromium against live_server.

Without Chromium or Playwright these tests are skipped — unless SHENGUAN_REQUIRE_BROWSER=1 (CI),
where a missing browser fails them. `playwright install` cannot download here: the browser is the
system one, given by executable_path (override with SHENGUAN_CHROMIUM).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.core.conftest import compile_messages

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def chromium_path() -> str | None:
    """The Chromium binary: SHENGUAN_CHROMIUM, /usr/bin/chromium, or chromium on PATH."""
    for candidate in (
        os.environ.get("SHENGUAN_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str):
    if os.environ.get("SHENGUAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required (SHENGUAN_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One Chromium with a fresh user-data directory for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    exe = chromium_path()
    if exe is None:
        _unavailable("Chromium not found (apt-get install chromium)")
    compile_messages()
    profile = tmp_path_factory.mktemp("chromium-profile")
    # Playwright's sync API keeps an event loop on this thread; the test code's ORM calls are
    # still synchronous, so Django's async-safety check is lifted for the browser session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=exe,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        )
    except Exception as exc:  # a broken browser install fails (CI) or skips like a missing one
        pw.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        _unavailable(f"Chromium did not start: {exc}")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()
    pw.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser_context, live_server, settings):
    """A fresh tab with no cookies; fails the test on any CSP violation or page error."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    browser_context.clear_cookies()
    pg = browser_context.new_page()
    problems: list[str] = []
    pg.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    pg.close()
    assert problems == [], problems


def login(page, username: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
