"""The interactive path (issue 15): one approval's lifecycle, one transaction per step, through the
code the API handlers run — an approval registered, completed and pushed (POST /records with
complete), the regulator's claim (POST /pushes/{id}/claim), the regulator's feedback
(POST /feedback), the bureau's claim of it — with 1 and 2 processes. Prints lifecycles/s,
database round trips per step (statements plus BEGIN and COMMIT), and, on PostgreSQL when the
peer (../shared/bench/peer, SpiffWorkflow persisted to PostgreSQL) and its environment are
present, the peer's rate measured before and after ours in the same run, and the ratio.

Each handler is called as the API calls it (the request's authenticated actor, the validated
input schema); what the HTTP layer adds (authentication, JSON rendering) is the inbox bench's
concern. The push to claim is found by its record or feedback, outside the counted step (a
client reads it from the creation's response or its inbox).

Targets: with 2 processes ≥ the peer's rate; with 1 process ≥ 0.8 × the peer's; ≤ 8 round
trips per claim; ≤ 20 for the completion and push of an approval with one regulator.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from bench import harness

STEPS = ("complete_and_push", "claim", "feedback", "bureau_claim")


def _bureau_liaison(bureau):
    from shenguan.org import services as org
    from shenguan.org.models import User
    from shenguan.org.roles import Role

    u = User.objects.filter(username="bench_bureau_liaison").first()
    if u is None:
        u = org.user_create(
            actor=None,
            username="bench_bureau_liaison",
            full_name="基准审批局联络员",
            department=bureau,
            password="Bench#Linkage2026",
        )
        org.user_set_roles(actor=None, user=u, roles={Role.BUREAU_LIAISON})
    return u


def _setup() -> dict:
    from bench.bench_linkage import _world

    _j, bureau, _regs, approver, liaison, item = _world()
    bl = _bureau_liaison(bureau)
    return {
        "approver": approver.pk,
        "liaison": liaison.pk,
        "bureau_liaison": bl.pk,
        "item": item.pk,
    }


class _Counter:
    """Database round trips of a block: statements (through Django's cursor) plus the BEGIN and
    COMMIT of each transaction that ran one."""

    def __init__(self):
        self.statements = 0
        self.selects = 0

    def copy_wrapper(self):
        """Count PostgreSQL COPY commands too (they bypass Django's cursor): two round trips
        each (the command, then the data)."""
        import psycopg

        real = psycopg.Cursor.copy
        counter = self

        def copy(cur, statement, *args, **kwargs):
            counter.statements += 2
            return real(cur, statement, *args, **kwargs)

        return real, copy

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        if sql.lstrip()[:6].upper() == "SELECT":
            self.selects += 1
        return execute(sql, params, many, context)


def _users(ids: dict):
    from shenguan.org.models import User

    return {
        k: User.objects.select_related("department").get(pk=v)
        for k, v in ids.items()
        if k != "item"
    }


def _lifecycle(users: dict, item_id: int, tag: str, counters: dict | None = None) -> None:
    """One lifecycle through the API handlers (one transaction per step)."""
    from django.db import connection

    from shenguan.linkage import api
    from shenguan.linkage.models import Push
    from shenguan.linkage.schemas import FeedbackIn, RecordIn

    today = dt.date.today()

    def step(name, fn):
        if counters is None:
            return fn()
        import psycopg

        c = _Counter()
        real, copy = c.copy_wrapper()
        psycopg.Cursor.copy = copy
        try:
            with connection.execute_wrapper(c):
                out = fn()
        finally:
            psycopg.Cursor.copy = real
        counters.setdefault(name, []).append((c.statements + 2, c.selects))
        return out

    approver = SimpleNamespace(auth=users["approver"])
    payload = RecordIn(
        item_id=item_id,
        case_number=tag,
        applicant_kind="legal",
        applicant_name=f"基准企业{tag}",
        applicant_uscc="91371500MA3C00000F",
        legal_representative="张三",
        contact_name="张三",
        contact_phone="13806350000",
        address="聊城市东昌府区",
        accepted_on=today - dt.timedelta(days=3),
        decided_on=today,
        decision_number=f"基准〔2026〕{tag}号",
        result="granted",
        licence_number=f"L{tag}",
        risk_points="基准风险点",
        complete=True,
    )
    rec = step("complete_and_push", lambda: api.record_create(approver, payload)).value
    push_id = Push.objects.filter(record_id=rec.pk).values_list("pk", flat=True)[0]
    liaison = SimpleNamespace(auth=users["liaison"])
    step("claim", lambda: api.push_claim(liaison, push_id))
    fb_in = FeedbackIn(
        kind="admin_measure",
        title="责令整改",
        content="现场检查发现问题，已责令限期整改。",
        published_on=today,
        record_id=rec.pk,
    )
    fb = step("feedback", lambda: api.feedback_create(liaison, fb_in)).value
    fb_push = Push.objects.filter(feedback_id=fb.pk).values_list("pk", flat=True)[0]
    bureau = SimpleNamespace(auth=users["bureau_liaison"])
    step("bureau_claim", lambda: api.push_claim(bureau, fb_push))


def _worker(ids, n, prefix, barrier, results) -> None:
    """One process: warm up, wait for the others, run n lifecycles; puts (start, end, n)."""
    from django.db import connections

    connections.close_all()
    try:
        users = _users(ids)
        for i in range(3):
            _lifecycle(users, ids["item"], f"{prefix}w{i}")
        barrier.wait()
        t0 = time.perf_counter()
        for i in range(n):
            _lifecycle(users, ids["item"], f"{prefix}-{i}")
        results.put((t0, time.perf_counter(), n, None))
    except Exception as exc:  # reported to the parent
        barrier.abort()
        results.put((0.0, 0.0, 0, repr(exc)[:500]))
    finally:
        connections.close_all()


def _run_ours(ids: dict, n: int, procs: int, tag: str) -> dict:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(procs)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(ids, n // procs, f"{tag}p{k}", barrier, results))
        for k in range(procs)
    ]
    for w in workers:
        w.start()
    res = [results.get(timeout=1800) for _ in workers]
    for w in workers:
        w.join()
    errors = [r[3] for r in res if r[3]]
    if errors:
        raise RuntimeError(errors[0])
    start = min(r[0] for r in res)
    end = max(r[1] for r in res)
    total = sum(r[2] for r in res)
    return {
        "processes": procs,
        "lifecycles": total,
        "seconds": round(end - start, 2),
        "lifecycles_per_s": round(total / (end - start), 1),
    }


def _round_trips(ids: dict, tag: str, n: int = 5) -> dict:
    users = _users(ids)
    counters: dict = {}
    for i in range(n):
        _lifecycle(users, ids["item"], f"{tag}rt{i}", counters)
    out = {}
    for name in STEPS:
        rows = counters[name][1:] or counters[name]  # the first may load per-process caches
        out[name] = {
            "round_trips": max(r[0] for r in rows),
            "selects": max(r[1] for r in rows),
        }
    out["lifecycle"] = {"round_trips": sum(out[s]["round_trips"] for s in STEPS)}
    return out


# --- the peer ------------------------------------------------------------------------------------


def _peer_dir() -> Path | None:
    env = os.environ.get("SHENGUAN_BENCH_PEER_DIR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parent.parent
    for base in (repo.parent, repo.parent.parent):
        cand = base / "shared" / "bench" / "peer"
        if (cand / "spiff_lifecycle.py").exists():
            return cand
    return None


def _peer_python(peer: Path) -> str | None:
    env = os.environ.get("SHENGUAN_BENCH_PEER_PYTHON")
    # the peer's README installs it in the temporary directory ("peer"); a .venv beside the
    # script works too
    readme_default = Path(tempfile.gettempdir()) / "peer" / "bin" / "python"
    for cand in (env, peer / ".venv" / "bin" / "python", readme_default):
        if cand and Path(cand).exists():
            return str(cand)
    return None


def _peer_dsn() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    s = connection.settings_dict
    dsn = f"postgresql://{s['USER']}"
    if s.get("PASSWORD"):
        dsn += f":{s['PASSWORD']}"
    dsn += f"@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/peer"
    import psycopg

    admin = dsn.rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'peer'").fetchone():
            conn.execute('CREATE DATABASE "peer"')
    return dsn


def _run_peer(python: str, peer: Path, dsn: str, n: int, procs: int) -> dict:
    out = subprocess.run(
        [python, str(peer / "spiff_lifecycle.py"), dsn, str(n), str(procs)],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> dict:
    from django.db import connections

    ids = _setup()
    cal = harness.calibration()
    stamp = f"LC{int(time.time())}"
    rt = _round_trips(ids, stamp)
    n1, n2 = (40, 80) if quick else (200, 400)
    peer_dir = _peer_dir()
    python = _peer_python(peer_dir) if peer_dir else None
    dsn = _peer_dsn() if python else None
    connections.close_all()
    peer_runs: dict = {"1": [], "2": []}
    pn1, pn2 = (100, 200) if quick else (500, 1000)

    def peer(procs, n):
        if dsn:
            try:
                peer_runs[str(procs)].append(_run_peer(python, peer_dir, dsn, n, procs))
            except Exception as exc:  # the peer's failure is reported, ours still runs
                peer_runs[str(procs)].append({"error": repr(exc)[:300]})

    peer(2, pn2)
    peer(1, pn1)
    ours = {
        "1": _run_ours(ids, n1, 1, stamp + "a"),
        "2": _run_ours(ids, n2, 2, stamp + "b"),
    }
    peer(1, pn1)
    peer(2, pn2)
    result: dict = {"round_trips_per_step": rt, "ours": ours}
    rate = {k: v["lifecycles_per_s"] for k, v in ours.items()}
    for k, runs in peer_runs.items():
        rates = [r["lifecycles_per_s"] for r in runs if "lifecycles_per_s" in r]
        if rates:
            mean = sum(rates) / len(rates)
            ours[k]["peer_lifecycles_per_s"] = [round(r, 1) for r in rates]
            ours[k]["ratio_to_peer"] = round(rate[k] / mean, 2)
    if not dsn:
        result["peer"] = (
            "not run: needs PostgreSQL, ../shared/bench/peer and its Python "
            "(SHENGUAN_BENCH_PEER_DIR, SHENGUAN_BENCH_PEER_PYTHON)"
        )
    else:
        result["peer_runs"] = peer_runs
    result["calibration"] = cal
    for v in ours.values():
        # lifecycles per 100 single-row INSERT commits and per select round trip: figures that
        # travel between machines
        v["per_100_insert_commits"] = round(
            100 * v["lifecycles_per_s"] / cal["insert_commits_per_s"], 2
        )
        v["ms_per_lifecycle_per_select_rtt"] = round(
            (1000 / v["lifecycles_per_s"]) / (cal["select_round_trip_us"] / 1000), 1
        )
    result["targets"] = {
        "ratio_2_processes": 1.0,
        "ratio_1_process": 0.8,
        "round_trips_claim": 8,
        "round_trips_complete_and_push": 20,
    }
    result["met"] = {
        "round_trips_claim": rt["claim"]["round_trips"] <= 8
        and rt["bureau_claim"]["round_trips"] <= 8,
        "round_trips_complete_and_push": rt["complete_and_push"]["round_trips"] <= 20,
    }
    if "ratio_to_peer" in ours["2"]:
        result["met"]["ratio_2_processes"] = ours["2"]["ratio_to_peer"] >= 1.0
    if "ratio_to_peer" in ours["1"]:
        result["met"]["ratio_1_process"] = ours["1"]["ratio_to_peer"] >= 0.8
    print(json.dumps(result, default=str), file=sys.stderr)
    return result
