"""`make test`: the suite on SQLite, on PostgreSQL when one is configured or answers, then the
browser tests. Any failure, and pytest's "no tests ran" (exit 5), fails the run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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


def _run(label: str, args: list[str], env: dict) -> bool:
    print(f"\n=== {label} ===", flush=True)
    code = subprocess.call(PYTEST + args, cwd=ROOT, env=env)  # noqa: S603
    if code == 5:
        print(f"{label}: no tests ran (pytest exit 5) — counted as a failure", flush=True)
    return code == 0


def main() -> int:
    base = dict(os.environ)
    base.pop("SHENGUAN_DATABASE_URL", None)
    extra = sys.argv[1:]
    results = []
    results.append(("SQLite", _run("tests on SQLite", ["-m", "not browser", "-q", *extra], base)))
    pg_url = os.environ.get("SHENGUAN_DATABASE_URL")
    if not pg_url and os.environ.get("SHENGUAN_SKIP_POSTGRES") != "1" and _pg_answers():
        pg_url = DEFAULT_PG
    if pg_url:
        env = {**base, "SHENGUAN_DATABASE_URL": pg_url}
        results.append(
            ("PostgreSQL", _run("tests on PostgreSQL", ["-m", "not browser", "-q", *extra], env))
        )
    else:
        print("\n=== PostgreSQL not configured and none answers on 127.0.0.1:5432: skipped ===")
    if os.environ.get("SHENGUAN_SKIP_BROWSER") != "1":
        results.append(
            ("browser", _run("browser tests (Chromium)", ["-m", "browser", "-q", *extra], base))
        )
    print("\n=== summary ===")
    for label, ok in results:
        print(f"{label:12s} {'passed' if ok else 'FAILED'}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
