"""Public notices (000 §19) under wuhai-2018: one regulator objects in writing, one is silent —
at the end the silent one is recorded as having no objection at the end of the period's last
day (working days counted against chinese-calendar across the National Day holiday); the sweep
closes every due notice set-based and is idempotent; the public's comments are rate limited;
personal data in the content is masked."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.catalog.models import LicensingItem
from shenguan.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from shenguan.org.roles import Role
from shenguan.outbox.models import OutboxEvent
from shenguan.review import services as svc
from shenguan.review.models import NoticeParty, PublicNotice
from tests import factories

from .conftest import draft_case, moment
from .test_opinions import oracle_add

pytestmark = pytest.mark.django_db
START = dt.date(2026, 9, 28)


def publish(lk, case="PN-1", start=START, unit="working", days=10):
    LicensingItem.objects.filter(pk=lk.food.pk).update(needs_public_notice=True)
    lk.food.refresh_from_db()
    rec = draft_case(lk, case, accepted=start - dt.timedelta(days=7))
    return svc.notice_publish(
        actor=lk.users["approver"],
        record=rec,
        title="关于张三食品经营许可申请的公示",
        content="申请人张三（身份证号370102199001011234，电话13806351234）申请食品经营许可。",
        period_unit=unit,
        period_days=days,
        regulators=[lk.reg_a, lk.reg_b],
        starts_on=start,
        at=moment(start, 9),
    )


def test_wuhai_one_objects_one_silent_deemed_no_objection_on_the_right_day(wuhai):
    lk = wuhai
    reg_b_user = factories.user(lk.reg_b, Role.REGULATOR_LIAISON, username="wh_reg_b")
    n = publish(lk)
    assert n.ends_on == oracle_add(START, 9)  # the start day counts as the first working day
    assert "370102********1234" in n.content and "138****1234" in n.content
    assert n.applicant_shown == "张*"
    with pytest.raises(ValidationFailed):
        svc.notice_answer(actor=lk.users["regulator_liaison"], notice=n, objection=True, text="")
    svc.notice_answer(
        actor=lk.users["regulator_liaison"],
        notice=n,
        objection=True,
        text="经核查，经营场所存在违规搭建，建议暂缓许可",
        at=moment(dt.date(2026, 10, 9)),
    )
    with pytest.raises(Conflict):
        svc.notice_close(actor=lk.users["approver"], notice=n, at=moment(n.ends_on, 17))
    after = moment(n.ends_on + dt.timedelta(days=1), 9)
    with pytest.raises(Conflict):  # silence past the deadline: too late to answer
        svc.notice_answer(actor=reg_b_user, notice=n, objection=False, at=after)
    svc.notice_close(actor=lk.users["approver"], notice=n, at=after)
    a = NoticeParty.objects.get(notice=n, department=lk.reg_a)
    b = NoticeParty.objects.get(notice=n, department=lk.reg_b)
    assert a.answer == "objection"
    assert b.answer == "deemed" and b.answered_by_name == "系统（逾期视为无异议）"
    from django.utils import timezone

    local = timezone.localtime(b.answered_at)
    assert local.date() == n.ends_on + dt.timedelta(days=1) and local.hour == 0
    ev = OutboxEvent.objects.get(event_type="public_notice.closed")
    assert ev.payload["deemed_no_objection"] == [lk.reg_b.pk]
    svc.notice_handle(
        actor=lk.users["approver"], notice=n, party=a, handling="已约申请人整改，复核后再作决定"
    )
    page_client = _client(lk.users["approver"])
    page = page_client.get(f"/linkage/records/{n.record_id}/").content.decode()
    assert "逾期视为无异议" in page


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_sweep_closes_due_notices_only_and_is_idempotent(lk):
    due = publish(lk, "PN-A", start=dt.date(2026, 3, 2), unit="calendar", days=7)
    later = publish(lk, "PN-B", start=dt.date(2026, 3, 5), unit="calendar", days=7)
    assert due.ends_on == dt.date(2026, 3, 8) and later.ends_on == dt.date(2026, 3, 11)
    now = moment(dt.date(2026, 3, 10))
    assert svc.notices_close_due(now=now) == 1
    assert svc.notices_close_due(now=now) == 0
    assert PublicNotice.objects.get(pk=due.pk).state == "closed"
    assert PublicNotice.objects.get(pk=later.pk).state == "open"
    assert set(NoticeParty.objects.filter(notice=due).values_list("answer", flat=True)) == {
        "deemed"
    }
    assert not NoticeParty.objects.filter(notice=later).exclude(answer="pending").exists()


def test_public_page_and_rate_limited_comments(lk, settings):
    from django.test import Client

    today = dt.date.today()
    n = publish(lk, "PN-P", start=today, unit="calendar", days=10)
    anon = Client()
    page = anon.get(f"/review/public/notices/{n.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "关于张三食品经营许可申请的公示" in body and "13806351234" not in body
    assert n.title in anon.get(f"/review/public/{lk.j.code}/notices/").content.decode()
    for i in range(5):
        svc.notice_comment(notice=n, name="", contact="", text=f"意见{i}", client_key="1.2.3.4")
    with pytest.raises(RateLimited):
        svc.notice_comment(notice=n, name="", contact="", text="再一条", client_key="1.2.3.4")
    r = anon.post(f"/review/public/notices/{n.pk}/comment", {"text": "支持"})
    assert r.status_code == 302 and n.comments.count() == 6
    with pytest.raises(PermissionDenied):
        svc.notice_answer(actor=lk.users["approver"], notice=n, objection=False)
