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


_UNSET = object()


class _Browser:
    """The one Playwright and Chromium of the test process, shared by consecutive browser tests.

    Started by the first test that drives a page; stopped after the last of a run of browser
    tests (`stop_unless_needed`, called from tests/conftest.py) and at the end of the session.
    Playwright's sync API allows one instance per thread, however many conftest modules import
    the fixtures below.

    While Playwright runs it marks its event loop as running on this thread, and the test code's
    synchronous ORM calls would trip Django's async-safety check; so DJANGO_ALLOW_ASYNC_UNSAFE is
    set for exactly that time and put back as it was on stop. Left set, it would leak into the
    tests after and into the processes they start (`check --deploy` reports it as async.E001).
    """

    pw = None
    ctx = None
    previous_async_unsafe: object = _UNSET

    @classmethod
    def start(cls, tmp_path_factory):
        if cls.ctx is not None:
            return cls.ctx
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            _unavailable("playwright is not installed")
        exe = chromium_path()
        if exe is None:
            _unavailable("Chromium not found (apt-get install chromium)")
        compile_messages()
        cls._lift_async_check()
        pw = sync_playwright().start()
        try:
            ctx = pw.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-profile")),
                executable_path=exe,
                args=CHROMIUM_ARGS,
                headless=True,
                locale="zh-CN",
                viewport={"width": 1280, "height": 900},
            )
        except Exception as exc:  # a broken browser fails (CI) or skips like a missing one
            pw.stop()
            cls._restore_async_check()
            _unavailable(f"Chromium did not start: {exc}")
        ctx.set_default_timeout(15_000)
        cls.pw, cls.ctx = pw, ctx
        return ctx

    @classmethod
    def stop(cls) -> None:
        if cls.ctx is not None:
            try:
                cls.ctx.close()
                cls.pw.stop()
            finally:
                cls.pw = cls.ctx = None
                cls._restore_async_check()

    @classmethod
    def stop_unless_needed(cls, nextitem) -> None:
        """Stop Chromium unless the next test drives a page too."""
        if nextitem is None or "browser_context" not in getattr(nextitem, "fixturenames", ()):
            cls.stop()

    @classmethod
    def _lift_async_check(cls) -> None:
        cls.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE", _UNSET)
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    @classmethod
    def _restore_async_check(cls) -> None:
        previous, cls.previous_async_unsafe = cls.previous_async_unsafe, _UNSET
        if previous is _UNSET:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


stop_browser_unless_needed = _Browser.stop_unless_needed
stop_browser = _Browser.stop


@pytest.fixture
def browser_context(tmp_path_factory):
    """Chromium (a persistent context on a fresh user-data directory), kept across consecutive
    browser tests."""
    return _Browser.start(tmp_path_factory)


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
