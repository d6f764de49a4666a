"""`make bench`: run every bench/bench_*.py against the configured database and print JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description="Shenguan benchmarks (JSON on stdout)")
    parser.add_argument("names", nargs="*", help="run only these benches (e.g. workdays audit)")
    parser.add_argument("--quick", action="store_true", help="smaller data sets (smoke run)")
    args = parser.parse_args()

    from bench import harness

    harness.setup_django()
    here = Path(__file__).resolve().parent
    modules = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )
    if args.names:
        modules = [m for m in modules if m.removeprefix("bench_") in args.names]
    out = {"database": harness.database_label(), "quick": args.quick, "results": {}}
    # the machine's limits in this run: figures are read as ratios to them (issue 15 item 6)
    out["calibration"] = harness.calibration()
    failed = False
    for name in modules:
        mod = importlib.import_module(f"bench.{name}")
        t0 = time.perf_counter()
        try:
            res = mod.run(quick=args.quick)
            res["wall_seconds"] = round(time.perf_counter() - t0, 2)
        except Exception as exc:  # a failing bench is reported, the others still run
            failed = True
            res = {"error": repr(exc), "trace": traceback.format_exc(limit=5)}
        out["results"][name.removeprefix("bench_")] = res
        print(f"bench {name}: done", file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    os.environ.pop("SHENGUAN_BENCH", None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
