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
    """The Chromium binary: SHENGUAN_CHROMIUM if set (and only it), else /usr/bin/chromium or
    chromium on PATH."""
    override = os.environ.get("SHENGUAN_CHROMIUM")
    candidates = (
        [override]
        if override
        else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    )
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str):
    if os.environ.get("SHENGUAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required (SHENGUAN_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(reason)


class _Browser:
    """One Playwright and one Chromium per test process, however many conftest modules import
    the fixtures below (each import is a separate session fixture; Playwright's sync API allows
    a single instance per thread)."""

    pw = None
    ctx = None
    users = 0
    previous_async_unsafe: str | None = None

    @classmethod
    def acquire(cls, profile_dir):
        if cls.ctx is None:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                _unavailable("playwright is not installed")
            exe = chromium_path()
            if exe is None:
                _unavailable("Chromium not found (apt-get install chromium)")
            compile_messages()
            # Playwright's sync API keeps an event loop on this thread; the test code's ORM
            # calls are still synchronous, so Django's async-safety check is lifted meanwhile.
            cls.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            pw = sync_playwright().start()
            try:
                ctx = pw.chromium.launch_persistent_context(
                    str(profile_dir),
                    executable_path=exe,
                    args=CHROMIUM_ARGS,
                    headless=True,
                    locale="zh-CN",
                    viewport={"width": 1280, "height": 900},
                )
            except Exception as exc:  # a broken browser fails (CI) or skips like a missing one
                pw.stop()
                cls._restore_env()
                _unavailable(f"Chromium did not start: {exc}")
            ctx.set_default_timeout(15_000)
            cls.pw, cls.ctx = pw, ctx
        cls.users += 1
        return cls.ctx

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.ctx is not None:
            cls.ctx.close()
            cls.pw.stop()
            cls.pw = cls.ctx = None
            cls._restore_env()

    @classmethod
    def _restore_env(cls) -> None:
        if cls.previous_async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls.previous_async_unsafe


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """Chromium (a persistent context on a fresh user-data directory) for the session."""
    ctx = _Browser.acquire(tmp_path_factory.mktemp("chromium-profile"))
    yield ctx
    _Browser.release()


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
