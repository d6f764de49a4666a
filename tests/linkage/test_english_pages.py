"""The linkage and catalogue pages under the English interface: labels, tags, timelines and
export headers are English (department names, titles and other data stay as entered), and what a
write stores — push titles, frozen push content — stays Chinese (ADR 0006)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from shenguan.linkage import services as svc
from shenguan.linkage.models import Feedback, Push
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")


def english(user) -> Client:
    c = Client()
    c.force_login(user)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def _chrome(html: str) -> list[str]:
    """The interface's own words on a page: headings of tables and key-value lists, tags and the
    timeline's event labels (not the data cells around them)."""
    out = re.findall(r"<(?:th|dt)[^>]*>([^<]*)</(?:th|dt)>", html)
    out += re.findall(r'<span class="tag[^"]*"[^>]*>([^<]*)</span>', html)
    out += re.findall(r"<li data-tag=[^>]*><strong>([^<]*)</strong>", html)
    return [s.strip() for s in out if s.strip()]


def _completed_and_claimed(lk):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "LC-E-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=push)
    return rec, push


def test_english_push_page_has_no_chinese_labels(lk):
    rec, push = _completed_and_claimed(lk)
    c = english(lk.users["regulator_liaison"])
    resp = c.post(
        f"/linkage/feedback/new?record={rec.pk}",
        {
            "kind": "inspection",
            "abnormal": "1",
            "title": "检查发现问题",
            "content": "现场检查发现问题。",
            "published_on": dt.date.today().isoformat(),
            "record": rec.pk,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    html = c.get(f"/linkage/pushes/{push.pk}/").content.decode()
    assert '<html lang="en">' in html
    chrome = _chrome(html)
    assert len(chrome) > 20
    assert [s for s in chrome if HAN.search(s)] == []
    assert "Claim: Claimed by hand" in chrome
    assert "Pushed: Approval result" in chrome
    assert "Recorded: Inspection result" in chrome
    assert "<dd>Granted</dd>" in html  # the frozen result, labelled in the reader's language
    record_page = c.get(f"/linkage/records/{rec.pk}/").content.decode()
    assert "<h1>Approval case LC-E-1</h1>" in record_page


def test_an_english_write_stores_chinese(lk):
    """A feedback sent from the English interface: its push's title and frozen content keep the
    Chinese labels every reader's page translates from the codes."""
    rec, _push = _completed_and_claimed(lk)
    c = english(lk.users["regulator_liaison"])
    c.post(
        f"/linkage/feedback/new?record={rec.pk}",
        {
            "kind": "penalty",
            "title": "罚款",
            "content": "处以罚款。",
            "published_on": dt.date.today().isoformat(),
            "effective_on": dt.date.today().isoformat(),
            "document_number": "罚字〔2026〕1号",
            "record": rec.pk,
        },
    )
    fb = Feedback.objects.get(title="罚款")
    push = Push.objects.get(feedback=fb)
    assert push.title.startswith("行政处罚")
    assert push.snapshot.data["feedback"]["kind_label"] == "行政处罚"
    html = english(lk.users["bureau_liaison"]).get(f"/linkage/pushes/{push.pk}/").content
    assert "<h2>Administrative penalty</h2>" in html.decode()


def test_english_inbox_notice_and_export(lk):
    _completed_and_claimed(lk)
    c = english(lk.users["regulator_liaison"])
    html = c.get("/linkage/?box=claimed").content.decode()
    chrome = _chrome(html)
    assert "Claimed by hand" in chrome
    assert [s for s in chrome if HAN.search(s)] == []
    tabs = re.findall(r'data-testid="box-[a-z_]+">([^<]*)<', html)
    assert tabs == ["To claim", "Claimed", "Auto-claimed on timeout", "Sent", "All"]
    xlsx = c.get("/linkage/export.xlsx?box=claimed")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Linkage pushes (Claimed)"
    assert rows[1][0] == "Push number"
    assert [h for h in rows[1] if HAN.search(h)] == []
    assert rows[2][12:15] == ("Claimed", "Claimed by hand", lk.users["regulator_liaison"].full_name)


def test_english_catalogue_item_page(lk):
    c = english(lk.users["bureau_head"])
    html = c.get(f"/catalog/items/{lk.food.pk}/").content.decode()
    chrome = _chrome(html)
    assert [s for s in chrome if HAN.search(s)] == []
    assert "<td>Transferred</td>" in html
    assert "Administrative licensing" in html


def test_services_store_chinese_whatever_the_active_language(lk):
    """The services keep what they write Chinese even when called in English (an API client
    sending Accept-Language: en): push titles, frozen labels and notifications."""
    from django.utils import translation

    from shenguan.outbox.models import OutboxDelivery

    with translation.override("en"):
        rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "EN-1"))
        svc.record_complete(actor=lk.users["approver"], record=rec)
        approval = Push.objects.get(record=rec)
        fb = svc.feedback_create(
            actor=lk.users["regulator_liaison"],
            kind="revocation_opinion",
            title="建议注销",
            content="经营场所已灭失",
            record=rec,
            published_on=dt.date.today(),
        )
    assert approval.snapshot.data["record"]["result_label"] == "准予许可"
    back = Push.objects.get(feedback=fb)
    assert back.title == "吊销/注销处置意见：建议注销"
    assert back.snapshot.data["feedback"]["kind_label"] == "吊销/注销处置意见"
    titles = [
        d.target.get("title", "")
        for d in OutboxDelivery.objects.filter(event__aggregate_id__in=[str(back.pk)])
        if d.target
    ]
    assert titles and all(HAN.search(t) and "Revocation" not in t for t in titles)
