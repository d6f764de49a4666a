"""Every home-page count links to the list filtered exactly as the count was computed (issue 12
item 10): the oracle is the list the link opens — it shows as many rows as the count says. The
section is not shown to oversight roles (they have their own monitoring home)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from shenguan.linkage import services as svc
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"]+)" data-testid="(count-[a-z-]+)">(\d+)</a>')


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr") - body.count('class="muted"')


def _world(lk):
    clerk, approver, reg = (
        lk.users["window_clerk"],
        lk.users["approver"],
        lk.users["regulator_liaison"],
    )
    recs = []
    for n in range(3):
        rec = svc.record_create(actor=clerk, data=record_data(lk.food, f"LC-HL-{n}"))
        svc.record_complete(actor=approver, record=rec)
        recs.append(rec)
    svc.record_create(actor=clerk, data=record_data(lk.food, "LC-HL-DRAFT"))
    common = {"content": "现场与材料不符", "published_on": dt.date.today()}
    svc.feedback_create(actor=reg, kind="correction_request", title="甲", record=recs[0], **common)
    svc.feedback_create(actor=reg, kind="correction_request", title="乙", record=recs[1], **common)
    fb = svc.feedback_create(
        actor=reg, kind="correction_request", title="丙", record=recs[2], **common
    )
    svc.correction_reply(
        actor=lk.users["bureau_liaison"], feedback=fb, outcome="explained", text="已整改。"
    )
    svc.feedback_create(actor=reg, kind="revocation_opinion", title="丁", record=recs[0], **common)
    return recs


@pytest.mark.parametrize("role", ["bureau_liaison", "regulator_liaison"])
def test_each_count_opens_the_list_filtered_as_counted(lk, role):
    _world(lk)
    c = login(lk.users[role])
    html = c.get("/").content.decode()
    links = LINK.findall(html)
    assert links
    seen = {}
    for url, tid, n in links:
        page = c.get(url.replace("&amp;", "&"))
        assert page.status_code == 200, url
        seen[tid] = (int(n), _rows(page.content.decode()))
    assert all(count == shown for count, shown in seen.values()), seen
    if role == "bureau_liaison":
        assert seen["count-replies"] == (2, 2)  # the answered request is not counted nor listed
        assert seen["count-drafts"] == (1, 1)


def test_oversight_roles_do_not_get_the_linkage_counts(lk):
    oversight = [u for u in lk.users.values() if u.is_oversight]
    assert oversight
    for u in oversight:
        assert 'data-testid="linkage-home"' not in login(u).get("/").content.decode()
