"""Bench plumbing: a throw-away database on the configured engine, timers, memory peaks."""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager

_TMP = None


def setup_django() -> None:
    """Configure Django on a fresh bench database (SQLite file in a temp dir, or PostgreSQL
    database `<name>_bench` when SHENGUAN_DATABASE_URL is set), migrated."""
    global _TMP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenguan.settings")
    url = os.environ.get("SHENGUAN_DATABASE_URL")
    if url:
        base, _, name = url.rpartition("/")
        bench_name = f"{name.split('?')[0]}_bench"
        _recreate_pg(url, bench_name)
        os.environ["SHENGUAN_DATABASE_URL"] = f"{base}/{bench_name}"
    else:
        _TMP = tempfile.mkdtemp(prefix="shenguan-bench-")
        os.environ["SHENGUAN_SQLITE_PATH"] = os.path.join(_TMP, "bench.sqlite3")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _recreate_pg(url: str, name: str) -> None:
    import psycopg

    admin = url.rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_label() -> str:
    """Engine and version of the configured database."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT sqlite_version()")
        return f"{connection.vendor} {cur.fetchone()[0]}"


@contextmanager
def timer():
    """Measure wall time: `with timer() as t: …; t()` gives seconds."""
    start = time.perf_counter()
    box = {"end": None}

    def elapsed() -> float:
        return (box["end"] or time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        box["end"] = time.perf_counter()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by nearest rank."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


# --- the machine's limits, measured in the same run (figures travel as ratios to them) ----------

_CALIBRATION: dict | None = None


def calibration(refresh: bool = False) -> dict:
    """What this machine does at its simplest, measured now on the configured database: single-row
    INSERT commits per second (one round trip and one WAL flush each), the round trip of a trivial
    SELECT, and a pure-Python loop. Other figures are printed beside their ratio to these, so that
    runs on different (or differently loaded) machines compare."""
    global _CALIBRATION
    if _CALIBRATION is not None and not refresh:
        return _CALIBRATION
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_calibration")
        cur.execute("CREATE TABLE bench_calibration (id integer PRIMARY KEY, v varchar(20))")
    inserts = _best_rate(lambda n: _insert_commits(connection, n), 300, rounds=3)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_calibration")
    rtt = []
    with connection.cursor() as cur:
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(1000):
                cur.execute("SELECT 1")
                cur.fetchone()
            rtt.append((time.perf_counter() - t0) / 1000)
    loop = _best_rate(_python_loop, 2_000_000, rounds=3)
    _CALIBRATION = {
        "insert_commits_per_s": round(inserts),
        "select_round_trip_us": round(min(rtt) * 1e6, 1),
        "python_loop_mops": round(loop / 1e6, 1),
        "note": "single-row INSERT + COMMIT in autocommit; SELECT 1 through the Django cursor; "
        "a pure-Python `for i in range(n): x += i` (millions of iterations/s); best of 3",
    }
    return _CALIBRATION


def _best_rate(fn, n: int, rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(n)
        best = max(best, n / (time.perf_counter() - t0))
    return best


_next_id = [0]


def _insert_commits(connection, n: int) -> None:
    with connection.cursor() as cur:
        for _ in range(n):
            _next_id[0] += 1
            cur.execute("INSERT INTO bench_calibration (id, v) VALUES (%s, %s)", [_next_id[0], "x"])


def _python_loop(n: int) -> None:
    x = 0
    for i in range(n):
        x += i
