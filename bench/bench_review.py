"""审批过程审管互动 (issue 11): expert draws from a pool of 10,000 experts (target ≥ 1,000 draws
per second) and the public-notice close sweep over 100,000 due notices (target ≤ 5 s).

Draws give three figures: the seeded selection alone over the pool's candidate lists (the
replayable part), a read-only draw (candidates with every avoidance rule read from the database,
then the selection), and the whole service (`draw_create`: candidates, selection, the draw and
its members, the case's suspension, audit event and outbox event, one transaction each).

Pools and notices are made with bulk inserts, never through the services; each draw is for its
own case."""

from __future__ import annotations

import datetime as dt
import random
import time

SPECS = (
    "structure", "fire", "food", "environment", "work_safety", "special_equipment",
    "medical", "water", "transport", "planning", "geology", "electrical",
)  # fmt: skip
NEEDS = {"fire": 2, "structure": 2, "electrical": 1}


def _world():
    from shenguan.catalog import services as cat
    from shenguan.org import services as org
    from shenguan.org.models import Department, Jurisdiction
    from shenguan.org.roles import DepartmentKind
    from shenguan.policy.models import PolicyProfile

    j = Jurisdiction.objects.filter(code="379900").first()
    if j is None:
        j = org.jurisdiction_create(
            actor=None,
            code="379900",
            name="基准市",
            level="city",
            profile=PolicyProfile.objects.get(code="liaocheng-2021"),
        )
        org.department_create(actor=None, jurisdiction=j, name="基准市行政审批局", kind="BUREAU")
        org.department_create(actor=None, jurisdiction=j, name="基准市住建局", kind="REGULATOR")
    bureau = Department.objects.get(jurisdiction=j, kind=DepartmentKind.BUREAU)
    reg = Department.objects.get(jurisdiction=j, kind=DepartmentKind.REGULATOR)
    item = cat.item_create(
        actor=None, jurisdiction=j, name="基准施工许可", code="BENCH-RV-1", original_department=reg
    )
    return j, bureau, item


def _pool(j, bureau, n: int) -> None:
    from shenguan.review.models import Expert, ExpertSpeciality

    rng = random.Random(11)
    due = dt.date.today() + dt.timedelta(days=365)
    experts = []
    for i in range(n):
        specs = sorted(set(rng.sample(SPECS, rng.choice((1, 2)))))
        experts.append(
            Expert(
                jurisdiction_id=j.pk,
                name=f"基准专家{i}",
                title="senior",
                employer=f"基准单位{i % 500}",
                employer_uscc="",
                phone="13800000000",
                available=rng.random() > 0.05,
                review_due=due,
                specialities=specs,
                added_by_department_id=bureau.pk,
            )
        )
    Expert.objects.bulk_create(experts, batch_size=2000)
    ExpertSpeciality.objects.bulk_create(
        [ExpertSpeciality(expert=e, speciality=s) for e in experts for s in e.specialities],
        batch_size=5000,
    )


def _records(j, bureau, item, n: int, prefix: str = "BENCH-RV") -> list:
    from shenguan.linkage.models import ApprovalRecord

    return ApprovalRecord.objects.bulk_create(
        [
            ApprovalRecord(
                jurisdiction_id=j.pk,
                department_id=bureau.pk,
                item_id=item.pk,
                case_number=f"{prefix}-{i}",
                applicant_kind="legal",
                applicant_name=f"基准企业{i}",
                accepted_on=dt.date.today() - dt.timedelta(days=3),
                source="api",
            )
            for i in range(n)
        ]
    )


