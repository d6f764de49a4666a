"""Upload limits (issue 12 item 6): how long the hostile files of the trial take to be refused,
and what the inspection before parsing costs on a legitimate large list.

The files are built for real (tests/core/hostile_xlsx.py): a shared-strings bomb of ~330 KB that
inflates to 314 MB, the 5,020 × 2,000 wide sheet (~520 KB, 150 MB of XML), the same wide sheet
with the size limit lifted (refused by its columns while being inflated), a sheet declaring
entities ("billion laughs"), and the bench's 50,000-row linkage list (inspection alone, then
inspection + reading every row). Target: every refusal well within 2 s.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path


def _time(fn, repeat: int) -> tuple[float, str]:
    best = float("inf")
    outcome = ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            fn()
            outcome = "read"
        except Exception as exc:  # the refusal is the point
            outcome = f"{getattr(exc, 'status', '?')} {getattr(exc, 'code', type(exc).__name__)}"
        best = min(best, time.perf_counter() - t0)
    return best, outcome


def run(quick: bool = False) -> dict:
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from bench.bench_catalog_import import generate
    from shenguan.core import sheets
    from tests.core import hostile_xlsx as H

    files = {
        "shared_strings_bomb_314mb": (H.shared_strings_bomb(314), sheets.DEFAULT_LIMITS),
        "wide_5020x2000": (H.wide_file(5020, 2000), sheets.DEFAULT_LIMITS),
        "wide_5020x2000_size_limit_lifted": (
            H.wide_file(5020, 2000),
            sheets.DEFAULT_LIMITS.but(max_xml_bytes=0),
        ),
        "entity_expansion": (H.with_entities("laughs"), sheets.DEFAULT_LIMITS),
    }
    out: dict = {"refusals": {}}
    for name, (data, limits) in files.items():
        seconds, outcome = _time(
            lambda d=data, lim=limits: list(sheets.iter_rows(io.BytesIO(d), "x.xlsx", limits=lim)),
            3,
        )
        out["refusals"][name] = {
            "file_kb": round(len(data) / 1024),
            "seconds": round(seconds, 4),
            "answer": outcome,
        }
    rows = 10_000 if quick else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.xlsx"
        generate(path, rows)
        data = path.read_bytes()
    inspect, _ = _time(lambda: sheets.inspect_xlsx(io.BytesIO(data)), 3)
    read, _ = _time(lambda: sum(1 for _ in sheets.iter_rows(io.BytesIO(data), "l.xlsx")), 3)
    out["legitimate_list"] = {
        "rows": rows,
        "file_mb": round(len(data) / 2**20, 2),
        "inspect_seconds": round(inspect, 3),
        "inspect_and_read_seconds": round(read, 3),
        "rows_per_second_read": round(rows / read),
    }
    out["target_refusal_seconds"] = 2
    return out
