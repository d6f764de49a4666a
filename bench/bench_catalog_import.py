"""Linkage-list import (审管联动事项清单导入): rows/s and peak memory for generated xlsx files.

A file in 003's layout (header repeated every 40 rows, every third row with two codes and two
numbered names) of 10,000 and 50,000 rows is generated, then imported for real (validation pass,
spool, bulk inserts in one transaction) into a fresh jurisdiction with 20 regulators; every row
creates its approval item ("items_new"), or the items are already in the catalogue
("items_in_catalogue", the usual order: catalogue first, then the list). Throughput is timed
without tracing; peak memory is measured in a third import of the same file with tracemalloc
(Python heap) and as the growth of the process's peak RSS (VmHWM, reset before each run where
Linux allows it). Target: >= 5,000 rows/s on
PostgreSQL, with memory that does not grow with the file.

On PostgreSQL the importer turns the per-row foreign-key triggers off for its bulk writes when
the database role may (superuser, or `GRANT SET ON PARAMETER session_replication_role`) and
checks the keys set-based instead (core/bulk.py, ADR 0013); "items_new_fk_triggers" imports
the same file with the triggers left on, the figure for a role without that right.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REGULATORS = 20
CODES_PER_REGULATOR = 250
HEADER = ("序号", "行政审批部门", "审批事项", "行业主管部门", "监管事项编码", "监管事项名称")


def _code(k: int) -> str:
    return f"4309{k:06d}W0"


def generate(path: Path, rows: int) -> None:
    """An xlsx in 003's layout with `rows` entries (write-only, streamed)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("清单")
    ws.append(["基准测试审管联动事项清单"])
    ws.append(list(HEADER))
    for i in range(1, rows + 1):
        r = i % REGULATORS
        slot = (i // REGULATORS) % CODES_PER_REGULATOR
        ks = [r + REGULATORS * slot]
        if i % 3 == 0:
            ks.append(r + REGULATORS * ((slot + 1) % CODES_PER_REGULATOR))
        codes = "\n".join(_code(k) for k in ks)
        names = "\n".join(f"{n}、监管事项{k}的监督检查" for n, k in enumerate(ks, start=1))
        ws.append(
            [str(i), "基准区行政审批局", f"基准审批事项{i}", f"基准区监管部门{r:02d}", codes, names]
        )
        if i % 40 == 0 and i < rows:
            ws.append(list(HEADER))
    wb.save(path)


def _setup(code: str):
    from shenguan.org import services as org
    from shenguan.org.roles import DepartmentKind
    from shenguan.policy.models import PolicyProfile

    j = org.jurisdiction_create(
        actor=None,
        code=code,
        name=f"基准区{code}",
        level="county",
        profile=PolicyProfile.objects.get(code="yiyang-2023"),
    )
    org.department_create(
        actor=None, jurisdiction=j, name="基准区行政审批局", kind=DepartmentKind.BUREAU
    )
    for r in range(REGULATORS):
        org.department_create(
            actor=None, jurisdiction=j, name=f"基准区监管部门{r:02d}", kind=DepartmentKind.REGULATOR
        )
    return j


def _precreate_items(j, rows: int) -> None:
    """Scenario "catalogue first": the file's approval items already exist (bulk, not timed)."""
    from django.db import transaction
    from django.utils import timezone

    from shenguan.catalog.importers import _ITEM_FIELDS
    from shenguan.catalog.models import LicensingItem
    from shenguan.core.bulk import allocate_ids, db_datetime, insert_rows
    from shenguan.org.models import Department

    regs = {
        d.name: d.pk
        for d in Department.objects.filter(jurisdiction=j, name__startswith="基准区监管部门")
    }
    now = db_datetime(timezone.now())
    with transaction.atomic():
        ids = allocate_ids(LicensingItem, rows)
        insert_rows(
            LicensingItem,
            _ITEM_FIELDS,
            [
                (
                    pk,
                    j.pk,
                    "",
                    f"基准审批事项{i}",
                    "licensing",
                    regs[f"基准区监管部门{i % REGULATORS:02d}"],
                    None,
                    None,
                    *(False,) * 7,
                    None,
                    "undecided",
                    None,
                    None,
                    True,
                    None,
                    "",
                    now,
                    now,
                )
                for i, pk in enumerate(ids, start=1)
            ],
        )


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _settle() -> None:
    """Start each timed import from a quiet database: flush what earlier runs wrote."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from django.db import DatabaseError, transaction

    with connection.cursor() as cur:
        try:
            with transaction.atomic():
                cur.execute("CHECKPOINT")
        except DatabaseError:  # not a superuser: the next run may pay for the flush
            print("bench catalog_import: CHECKPOINT not allowed", file=sys.stderr)
        cur.execute("ANALYZE")


def _import(j, path: Path, fk_triggers: bool = False) -> tuple[float, object]:
    from shenguan.catalog import importers
    from shenguan.catalog.importers import linkage_write

    skip = linkage_write.skip_fk_triggers
    if fk_triggers:  # as for a role that may not turn the triggers off
        linkage_write.skip_fk_triggers = lambda: False
    try:
        with path.open("rb") as fh:
            t0 = time.perf_counter()
            report = importers.linkage_import(
                actor=None,
                jurisdiction=j,
                source=fh,
                filename=path.name,
                dry_run=False,
                notify=False,
            )
            return time.perf_counter() - t0, report
    finally:
        linkage_write.skip_fk_triggers = skip


def _may_skip_fk_triggers() -> bool:
    from django.db import connection, transaction

    from shenguan.core.bulk import release_reservations, skip_fk_triggers

    if connection.vendor != "postgresql":
        return False
    with transaction.atomic():
        may = skip_fk_triggers()
        transaction.set_rollback(True)
    release_reservations()
    return may


def run(quick: bool = False) -> dict:
    from django.db import connection

    from shenguan.catalog.models import LinkageEntry

    sizes = (2_000, 5_000) if quick else (10_000, 50_000)
    tmp = Path(tempfile.mkdtemp(prefix="sg-bench-catalog-"))
    out: dict = {
        "database": connection.vendor,
        "fk_triggers_skipped": _may_skip_fk_triggers(),
        "runs": {},
    }
    code = 419000
    for n in sizes:
        path = tmp / f"linkage-{n}.xlsx"
        t0 = time.perf_counter()
        generate(path, n)
        gen_s = time.perf_counter() - t0
        run = {
            "rows": n,
            "file_mb": round(path.stat().st_size / 1e6, 2),
            "generate_seconds": round(gen_s, 2),
        }
        scenarios = [("items_new", False, False), ("items_in_catalogue", True, False)]
        if out["fk_triggers_skipped"]:
            scenarios.append(("items_new_fk_triggers", False, True))
        for scenario, precreate, fk_triggers in scenarios:
            code += 1
            j = _setup(str(code))
            if precreate:
                _precreate_items(j, n)
            _settle()
            seconds, report = _import(j, path, fk_triggers)
            assert report.ok and report.records == n, report.problems[:3]
            run[scenario] = {
                "import_seconds": round(seconds, 2),
                "rows_per_second": round(n / seconds),
                "entries_stored": LinkageEntry.objects.filter(jurisdiction=j).count(),
                "created": report.created,
            }
        # a third import of the same file, traced, for the memory peak
        code += 1
        j2 = _setup(str(code))
        rss_reset = _reset_peak_rss()
        rss_before = _peak_rss_mb()
        tracemalloc.start()
        _import(j2, path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _peak_rss_mb()
        run["tracemalloc_peak_mb"] = round(peak / 1e6, 1)
        run["peak_rss_growth_mb"] = (
            round(rss_after - rss_before, 1)
            if rss_reset and rss_after is not None and rss_before is not None
            else None
        )
        run["peak_rss_mb"] = rss_after
        out["runs"][str(n)] = run
        os.unlink(path)
    a, b = (out["runs"][str(s)] for s in sizes)
    out["rows_per_second_large"] = {
        k: b[k]["rows_per_second"]
        for k in ("items_new", "items_in_catalogue", "items_new_fk_triggers")
        if k in b
    }
    out["target_rows_per_second"] = 5000
    out["memory_ratio_large_to_small"] = round(
        b["tracemalloc_peak_mb"] / max(a["tracemalloc_peak_mb"], 0.1), 2
    )
    return out