def bench_notice_sweep(j, bureau, item, quick: bool) -> dict:
    """100,000 notices whose period ended over the last 60 days, two regulators each, one of
    which answered on a third of them; the sweep closes them all (timed), then runs again."""
    from django.utils import timezone

    from shenguan.org.models import Department
    from shenguan.review.models import NoticeParty, PublicNotice
    from shenguan.review.services import notices_close_due

    n = 5_000 if quick else 100_000
    regs = list(Department.objects.filter(jurisdiction=j, kind="REGULATOR"))
    if len(regs) < 2:
        from shenguan.org import services as org

        org.department_create(actor=None, jurisdiction=j, name="基准市生态环境局", kind="REGULATOR")
        regs = list(Department.objects.filter(jurisdiction=j, kind="REGULATOR"))
    (rec,) = _records(j, bureau, item, 1, prefix="BENCH-PN")
    today = timezone.localdate()
    t0 = time.perf_counter()
    for start in range(0, n, 10_000):
        batch = PublicNotice.objects.bulk_create(
            [
                PublicNotice(
                    jurisdiction_id=j.pk,
                    record_id=rec.pk,
                    bureau_id=bureau.pk,
                    title=f"基准公示{i}",
                    content="基准公示内容",
                    applicant_shown="基准企业",
                    period_unit="calendar",
                    period_days=10,
                    starts_on=today - dt.timedelta(days=10 + i % 60),
                    ends_on=today - dt.timedelta(days=1 + i % 60),
                    published_by_name="基准",
                )
                for i in range(start, min(n, start + 10_000))
            ],
            batch_size=2000,
        )
        NoticeParty.objects.bulk_create(
            [
                NoticeParty(
                    notice=p,
                    department_id=r.pk,
                    answer="no_objection" if (k == 0 and p.pk % 3 == 0) else "pending",
                )
                for p in batch
                for k, r in enumerate(regs[:2])
            ],
            batch_size=5000,
        )
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    closed = notices_close_due()
    sweep = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = notices_close_due()
    second = time.perf_counter() - t0
    deemed = NoticeParty.objects.filter(answer="deemed").count()
    return {
        "notices": n,
        "build_seconds": round(build, 1),
        "closed": closed,
        "parties_deemed_no_objection": deemed,
        "sweep_seconds": round(sweep, 2),
        "second_sweep_seconds": round(second, 3),
        "second_sweep_closed": again,
        "target_seconds": 5,
    }


def run(quick: bool = False) -> dict:
    from django.utils import timezone

    from shenguan.review import services as svc

    pool_size = 1_000 if quick else 10_000
    j, bureau, item = _world()
    t0 = time.perf_counter()
    _pool(j, bureau, pool_size)
    build = time.perf_counter() - t0
    now = timezone.now()

    def candidates(rec_name: str):
        return svc.candidates_for(
            jurisdiction_id=j.pk,
            needs=NEEDS,
            applicant_uscc="",
            applicant_name=rec_name,
            related=[],
            on_date=timezone.localdate(),
            at=now,
            days=180,
        )

    cands, _excluded = candidates("基准企业-x")
    n_select = 2_000 if quick else 20_000
    t0 = time.perf_counter()
    for i in range(n_select):
        svc.select(f"bench-{i}", cands, NEEDS)
    select_s = time.perf_counter() - t0

    n_read = 50 if quick else 300
    t0 = time.perf_counter()
    for i in range(n_read):
        c, _ = candidates(f"基准企业{i}")
        svc.select(f"read-{i}", c, NEEDS)
    read_s = time.perf_counter() - t0

    n_full = 20 if quick else 200
    recs = _records(j, bureau, item, n_full)
    t0 = time.perf_counter()
    for rec in recs:
        svc.draw_create(actor=None, record=rec, needs=NEEDS, purpose="基准抽取")
    full_s = time.perf_counter() - t0
    return {
        "pool_experts": pool_size,
        "candidates_per_speciality": {s: len(x) for s, x in cands.items()},
        "pool_build_seconds": round(build, 2),
        "selection_draws_per_second": round(n_select / select_s),
        "read_only_draws_per_second": round(n_read / read_s, 1),
        "service_draws_per_second": round(n_full / full_s, 1),
        "target_draws_per_second": 1000,
        "public_notice_close_sweep": bench_notice_sweep(j, bureau, item, quick),
    }
