"""双公示 credit records: due dates in working days (liaocheng-2021: 7), delivery through the
outbox credit channel to a local receiver under faults (every record exactly once), rejections
as visible tasks, the national column order of exports, e-monitoring rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from shenguan.core.deadlines import deadline_kind
from shenguan.credit import formats
from shenguan.credit import services as csvc
from shenguan.credit.exports import export_bytes
from shenguan.credit.fakeplatform import FakeCreditPlatform
from shenguan.credit.models import CreditRecord
from shenguan.linkage import services as lsvc
from shenguan.outbox import delivery

from .helpers import GOOD_USCC, company_case

# the national 双公示 columns as the issue lists them (independent of formats.py)
LICENCE_ORDER = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "证件类型", "证件号码", "法定代表人",
    "许可决定文书名称", "许可决定文书号", "许可类别", "许可证书名称", "许可编号", "许可内容",
    "许可决定日期", "有效期自", "有效期至", "许可机关", "许可机关统一社会信用代码", "当前状态",
    "数据来源单位", "数据来源单位统一社会信用代码",
]  # fmt: skip
PENALTY_ORDER = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "证件类型", "证件号码", "法定代表人",
    "处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
    "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号",
    "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码",
    "数据来源单位", "数据来源单位统一社会信用代码",
]  # fmt: skip


@pytest.fixture
def fake(settings):
    f = FakeCreditPlatform().start()
    settings.SHENGUAN_CREDIT_PUSH_URL = f.url + "/records"
    settings.SHENGUAN_WEBHOOK_BACKOFF_BASE = 0.001
    settings.SHENGUAN_WEBHOOK_BACKOFF_FACTOR = 2
    settings.SHENGUAN_WEBHOOK_BACKOFF_CAP = 0.01
    settings.SHENGUAN_WEBHOOK_MAX_ATTEMPTS = 30
    settings.SHENGUAN_WORKER_IDLE_SLEEP = 0.01
    yield f
    f.stop()


def _granted(lk, n=1):
    recs = [
        lsvc.record_create(actor=lk.users["approver"], data=company_case(lk, GOOD_USCC))
        for _ in range(n)
    ]
    lsvc.complete_records(actor=lk.users["approver"], records=recs)
    return recs


def _penalty(lk, rec, **kw):
    return lsvc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="penalty",
        title="未按规定公示食品经营许可证",
        content="当事人未在经营场所显著位置悬挂食品经营许可证，责令改正并处罚款二千元。",
        published_on=kw.pop("published_on", dt.date(2026, 9, 20)),
        effective_on=kw.pop("effective_on", dt.date(2026, 9, 23)),
        document_number="聊市监罚〔2026〕88号",
        record=rec,
        **kw,
    )


def test_penalty_effective_2026_09_23_is_due_2026_10_10(lk):
    (rec,) = _granted(lk)
    fb = _penalty(lk, rec)
    cr = CreditRecord.objects.get(kind="penalty", feedback_id=fb.pk)
    assert cr.decision_date == dt.date(2026, 9, 23)
    assert cr.budget_days == 7
    assert cr.due_date == dt.date(2026, 10, 10)  # a make-up Saturday after the National Day week
    assert cr.state == "queued" and cr.data["uscc"] == GOOD_USCC
    # the penalty also enters the warning library
    from shenguan.credit.models import WarningEntry

    assert WarningEntry.objects.filter(code=GOOD_USCC, reason_kind="penalty").count() == 1


def test_licence_record_per_granted_case(lk):
    (rec,) = _granted(lk)
    cr = CreditRecord.objects.get(kind="licence", record_id=rec.pk)
    assert cr.state == "queued" and not cr.problems
    assert cr.data["许可决定日期" if False else "decision_date"] == rec.decided_on.isoformat()
    assert formats.row("licence", cr.data)[0] == "聊城市某某商贸有限公司"


def test_delivered_exactly_once_under_faults(lk, fake):
    fake.push_fail_rate = 0.3
    fake.push_lose_answer_rate = 0.3
    recs = _granted(lk, 12)
    stats = delivery.run_worker(worker_id="t", until_empty=True, max_seconds=60)
    assert stats.dead == 0
    rows = CreditRecord.objects.filter(record_id__in=[r.pk for r in recs])
    assert rows.count() == 12
    assert set(rows.values_list("state", flat=True)) == {"acknowledged"}
    got = sorted(b["record_id"] for b in fake.received.values())
    assert got == sorted(rows.values_list("pk", flat=True))  # each exactly once
    assert fake.calls > 12  # faults did happen and were retried
    assert all(r.receipt.startswith("R-") and r.acknowledged_at for r in rows)


def test_rejection_is_a_visible_task_and_can_be_resent(lk, fake):
    fake.reject_codes = {GOOD_USCC}
    (rec,) = _granted(lk)
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    cr = CreditRecord.objects.get(kind="licence", record_id=rec.pk)
    assert cr.state == "rejected" and "行政相对人与登记信息不符" in cr.rejection_reasons
    from shenguan.credit import selectors as sel

    assert cr in sel.record_list(user=lk.users["bureau_head"], filters={"tasks": True})
    from shenguan.outbox.models import OutboxEvent

    assert OutboxEvent.objects.filter(
        event_type="credit.record_rejected", aggregate_id=str(cr.pk)
    ).exists()
    fake.reject_codes = set()
    csvc.credit_record_resend(actor=lk.users["bureau_head"], record=cr)
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    cr.refresh_from_db()
    assert cr.state == "acknowledged"


def test_penalty_without_subject_is_invalid_not_sent(lk):
    fb = lsvc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="penalty",
        title="无证经营",
        content="责令停止经营。",
        published_on=dt.date(2026, 9, 20),
        document_number="聊市监罚〔2026〕90号",
    )
    cr = CreditRecord.objects.get(feedback_id=fb.pk)
    assert cr.state == "invalid" and cr.event_id is None
    assert any(p["field"] == "subject_name" for p in cr.problems)


def test_export_columns_in_national_order(lk):
    (rec,) = _granted(lk)
    _penalty(lk, rec)
    for kind, order in (("licence", LICENCE_ORDER), ("penalty", PENALTY_ORDER)):
        content, _ctype, _name = export_bytes(kind, CreditRecord.objects.filter(kind=kind), "csv")
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0] == order
        assert len(rows) == 2 and rows[1][0] == "聊城市某某商贸有限公司"
    from openpyxl import load_workbook

    content, _c, _n = export_bytes("licence", CreditRecord.objects.filter(kind="licence"), "xlsx")
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in next(ws.iter_rows())] == LICENCE_ORDER


def test_open_records_are_monitored_deadlines(lk, fake):
    (rec,) = _granted(lk)
    kind = deadline_kind("credit.record_push")
    rows = list(kind.rows(jurisdiction_ids=[lk.j.pk]))
    assert [r.object_id for r in rows] == list(
        CreditRecord.objects.filter(record_id=rec.pk).values_list("pk", flat=True)
    )
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    assert list(kind.rows(jurisdiction_ids=[lk.j.pk])) == []
    closed = list(kind.rows(jurisdiction_ids=[lk.j.pk], open_only=False))
    assert closed and closed[0].closed_at is not None
