"""The oversight pages render for the roles they are for, scope their lists, and every
dashboard number links to a filtered list that shows the same rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from shenguan.linkage.models import Push
from shenguan.linkage.sweeps import push_auto_claim_due
from shenguan.oversight import services as osvc
from shenguan.oversight.models import Alert, Bulletin, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .helpers import approve, at

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def data(lk):
    world = lk.extra["world"]
    recs = [approve(lk, lk.food, when=at(2026, 1, 5 + i, 10)) for i in range(6)]
    push_auto_claim_due(now=at(2026, 4, 1, 0, 5))
    monitor_sweep(now=at(2026, 4, 1, 0, 6), since=at(2025, 12, 1))
    open_push = approve(lk, lk.food)  # pushed now, due in two working days
    monitor_sweep(since=at(2025, 12, 1))
    reform = world.users["reform_staff"]
    b = osvc.bulletin_generate(
        actor=reform, jurisdiction=lk.j, period_start=dt.date(2026, 1, 1), as_of=at(2026, 4, 2)
    )
    osvc.bulletin_review(actor=reform, bulletin=b, remarks="已核对")
    b = osvc.bulletin_publish(actor=reform, bulletin=b)
    esc = osvc.escalation_remind(
        actor=world.users["bureau_head"], department=lk.reg_a, summary="超期认领", bulletin=b
    )
    return {"world": world, "recs": recs, "bulletin": b, "esc": esc, "open": open_push}


def test_pages_render_for_their_roles(lk, data):
    world = data["world"]
    b, esc = data["bulletin"], data["esc"]
    alert = Alert.objects.filter(department=lk.reg_a).first()
    task = SupervisionTask.objects.filter(department=lk.reg_a).first()
    step = esc.steps.first()
    pages = {
        "discipline_inspector": [
            "/oversight/",
            "/oversight/alerts/",
            f"/oversight/alerts/{alert.pk}/",
            "/oversight/supervision/",
            f"/oversight/supervision/{task.pk}/",
            "/oversight/bulletins/",
            f"/oversight/bulletins/{b.pk}/",
            "/oversight/escalations/",
            f"/oversight/escalations/{esc.pk}/",
            f"/oversight/steps/{step.pk}/document",
            "/oversight/scores/?year=2026",
            "/",
        ],
        "reform_staff": ["/oversight/", f"/oversight/bulletins/{b.pk}/", "/"],
        "bureau_head": ["/oversight/", "/oversight/feedback/", "/oversight/escalations/", "/"],
        "regulator_liaison": [
            f"/oversight/alerts/{alert.pk}/",
            f"/oversight/supervision/{task.pk}/",
            f"/linkage/pushes/{task.push_id}/",
            f"/linkage/records/{data['recs'][0].pk}/",
            "/",
        ],
    }
    for role, urls in pages.items():
        c = client(world.users[role])
        for url in urls:
            r = c.get(url)
            assert r.status_code == 200, (role, url, r.status_code)
    # downloads
    c = client(world.users["regulator_liaison"])
    r = c.get(f"/oversight/bulletins/{b.pk}/bulletin.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    assert c.get(f"/oversight/bulletins/{b.pk}/bulletin.pdf")["Content-Type"] == "application/pdf"
    assert c.get(f"/oversight/bulletins/{b.pk}/bulletin.doc").status_code == 404
    # the dashboard is not for departments; another department's alert is 404
    assert c.get("/oversight/").status_code == 403
    other = client(world.users["reg_b_liaison"])
    assert other.get(f"/oversight/alerts/{alert.pk}/").status_code == 404
    assert other.get(f"/oversight/supervision/{task.pk}/").status_code == 404
    assert other.get(f"/oversight/escalations/{esc.pk}/").status_code == 404


def _numbers(html: str, testid: str) -> tuple[int, str]:
    m = re.search(rf'href="([^"]+)" data-testid="{testid}"><span class="n">(\d+)</span>', html)
    return int(m.group(2)), m.group(1).replace("&amp;", "&")


def test_dashboard_numbers_drill_down_to_the_same_rows(lk, data):
    c = client(data["world"].users["discipline_inspector"])
    html = c.get("/oversight/").content.decode()
    n, url = _numbers(html, "count-red")
    assert n == Alert.objects.filter(level="red", closed_at__isnull=True).count() > 0
    listed = c.get(url).content.decode()
    assert listed.count('data-level="red"') == n
    # a department's claim figure links to the pushes behind it
    r = c.get(
        f"/oversight/claims/?department={lk.reg_a.pk}&from=2026-01-01&to=2026-03-31&status=timeout"
    )
    ids = set(map(int, re.findall(r'<tr data-id="(\d+)"', r.content.decode())))
    expected = set(
        Push.objects.filter(addressee_department=lk.reg_a, record__in=data["recs"]).values_list(
            "pk", flat=True
        )
    )
    assert ids == expected


def test_forms_refuse_bad_input_with_a_message(lk, data):
    world = data["world"]
    alert = Alert.objects.filter(department=lk.reg_a).first()
    c = client(world.users["regulator_liaison"])
    r = c.post(f"/oversight/alerts/{alert.pk}/explain", {"explanation": ""}, follow=True)
    assert "请填写情况说明" in r.content.decode()
    r = c.post(f"/oversight/alerts/{alert.pk}/explain", {"explanation": "节假日值班人员未及时登录"})
    alert.refresh_from_db()
    assert alert.explanation.startswith("节假日")
    d = client(world.users["discipline_inspector"])
    r = d.post(f"/oversight/alerts/{alert.pk}/review", {"review": "excused"}, follow=True)
    assert "须填写核查意见" in r.content.decode()
    d.post(f"/oversight/alerts/{alert.pk}/review", {"review": "verified"})
    alert.refresh_from_db()
    assert alert.review == "verified"
    assert c.post(f"/oversight/alerts/{alert.pk}/review", {"review": "verified"}).status_code == 403
    assert Bulletin.objects.count() == 1
