"""Scenarios per policy profile (issue 4 "Tests"): liaocheng-2021, yiyang-2023, wuhai-2018."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shenguan.calendar import workdays
from shenguan.linkage import selectors as sel
from shenguan.linkage import services as svc
from shenguan.linkage.models import (
    ClaimedMode,
    FeedbackState,
    Licence,
    LicenceState,
    Push,
    PushKind,
    PushState,
)
from shenguan.linkage.sweeps import push_auto_claim_due
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

SH = workdays.SHANGHAI


def local(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


def nth_working_day_after(start: dt.date, n: int) -> dt.date:
    """Oracle independent of our calendar table: chinese-calendar, day by day."""
    d = start
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def test_liaocheng_2021(lk):
    """A push before National Day with the make-up Saturday: the deadline lands on the right day;
    unclaimed it is auto-claimed at the deadline and counted late; feedback sent on the 4th
    working day after its publication is flagged late; the bureau claims on timeout."""
    clerk, approver = lk.users["window_clerk"], lk.users["approver"]
    rec = svc.record_create(
        actor=clerk,
        data=record_data(
            lk.food, "LC-2026-ND", accepted_on=dt.date(2026, 9, 20), decided_on=dt.date(2026, 10, 8)
        ),
    )
    (push,) = svc.record_complete(actor=approver, record=rec, at=local(2026, 10, 8, 16))
    # 8 Oct (Thu) received; 9 Oct (Fri) is day 1; 10 Oct, a make-up Saturday, is day 2
    assert push.claim_due_date == nth_working_day_after(dt.date(2026, 10, 8), 2)
    assert push.claim_due_date == dt.date(2026, 10, 10)
    # nobody claims: the worker claims it at the deadline, late
    assert push_auto_claim_due(now=local(2026, 10, 10, 23, 59))["claimed"] == 0
    assert push_auto_claim_due(now=local(2026, 10, 11, 0, 0))["claimed"] == 1
    push = sel.push_get(user=lk.users["regulator_liaison"], pk=push.pk)
    assert (push.state, push.claimed_mode, push.claim_late) == (
        PushState.CLAIMED,
        ClaimedMode.TIMEOUT,
        True,
    )
    # the regulator inspects; the result is published on Monday 12 Oct; 3 working days → 15 Oct
    published = dt.date(2026, 10, 12)
    day4 = nth_working_day_after(published, 4)
    assert day4 == dt.date(2026, 10, 16)
    fb = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="inspection",
        abnormal=True,
        title="日常监督检查发现问题",
        content="后厨卫生不合格，责令限期整改。",
        published_on=published,
        record=rec,
        at=local(2026, 10, 16, 9),
    )
    assert fb.send_due_date == nth_working_day_after(published, 3)
    assert fb.send_late is True
    on_time = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="admin_measure",
        title="责令整改",
        content="责令限期整改。",
        published_on=published,
        record=rec,
        at=local(2026, 10, 15, 17),
    )
    assert on_time.send_late is False
    # the bureau has 2 working days to claim; unclaimed → timeout
    bp = Push.objects.get(feedback=fb)
    assert bp.kind == PushKind.FEEDBACK and bp.addressee_department_id == lk.bureau.pk
    assert bp.claim_due_date == nth_working_day_after(dt.date(2026, 10, 16), 2)
    # the other one the bureau liaison claims in time
    bp2 = Push.objects.get(feedback=on_time)
    bp2 = svc.push_claim(actor=lk.users["bureau_liaison"], push=bp2, at=local(2026, 10, 16, 10))
    assert bp2.claim_late is False
    push_auto_claim_due(now=bp.claim_due_at)
    bp = sel.push_get(user=lk.users["bureau_liaison"], pk=bp.pk)
    assert bp.claimed_mode == ClaimedMode.TIMEOUT
    timeline = sel.push_timeline(user=lk.users["regulator_liaison"], push=push)
    labels = [e["label"] for e in timeline]
    assert labels[0] == "受理"
    assert any("超时自动认领" in x for x in labels)
    assert any("监督检查结果" in x for x in labels)


def test_yiyang_2023(yiyang):
    """Claimed on push (推送即认领); a normal inspection result is recorded without a push; an
    abnormal one is pushed and claimed on push by the bureau; a penalty waits until effective."""
    lk = yiyang
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "YY-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    assert push.state == PushState.CLAIMED
    assert push.claimed_mode == ClaimedMode.ON_PUSH
    assert push.claimed_at == push.pushed_at
    assert push.claim_late is False
    assert sel.push_list(user=lk.users["regulator_liaison"], box="to_claim").count() == 0
    assert sel.push_list(user=lk.users["regulator_liaison"], box="claimed").count() == 1
    normal = svc.feedback_create(
        actor=lk.users["inspector"],
        kind="inspection",
        abnormal=False,
        title="日常检查",
        content="检查结果正常。",
        published_on=dt.date.today(),
        record=rec,
    )
    assert normal.state == FeedbackState.RECORDED
    assert not Push.objects.filter(feedback=normal).exists()
    abnormal = svc.feedback_create(
        actor=lk.users["inspector"],
        kind="spot_check",
        abnormal=True,
        title="抽检不合格",
        content="抽检发现不合格产品。",
        published_on=dt.date.today(),
        record=rec,
    )
    bp = Push.objects.get(feedback=abnormal)
    assert bp.state == PushState.CLAIMED and bp.claimed_mode == ClaimedMode.ON_PUSH
    # penalties are sent once effective
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(Exception) as err:
        svc.feedback_create(
            actor=lk.users["inspector"],
            kind="penalty",
            title="行政处罚",
            content="罚款。",
            published_on=dt.date.today(),
            record=rec,
        )
    assert getattr(err.value, "field", None) == "effective_on"
    held = svc.feedback_create(
        actor=lk.users["inspector"],
        kind="penalty",
        title="行政处罚决定",
        content="罚款五千元。",
        published_on=dt.date.today(),
        effective_on=tomorrow,
        record=rec,
    )
    assert held.state == FeedbackState.HELD
    assert not Push.objects.filter(feedback=held).exists()
    from shenguan.linkage.sweeps import feedback_release_due

    assert (
        feedback_release_due(now=local(tomorrow.year, tomorrow.month, tomorrow.day, 0, 30))[
            "released"
        ]
        == 1
    )
    held.refresh_from_db()
    assert held.state == FeedbackState.PUSHED
    assert Push.objects.filter(feedback=held).count() == 1


def test_wuhai_2018(wuhai, client):
    """A revocation opinion → the bureau cancels the licence → public verification shows it."""
    lk = wuhai
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "WH-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    lic = Licence.objects.get(record=rec)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=push)
    opinion = svc.feedback_create(
        actor=lk.users["regulator_leader"],
        kind="revocation_opinion",
        title="建议注销食品经营许可证",
        content="经营者已停业一年以上，建议予以注销。",
        published_on=dt.date.today(),
        document_number="乌市监处〔2026〕8号",
        licence=lic,
    )
    assert opinion.record_id == rec.pk
    d = svc.disposal_record(
        actor=lk.users["approver"],
        feedback=opinion,
        outcome="cancel",
        decision_number="乌审批注〔2026〕3号",
        decided_on=dt.date.today(),
    )
    lic.refresh_from_db()
    assert lic.state == LicenceState.CANCELLED
    assert lic.events.last().decision_number == "乌审批注〔2026〕3号"
    back = Push.objects.get(kind=PushKind.DISPOSAL, feedback=opinion)
    assert back.addressee_department_id == lk.reg_a.pk
    assert back.snapshot.data["disposal"]["outcome"] == "cancel"
    # the bureau's feedback push was claimed implicitly by the disposal
    assert Push.objects.get(kind=PushKind.FEEDBACK, feedback=opinion).state == PushState.CLAIMED
    assert d.licence_id == lic.pk
    # the whole story on the regulator's detail page: pushed → claimed → opinion → disposal
    timeline = sel.push_timeline(user=lk.users["regulator_liaison"], push=push)
    tags = [e["tag"] for e in timeline if e["tag"]]
    assert tags.index("push") < tags.index("claim") < tags.index("feedback")
    assert tags.index("feedback") < tags.index("disposal")
    assert any("有效 → 注销" in e["label"] for e in timeline)
    # anyone can verify the licence without logging in: cancelled, the holder masked
    resp = client.get("/public/licences/verify", {"number": lic.number})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "注销" in body and lic.number in body
    assert "张*" in body and "张三" not in body
    assert rec.applicant_id_number[:6] not in body  # no identity number on the public page
    (public,) = client.get("/api/v1/linkage/verify", {"number": lic.number}).json()
    assert (public["state"], public["holder"]) == ("cancelled", "张*")
