"""Visibility that does not grow with history (issue 15 item 3): a regulator's read of one record
(`selectors.record_get`, the scope check included) with 10,000 and then 1,000,000 pushes received
by its department. The scope is an EXISTS on the pushes of that one record (index on the push's
record), so the read should cost the same at both sizes: target p95 at 1 M ≤ 1.5 × p95 at 10 k.

For comparison the same read with the former scope rule (the record's key IN the list of every
record pushed to the department) is timed in the same run. Records and pushes are copied from a
record completed through the services with set-based SQL (INSERT … SELECT generate_series) on
PostgreSQL; SQLite runs 10 k and 100 k.
"""

from __future__ import annotations

import random
import time

from bench.harness import percentile

SIZES_PG = (10_000, 1_000_000)
SIZES_QUICK = (10_000, 100_000)


def _cols(model, skip: set[str]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def _grow(template_record_id: int, template_push_id: int, upto: int, done: int, tag: str) -> None:
    """Copy the template record and its push until `upto` copies exist (set-based)."""
    from django.db import connection

    from shenguan.linkage.models import ApprovalRecord, Push

    n = upto - done
    if n <= 0:
        return
    rc = _cols(ApprovalRecord, {"id", "case_number", "licence_number"})
    pc = _cols(Push, {"id", "record_id", "case_number"})
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO linkage_approvalrecord ({', '.join(rc)}, case_number, licence_number) "
            f"SELECT {', '.join('t.' + c for c in rc)}, %s || g, '' "
            f"FROM linkage_approvalrecord t, generate_series(%s, %s) g WHERE t.id = %s",
            [tag, done + 1, upto, template_record_id],
        )
        cur.execute(
            f"INSERT INTO linkage_push ({', '.join(pc)}, record_id, case_number) "
            f"SELECT {', '.join('t.' + c for c in pc)}, r.id, r.case_number "
            f"FROM linkage_push t, linkage_approvalrecord r "
            f"WHERE t.id = %s AND r.case_number LIKE %s AND r.id > %s",
            [template_push_id, tag + "%", _last_id(cur, tag, done)],
        )
        cur.execute("ANALYZE linkage_approvalrecord")
        cur.execute("ANALYZE linkage_push")


_marks: dict = {}


def _last_id(cur, tag: str, done: int) -> int:
    return _marks.get((tag, done), 0)


def _mark(tag: str, done: int) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM linkage_approvalrecord")
        _marks[(tag, done)] = cur.fetchone()[0]


def _time_reads(user, ids: list[int], legacy: bool) -> dict:
    from django.db.models import Q

    from shenguan.linkage import selectors as sel
    from shenguan.linkage.models import ApprovalRecord
    from shenguan.linkage.models.common import _received

    times = []
    for rid in ids:
        t0 = time.perf_counter()
        if legacy:
            rec = (
                ApprovalRecord.objects.filter(
                    jurisdiction_id__in=user.visible_jurisdiction_ids, pk=rid
                )
                .filter(
                    Q(department_id=user.department_id) | Q(pk__in=_received(user, "record_id"))
                )
                .select_related("item", "department")
                .first()
            )
        else:
            rec = sel.record_get(user=user, pk=rid)
        times.append((time.perf_counter() - t0) * 1000)
        assert rec is not None and rec.pk == rid
    return {
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "reads": len(times),
    }


def run(quick: bool = False) -> dict:
    from django.db import connection

    from bench.bench_lifecycle import _lifecycle, _setup, _users
    from shenguan.linkage.models import ApprovalRecord, Push

    ids = _setup()
    users = _users(ids)
    tag = f"VIS{int(time.time())}-"
    _lifecycle(users, ids["item"], tag + "T")
    template = ApprovalRecord.objects.get(case_number=tag + "T")
    tpush = Push.objects.filter(record=template, kind="approval").values_list("pk", flat=True)[0]
    liaison = users["liaison"]
    pg = connection.vendor == "postgresql"
    sizes = SIZES_QUICK if (quick or not pg) else SIZES_PG
    rng = random.Random(15)
    out: dict = {"sizes": list(sizes)}
    done = 0
    for size in sizes:
        if pg:
            _mark(tag, done)
            t0 = time.perf_counter()
            _grow(template.pk, tpush, size, done, tag)
            grow_s = time.perf_counter() - t0
        else:
            grow_s = _grow_sqlite(template, tpush, size, done, tag)
        done = size
        mine = list(
            ApprovalRecord.objects.filter(case_number__startswith=tag).values_list("pk", flat=True)
        )
        sample = [rng.choice(mine) for _ in range(300)]
        _time_reads(liaison, sample[:20], False)  # warm
        out[str(size)] = {
            "pushes_to_department": Push.objects.filter(
                addressee_department_id=liaison.department_id
            ).count(),
            "generate_seconds": round(grow_s, 1),
            "record_get": _time_reads(liaison, sample, False),
            "former_rule": _time_reads(liaison, sample[:60], True),
        }
    a, b = (out[str(s)]["record_get"]["p95_ms"] for s in sizes)
    out["p95_ratio_large_to_small"] = round(b / a, 2) if a else None
    out["target_ratio"] = 1.5
    out["met"] = out["p95_ratio_large_to_small"] is not None and b <= 1.5 * a
    fa, fb = (out[str(s)]["former_rule"]["p95_ms"] for s in sizes)
    out["former_rule_p95_ratio"] = round(fb / fa, 2) if fa else None
    return out


def _grow_sqlite(template, tpush: int, upto: int, done: int, tag: str) -> float:
    from django.db import connection

    from shenguan.linkage.models import ApprovalRecord, Push

    t0 = time.perf_counter()
    rc = _cols(ApprovalRecord, {"id", "case_number", "licence_number"})
    pc = _cols(Push, {"id", "record_id", "case_number"})
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM linkage_approvalrecord")
        last = cur.fetchone()[0]
        cur.execute(
            f"WITH RECURSIVE g(x) AS (SELECT %s UNION ALL SELECT x + 1 FROM g WHERE x < %s) "
            f"INSERT INTO linkage_approvalrecord ({', '.join(rc)}, case_number, licence_number) "
            f"SELECT {', '.join('t.' + c for c in rc)}, %s || g.x, '' "
            f"FROM linkage_approvalrecord t, g WHERE t.id = %s",
            [done + 1, upto, tag, template.pk],
        )
        cur.execute(
            f"INSERT INTO linkage_push ({', '.join(pc)}, record_id, case_number) "
            f"SELECT {', '.join('t.' + c for c in pc)}, r.id, r.case_number "
            f"FROM linkage_push t, linkage_approvalrecord r "
            f"WHERE t.id = %s AND r.case_number LIKE %s AND r.id > %s",
            [tpush, tag + "%", last],
        )
        cur.execute("ANALYZE")
    return time.perf_counter() - t0
