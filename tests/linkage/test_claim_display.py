"""How a push's claim reads on the pages: the claim mode once, the claimant only when a person
claimed it (a push claimed on push stores the mode as its claimant's name)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from shenguan.linkage import services as svc
from shenguan.linkage.models import ClaimedMode, Notice, Push
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _send_notice(lk) -> Notice:
    resp = login(lk.users["bureau_liaison"]).post(
        "/linkage/notices/new",
        {
            "kind": "document_copy",
            "title": "关于优化审批流程的通知",
            "content": "全文见附件。",
            "published_on": dt.date.today().isoformat(),
            "addressees": [lk.reg_a.pk],
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return Notice.objects.get(title="关于优化审批流程的通知")


def test_a_notice_claimed_on_push_shows_the_mode_once(yiyang):
    notice = _send_notice(yiyang)
    push = Push.objects.get(notice=notice)
    assert push.claimed_mode == ClaimedMode.ON_PUSH
    assert push.claimed_by_name == "推送即认领"  # the stored name repeats the mode
    html = login(yiyang.users["bureau_liaison"]).get(f"/linkage/notices/{notice.pk}/")
    text = _text(html.content.decode())
    assert text.count("推送即认领") == 1, text
    assert "已认领（推送即认领 " in text


def test_a_push_claimed_on_push_shows_the_mode_once(yiyang):
    rec = svc.record_create(
        actor=yiyang.users["window_clerk"], data=record_data(yiyang.food, "YY-D-1")
    )
    (push,) = svc.record_complete(actor=yiyang.users["approver"], record=rec)
    reg = login(yiyang.users["regulator_liaison"])
    text = _text(reg.get(f"/linkage/pushes/{push.pk}/").content.decode())
    card = text.split("履行监管职责")[1].split("查看办件")[0]
    assert card.count("推送即认领") == 1, card
    timeline = text.split("时间线")[-1]
    assert timeline.count("推送即认领") == 1, timeline
    rec_page = login(yiyang.users["approver"]).get(f"/linkage/records/{rec.pk}/")
    rec_text = _text(rec_page.content.decode())
    assert rec_text.count("推送即认领") == 1, rec_text


def test_a_manual_claim_names_the_claimant(lk):
    notice = _send_notice(lk)
    push = Push.objects.get(notice=notice)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=push)
    push.refresh_from_db()
    assert push.claimed_mode == ClaimedMode.MANUAL and push.claimant_name
    html = login(lk.users["bureau_liaison"]).get(f"/linkage/notices/{notice.pk}/")
    text = _text(html.content.decode())
    assert f"已认领（人工认领 {push.claimed_by_name} " in text
