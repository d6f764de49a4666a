"""信用联动 (issue 10): the credit look-up at acceptance with 1,000,000 joint-punishment list
entries and 200,000 warning-library entries stored (target p95 ≤ 20 ms), and 双公示 records
built, checked against the format and queued on the outbox per second (target ≥ 1,000/s).

List and warning entries are generated with set-based SQL on PostgreSQL (INSERT … SELECT
generate_series) and bulk_create on SQLite; look-ups and records go through the services.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.harness import percentile, timer

J_CODE = "379960"


def _world():
    from bench.bench_linkage import _world as linkage_world

    return linkage_world()


def _fill(j, n_list: int, n_warn: int) -> None:
    from django.db import connection

    from shenguan.credit.models import ListEntry, WarningEntry

    if ListEntry.objects.filter(jurisdiction=j).count() >= n_list:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                """INSERT INTO credit_listentry (jurisdiction_id, list_kind, list_name,
                subject_kind, subject_name, code, measures, source_document, valid_from,
                valid_until, import_batch, imported_by_name, created_at)
                SELECT %s, 'dishonest_debtor', '失信被执行人', 'legal', '基准企业' || g,
                '91B' || lpad(g::text, 15, '0'), '限制便利措施', '（2025）基准执' || g || '号',
                DATE '2024-01-01', NULL, 'bench', 'bench', now()
                FROM generate_series(1, %s) g""",
                [j.pk, n_list],
            )
            cur.execute(
                """INSERT INTO credit_warningentry (jurisdiction_id, subject_kind, subject_name,
                code, reason_kind, reason, source_type, source_id, measures, valid_from,
                valid_until, created_by_name, created_at, removal_decision, removal_reason,
                removed_by_name)
                SELECT %s, 'legal', '基准警示' || g, '91W' || lpad(g::text, 15, '0'), 'penalty',
                '行政处罚', 'bench', g, '', DATE '2024-01-01', NULL, 'bench', now(), '', '', ''
                FROM generate_series(1, %s) g""",
                [j.pk, n_warn],
            )
            cur.execute("ANALYZE credit_listentry")
            cur.execute("ANALYZE credit_warningentry")
        return
    from django.utils import timezone

    now = timezone.now()
    ListEntry.objects.bulk_create(
        [
            ListEntry(
                jurisdiction=j, list_kind="dishonest_debtor", list_name="失信被执行人",
                subject_kind="legal", subject_name=f"基准企业{g}", code=f"91B{g:015d}",
                measures="限制便利措施", source_document=f"基准执{g}号",
                valid_from=dt.date(2024, 1, 1), created_at=now,
            )
            for g in range(1, n_list + 1)
        ],
        batch_size=5000,
    )  # fmt: skip
    WarningEntry.objects.bulk_create(
        [
            WarningEntry(
                jurisdiction=j, subject_kind="legal", subject_name=f"基准警示{g}",
                code=f"91W{g:015d}", reason_kind="penalty", reason="行政处罚",
                source_type="bench", source_id=g, valid_from=dt.date(2024, 1, 1), created_at=now,
            )
            for g in range(1, n_warn + 1)
        ],
        batch_size=5000,
    )  # fmt: skip


def bench_lookup(quick: bool) -> dict:
    from shenguan.credit.services import credit_lookup

    j, *_rest = _world()
    n_list, n_warn = (20_000, 4_000) if quick else (1_000_000, 200_000)
    with timer() as t:
        _fill(j, n_list, n_warn)
    fill_s = t()
    rng = random.Random(10)
    times, hits = [], 0
    for i in range(600):
        kind = i % 3
        g = rng.randint(1, n_list if kind != 1 else n_warn)
        code = (f"91B{g:015d}", f"91W{g:015d}", f"91N{g:015d}")[kind]
        t0 = time.perf_counter()
        res = credit_lookup(
            jurisdiction_id=j.pk, subjects=[{"role": "applicant", "name": "", "code": code}],
            platform=False,
        )  # fmt: skip
        times.append((time.perf_counter() - t0) * 1000)
        hits += bool(res["hits"])
    times = times[100:]  # warm-up
    return {
        "list_entries": n_list,
        "warning_entries": n_warn,
        "fill_seconds": round(fill_s, 1),
        "lookups": len(times),
        "hits": hits,
        "lookup_p50_ms": round(percentile(times, 50), 2),
        "lookup_p95_ms": round(percentile(times, 95), 2),
        "target_p95_ms": 20,
        "note": "lists + warning library of the jurisdiction and those above it; the provincial "
        "platform (an HTTP call) is not part of the figure",
    }


def bench_records(quick: bool) -> dict:
    from django.db import transaction

    from bench.bench_linkage import _drafts
    from shenguan.credit.services import credit_records_for_completion

    j, bureau, _regs, approver, _liaison, item = _world()
    n = 2000 if quick else 20000
    recs = _drafts(j, bureau, item, n, f"CR{int(time.time())}")
    size = 500
    with timer() as t:
        made = 0
        for i in range(0, n, size):
            with transaction.atomic():
                made += len(
                    credit_records_for_completion(actor=approver, records=recs[i : i + size])
                )
    s = t()
    return {
        "records": made,
        "batch_size": size,
        "records_per_second": round(made / s, 1),
        "target_records_per_second": 1000,
        "note": "built in the national format, checked (stdnum), inserted, queued on the outbox "
        "credit channel (event + webhook/credit deliveries), audited, per batch of 500",
    }


def run(quick: bool = False) -> dict:
    return {"lookup": bench_lookup(quick), "records": bench_records(quick)}
