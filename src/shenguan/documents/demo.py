"""Demo data of the documents app.

Step 25 (before linkage's cases): each demo jurisdiction's bureau gets its licensing seal (a local
CA and the seal's certificate generated on first run, under the key directory, never committed),
Liaocheng's retired departmental seals are entered in the public register, and licence templates
are set for the food and construction items; the cases linkage completes afterwards are then
issued signed e-licences. Step 70: licences issued before a seal existed get their document, and
one licence is reissued after a change (变更), so its history shows two versions.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shenguan.org.models import Department, Jurisdiction

from . import keys, services
from .models import DocumentState, ElectronicLicence, LicenceTemplate, Seal, SealState

BUREAUS = {
    "371500": "聊城市行政审批服务局",
    "430971": None,  # the Yiyang zone's bureau, whatever its name
}

LC_RETIRED = (
    (
        "聊城市市场监督管理局",
        "聊城市市场监督管理局行政审批专用章",
        dt.date(2021, 9, 1),
        "食品、药品等许可事项划转市行政审批服务局，原行政审批专用章自划转之日起停止使用"
        "（聊城市相对集中行政许可权改革划转公告）",
    ),
    (
        "聊城市住房和城乡建设局",
        "聊城市住房和城乡建设局行政审批专用章",
        dt.date(2021, 9, 1),
        "建筑工程施工许可等事项划转市行政审批服务局，原行政审批专用章自划转之日起停止使用"
        "（聊城市相对集中行政许可权改革划转公告）",
    ),
)

TEMPLATES = {
    "37150000SC0005": ("食品经营许可证", "预包装食品销售（含冷藏冷冻食品）、热食类食品制售"),
    "37150000ZJ0001": ("建筑工程施工许可证", "建筑工程施工（以施工图审查合格范围为准）"),
}


def _bureau(j: Jurisdiction) -> Department | None:
    qs = Department.objects.filter(jurisdiction=j, kind="BUREAU", active=True)
    name = BUREAUS.get(j.code)
    return (qs.filter(name=name).first() if name else None) or qs.order_by("id").first()


def load_seals() -> str:
    """Demo step 25: seals, retired seals, licence templates (idempotent)."""
    from shenguan.catalog.models import LicensingItem

    out = []
    for code in BUREAUS:
        j = Jurisdiction.objects.filter(code=code).first()
        if j is None:
            continue
        bureau = _bureau(j)
        if bureau is None:
            continue
        active = Seal.objects.filter(department=bureau, state=SealState.ACTIVE).first()
        if active is None or not keys.has_keys(active.key_ref):
            # a fresh machine keeps the database but not var/seals: make a new key pair
            services.seal_generate(actor=None, department=bureau)
            out.append(f"{j.name}：已生成印章密钥")
        if code == "371500":
            for dept_name, name, retired_on, memo in LC_RETIRED:
                d = Department.objects.filter(jurisdiction=j, name=dept_name).first()
                if d is None or Seal.objects.filter(department=d, name=name).exists():
                    continue
                services.seal_register_retired(
                    actor=None, department=d, name=name, retired_on=retired_on, retirement_memo=memo
                )
            for item_code, (title, scope) in TEMPLATES.items():
                it = LicensingItem.objects.filter(jurisdiction=j, code=item_code).first()
                if it is not None:
                    LicenceTemplate.objects.get_or_create(
                        item=it, defaults={"jurisdiction": j, "title": title, "scope": scope}
                    )
    return "；".join(out) or "印章已存在 / seals already present"


def load() -> str:
    """Demo step 70: e-licences for licences without one, and one reissue after a change."""
    from shenguan.linkage.models import Licence

    done = set(ElectronicLicence.objects.values_list("licence_id", flat=True).distinct())
    missing = [
        lic
        for lic in Licence.objects.filter(jurisdiction__code__in=list(BUREAUS))
        .select_related("item", "department", "jurisdiction")
        .order_by("id")[:200]
        if lic.pk not in done
    ]
    issued = []
    with transaction.atomic():
        if missing:
            issued = services.elicences_issue(actor=None, licences=missing)
    out = [f"补发电子证照 {len(issued)} 份"] if issued else []
    lic = (
        Licence.objects.filter(jurisdiction__code="371500", state="valid")
        .exclude(pk__in=ElectronicLicence.objects.filter(version__gt=1).values("licence_id"))
        .filter(
            pk__in=ElectronicLicence.objects.filter(state=DocumentState.CURRENT).values(
                "licence_id"
            )
        )
        .order_by("id")
        .first()
    )
    if lic is not None and not ElectronicLicence.objects.filter(version__gt=1).exists():
        services.elicence_reissue(
            actor=None, licence=lic, reason="经营场所门牌号变更（变更登记），换发电子证照"
        )
        out.append(f"证照 {lic.number} 已换发第2版")
    return "；".join(out) or "电子证照已存在 / e-licences already present"
