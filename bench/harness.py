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
