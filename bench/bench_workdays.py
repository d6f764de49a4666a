"""Working-day arithmetic (工作日计算): add_working_days and working_days_between operations/s.

Inputs: random start dates from 2004-01-01 to 2027-12-31 (2027 has no loaded calendar, so part of
the results are provisional, as in production) and budgets of 0–60 working days; a fixed seed so
runs compare. Each operation is timed in a batch; the best of several rounds is reported, with
the median, so that a busy machine shows as a spread rather than as a slower figure.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from bench.harness import timer

FIRST = dt.date(2004, 1, 1)
LAST = dt.date(2027, 12, 31)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _rounds(fn, args: list, rounds: int) -> dict:
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for a in args:
            fn(*a)
        rates.append(len(args) / (time.perf_counter() - t0))
    return {
        "ops_per_second_best": round(max(rates)),
        "ops_per_second_median": round(statistics.median(rates)),
        "operations": len(args),
        "rounds": rounds,
    }


def run(quick: bool = False) -> dict:
    from shenguan.calendar import workdays

    n = 20_000 if quick else 200_000
    rounds = 3 if quick else 5
    rng = random.Random(20260101)
    span = (LAST - FIRST).days

    workdays.invalidate()
    with timer() as load:
        workdays.calendar()
    load_seconds = load()

    starts = [FIRST + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n)]
    budgets = [rng.randint(0, 60) for _ in range(n)]
    add_args = list(zip(starts, budgets, strict=True))
    moments = [
        dt.datetime.combine(d, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=SHANGHAI)
        for d in starts
    ]
    add_dt_args = list(zip(moments, budgets, strict=True))
    ends = [FIRST + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n)]
    between_args = list(zip(starts, ends, strict=True))

    batch_rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        workdays.add_working_days_many(starts, budgets)
        batch_rates.append(n / (time.perf_counter() - t0))
    from bench import harness

    loop = harness.calibration()["python_loop_mops"] * 1e6
    provisional = sum(workdays.add_working_days(s, b).provisional for s, b in add_args[:10_000])
    return {
        "calendar_load_seconds": round(load_seconds, 4),
        "add_working_days_date": _rounds(workdays.add_working_days, add_args, rounds),
        "add_working_days_datetime": _rounds(workdays.add_working_days, add_dt_args, rounds),
        "working_days_between": _rounds(workdays.working_days_between, between_args, rounds),
        # the sweep's form: one call over a million open deadlines (issue 15 item 5)
        "add_working_days_many": {
            "ops_per_second_best": round(max(batch_rates)),
            "ops_per_second_median": round(statistics.median(batch_rates)),
            "operations": n,
            "rounds": rounds,
        },
        "target_ops_per_second": 1_000_000,
        # operations per pure-Python loop iteration of this machine (calibration): travels
        "ops_per_python_loop_iteration": {
            "add_working_days_date": round(
                _rounds(workdays.add_working_days, add_args, 1)["ops_per_second_best"] / loop, 3
            ),
            "add_working_days_many": round(max(batch_rates) / loop, 3),
        },
        "inputs": {
            "start_range": [str(FIRST), str(LAST)],
            "budget_range": [0, 60],
            "share_provisional": round(provisional / min(n, 10_000), 3),
        },
    }
