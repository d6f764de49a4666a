"""The catalogue demo step: the 003 list imported and published, the Liaocheng set; idempotent."""

from __future__ import annotations

import pytest
from django.db import connection

from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import HandoverMemo, LicensingItem, LinkageEntry, LinkageListVersion
from shenguan.catalog.selectors import gap_report, item_handler
from shenguan.core.demo import demo_steps
from shenguan.org.models import Jurisdiction, User
from shenguan.portal.demo import load_organisation

pytestmark = pytest.mark.django_db

TABLES = [
    "catalog_licensingitem",
    "catalog_linkageentry",
    "catalog_transferrecord",
    "catalog_handovermemo",
    "catalog_linkagelistversion",
    "catalog_changenotice",
    "audit_auditevent",
    "outbox_outboxevent",
]


def _counts():
    out = {}
    with connection.cursor() as cur:
        for t in TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {t}")  # noqa: S608
            out[t] = cur.fetchone()[0]
    return out


def test_demo_step_is_registered_after_the_organisation():
    steps = {s.name: s.order for s in demo_steps()}
    assert steps["catalog"] > steps["organisation"] == 10


def test_demo_catalogue(settings):
    load_organisation()
    load_catalog_demo()
    yy = Jurisdiction.objects.get(code="430971")
    assert LinkageEntry.objects.filter(jurisdiction=yy).count() == 12
    v = LinkageListVersion.objects.get(jurisdiction=yy)
    assert v.entry_count == 12 and v.number == 1
    lc = Jurisdiction.objects.get(code="371500")
    memo = HandoverMemo.objects.get(jurisdiction=lc)
    assert memo.state == "signed" and memo.memo_items.count() == 5  # 2 items + 3 related
    statuses = set(
        LicensingItem.objects.filter(jurisdiction=lc).values_list("transfer_status", flat=True)
    )
    assert statuses == {"transferred", "planned", "retained"}
    food = LicensingItem.objects.get(jurisdiction=lc, code="37150000SC0002")
    assert item_handler(item=food, on_date=memo.signed_on).name == "聊城市行政审批服务局"
    # the gap report shows the gaps left on purpose
    head = User.objects.get(username="lc_bureau_liaison")
    report = gap_report(user=head, jurisdiction_id=lc.pk)
    assert [i.code for i in report.items_without_entry] == ["37150000WJ0001"]
    assert [s.code for s in report.unused_supervision_items] == ["371500502W00"]
    before = _counts()
    assert "未写入" in load_catalog_demo()
    assert _counts() == before
