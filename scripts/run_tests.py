"""`make test`: the suite on SQLite, on PostgreSQL when one is configured or answers, then the
browser tests. Any failure, and pytest's "no tests ran" (exit 5), fails the run.

    python scripts/run_tests.py [pytest args…]

Environment:
  SHENGUAN_DATABASE_URL     PostgreSQL for the second pass (default: postgres://postgres@
                            127.0.0.1:5432/shenguan when something answers on port 5432)
  SHENGUAN_SKIP_POSTGRES=1  leave the PostgreSQL pass out (it is reported as skipped)
  SHENGUAN_SKIP_BROWSER=1   leave the browser pass out (refused when the browser is required)
  SHENGUAN_REQUIRE_BROWSER=1  a missing Chromium or Playwright fails instead of skipping (CI)
  SHENGUAN_TEST_WORKERS     pytest-xdist processes for the SQLite and PostgreSQL passes
                            (default: the number of CPUs, at most 4; 1 = no xdist)
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest"]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/shenguan"


def _pg_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _workers() -> int:
    raw = os.environ.get("SHENGUAN_TEST_WORKERS", "")
    if raw.strip():
        return max(1, int(raw))
    return max(1, min(4, os.cpu_count() or 1))


def _parallel_args() -> list[str]:
    n = _workers()
    if n <= 1 or importlib.util.find_spec("xdist") is None:
        return ["-p", "no:xdist"] if importlib.util.find_spec("xdist") else []
    # `load` hands tests out in collection order, and each worker runs what it gets in that
    # order, so pytest-django's ordering holds on every worker: database tests first, then the
    # transactional ones, whose flush empties the reference tables (calendar, built-in policy
    # profiles) that later non-transactional tests rely on. (`loadfile` breaks this ordering.)
    return ["-n", str(n), "--dist", "load"]


def _run(label: str, args: list[str], env: dict) -> tuple[str, bool, float]:
    print(f"\n=== {label} ===", flush=True)
    t0 = time.monotonic()
    code = subprocess.call(PYTEST + args, cwd=ROOT, env=env)  # noqa: S603
    elapsed = time.monotonic() - t0
    if code == 5:
        print(f"{label}: no tests ran (pytest exit 5) — counted as a failure", flush=True)
    elif code != 0:
        print(f"{label}: pytest exit {code}", flush=True)
    return label, code == 0, elapsed


def main() -> int:
    extra = sys.argv[1:]
    base = dict(os.environ)
    pg_url = base.pop("SHENGUAN_DATABASE_URL", None)
    require_browser = base.get("SHENGUAN_REQUIRE_BROWSER") == "1"
    results: list[tuple[str, bool | None, float]] = []

    par = _parallel_args()
    results.append(_run("SQLite", ["-m", "not browser", "-q", *par, *extra], base))

    if base.get("SHENGUAN_SKIP_POSTGRES") == "1":
        results.append(("PostgreSQL", None, 0.0))
    else:
        if not pg_url and _pg_answers():
            pg_url = DEFAULT_PG
        if pg_url:
            env = {**base, "SHENGUAN_DATABASE_URL": pg_url}
            results.append(_run("PostgreSQL", ["-m", "not browser", "-q", *par, *extra], env))
        else:
            print("\n=== PostgreSQL: not configured and none answers on 127.0.0.1:5432 ===")
            results.append(("PostgreSQL", None, 0.0))

    if base.get("SHENGUAN_SKIP_BROWSER") == "1" and not require_browser:
        results.append(("browser", None, 0.0))
    else:
        # one process: a single Chromium and a single live server
        results.append(_run("browser", ["-m", "browser", "-q", "-p", "no:xdist", *extra], base))

    print("\n=== summary ===")
    for label, ok, seconds in results:
        state = "skipped" if ok is None else ("passed" if ok else "FAILED")
        print(f"{label:12s} {state:8s} {seconds:7.1f} s")
    failed = any(ok is False for _, ok, _ in results)
    if require_browser and any(label == "browser" and ok is None for label, ok, _ in results):
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
