"""Browser tests skip without a browser, but fail when CI requires one (never a silent skip)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.core.conftest import ROOT

TARGET = "tests/browser/test_shell.py::test_the_login_page_renders_with_local_assets"


def _pytest(**env_extra) -> subprocess.CompletedProcess:
    # SQLite in memory: the child never touches the parent's PostgreSQL test databases
    drop = {"SHENGUAN_REQUIRE_BROWSER", "SHENGUAN_DATABASE_URL", "PYTEST_XDIST_WORKER"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra, SHENGUAN_CHROMIUM="/nonexistent/chromium")
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:xdist", "-rs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_missing_browser_skips_locally():
    r = _pytest()
    assert r.returncode == 0, r.stdout[-2000:]
    assert "1 skipped" in r.stdout and "Chromium not found" in r.stdout


def test_a_missing_browser_fails_when_required():
    r = _pytest(SHENGUAN_REQUIRE_BROWSER="1")
    assert r.returncode == 1, r.stdout[-2000:]
    assert "browser required" in r.stdout
