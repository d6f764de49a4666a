"""电子证照 (issue 14): signed licences produced per second on one process with a software key
(render with the embedded CJK font + QR, PAdES by pyHanko, SM2/SM3, stored; target ≥ 20/s) and
the public verification page's latency for a number look-up over a register of 100,000
licences (p95 target ≤ 100 ms), plus the file verification (PAdES + SM2) for reference.

The register is made with bulk inserts (not through the services); the signing runs through
`documents.services.elicences_issue`, the look-ups through Django's test client on the real
URL (middleware, template, panels). The seal's keys go to a temporary key directory.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from bench.harness import percentile, timer


def _world():
    from shenguan.catalog import services as cat
    from shenguan.org import services as org
    from shenguan.org.models import Department, Jurisdiction
    from shenguan.org.roles import DepartmentKind
    from shenguan.policy.models import PolicyProfile

    j = Jurisdiction.objects.filter(code="379960").first()
    if j is None:
        j = org.jurisdiction_create(
            actor=None,
            code="379960",
            name="基准证照市",
            level="city",
            profile=PolicyProfile.objects.get(code="liaocheng-2021"),
        )
        org.department_create(
            actor=None, jurisdiction=j, name="基准证照市行政审批服务局", kind=DepartmentKind.BUREAU
        )
        org.department_create(
            actor=None,
            jurisdiction=j,
            name="基准证照市市场监督管理局",
            kind=DepartmentKind.REGULATOR,
        )
    bureau = Department.objects.get(jurisdiction=j, kind=DepartmentKind.BUREAU)
    reg = Department.objects.get(jurisdiction=j, kind=DepartmentKind.REGULATOR)
    from shenguan.catalog.models import LicensingItem

    item = LicensingItem.objects.filter(jurisdiction=j).first() or cat.item_create(
        actor=None,
        jurisdiction=j,
        name="食品经营许可",
        code="37996000SC0005",
        original_department=reg,
    )
    return j, bureau, item


def _licences(j, bureau, item, n: int, prefix: str) -> list:
    from shenguan.core.bulk import insert_objects
    from shenguan.linkage.models import Licence

    today = dt.date.today()
    rows = [
        Licence(
            jurisdiction=j,
            number=f"{prefix}{i:07d}",
            item=item,
            department=bureau,
            holder_kind="legal",
            holder_name=f"基准餐饮管理有限公司第{i}分店",
            holder_code="91371500MA3C000015",
            legal_representative="王五",
            decision_number=f"基审批食许〔2026〕{i}号",
            issued_on=today,
            valid_from=today,
            valid_until=today.replace(year=today.year + 5),
            state="valid",
            state_since=today,
        )
        for i in range(n)
    ]
    from django.db import transaction

    for k in range(0, n, 20_000):
        with transaction.atomic():
            insert_objects(rows[k : k + 20_000])
    return rows


def run(quick: bool = False) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from shenguan.documents import services
    from shenguan.documents.models import ElectronicLicence
    from shenguan.linkage.models import Licence

    settings.SHENGUAN_SEAL_KEY_DIR = tempfile.mkdtemp(prefix="shenguan-bench-seals-")
    settings.SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE = 10**9
    settings.ALLOWED_HOSTS = ["*"]
    j, bureau, item = _world()
    services.seal_generate(actor=None, department=bureau)
    n_sign = 20 if quick else 200
    n_register = 5_000 if quick else 100_000
    to_sign = _licences(j, bureau, item, n_sign, "BSIGN")
    if not Licence.objects.filter(number__startswith="BREG").exists():
        _licences(j, bureau, item, n_register, "BREG")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    # warm-up: fonts registered, keys loaded
    lics = list(
        Licence.objects.filter(pk__in=[x.pk for x in to_sign]).select_related(
            "item", "department", "jurisdiction"
        )
    )
    settings.SHENGUAN_ELICENCE_INLINE_MAX = 10**9
    with transaction.atomic():
        services.elicences_issue(actor=None, licences=lics[:2])
    with timer() as t, transaction.atomic():
        docs = services.elicences_issue(actor=None, licences=lics[2:])
    sign_s = t()
    signed = len(docs)
    # number look-ups through the public page
    c = Client()
    register = Licence.objects.filter(number__startswith="BREG").count()
    numbers = [f"breg{(i * 7919) % register:07d}" for i in range(200 if not quick else 50)]
    numbers += [f"BSIGN{i:07d}" for i in range(2, 12)]  # with an e-licence panel
    lookups = []
    for num in numbers:
        with timer() as t:
            r = c.get("/public/licences/verify", {"number": num})
        assert r.status_code == 200 and b"verify-result" in r.content, num
        lookups.append(t() * 1000)
    # file verification (PAdES + SM2 + register)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sample = list(ElectronicLicence.objects.filter(licence__number__startswith="BSIGN")[:20])
    files = []
    for d in sample:
        with timer() as t:
            r = c.post("/documents/verify", {"file": SimpleUploadedFile("l.pdf", bytes(d.pdf))})
        assert r.status_code == 200 and "文件真实".encode() in r.content
        files.append(t() * 1000)
    sizes = [d.size for d in sample]
    return {
        "signed": signed,
        "signing_seconds": round(sign_s, 2),
        "signed_per_second": round(signed / sign_s, 1),
        "target_signed_per_second": 20,
        "pdf_bytes_mean": round(sum(sizes) / max(len(sizes), 1)),
        "register_licences": register,
        "lookups": len(lookups),
        "lookup_p50_ms": round(percentile(lookups, 50), 1),
        "lookup_p95_ms": round(percentile(lookups, 95), 1),
        "target_lookup_p95_ms": 100,
        "file_verify_p50_ms": round(percentile(files, 50), 1),
        "file_verify_p95_ms": round(percentile(files, 95), 1),
    }
