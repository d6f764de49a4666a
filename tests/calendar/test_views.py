"""Calendar pages: the year view, editing a day with htmx, uploading a file, the banner."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shenguan.calendar import banners
from shenguan.calendar.models import CalendarDay, CalendarYear
from shenguan.core.navigation import banners_for, navigation_for

from .conftest import YAML_2027


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_year_view_for_every_signed_in_user(world):
    assert Client().get(reverse("calendar:year")).status_code == 302  # to the login page
    c = client_for(world.users["inspector"])
    r = c.get(reverse("calendar:year", args=[2026]))
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('class="month card"') == 12
    assert 'data-testid="year-loaded"' in html and "provisional-notice" not in html
    # National Day marked and named; a make-up Saturday too; the entries list names the source.
    assert re.search(r'<td class="day-holiday" data-date="2026-10-01" title="国庆节">', html)
    assert re.search(r'<td class="day-workday" data-date="2026-10-10"', html)
    assert "chinese-calendar" in html  # the source notice of the seeded years
    assert 'href="/calendar/2004/"' in html  # loaded years
    # Read-only: no edit links for a regulator's inspector.
    assert reverse("calendar:day", args=["2026-10-01"]) not in html
    assert c.get(reverse("calendar:year")).status_code == 200  # the current year


@pytest.mark.django_db
def test_unloaded_year_shows_the_provisional_notice(world):
    r = client_for(world.users["system_admin"]).get("/calendar/2027/")
    html = r.content.decode()
    assert 'data-testid="provisional-notice"' in html
    assert reverse("calendar:import") in html
    assert client_for(world.users["system_admin"]).get("/calendar/1999/").status_code == 404


@pytest.mark.django_db
def test_nav_entries(world):
    def labels(user):
        return [str(e["label"]) for g in navigation_for(user) for e in g["entries"]]

    assert "工作日历" in labels(world.users["inspector"])
    assert "导入年度日历" not in labels(world.users["inspector"])
    assert "导入年度日历" in labels(world.users["system_admin"])


@pytest.mark.django_db
def test_edit_a_day_with_htmx(world, open_deadline):
    d = open_deadline(dt.date(2026, 11, 23), 3)
    c = client_for(world.users["system_admin"])
    url = reverse("calendar:day", args=["2026-11-25"])
    html = c.get(reverse("calendar:year", args=[2026])).content.decode()
    assert f'hx-get="{url}"' in html
    r = c.get(url, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'data-testid="day-form"' in r.content.decode()
    assert "<html" not in r.content.decode()  # a partial
    r = c.post(url, {"kind": "workday", "name": "x"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "不能设为调休上班日" in r.content.decode()
    r = c.post(url, {"kind": "holiday", "name": ""}, headers={"HX-Request": "true"})
    assert "请填写名称" in r.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 25)).exists()
    r = c.post(
        url, {"kind": "holiday", "name": "测试假日", "source": ""}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 204 and r["HX-Redirect"] == "/calendar/2026/"
    d.refresh_from_db()
    assert d.due_date == dt.date(2026, 11, 27)
    html = c.get("/calendar/2026/").content.decode()
    assert "重算进行中的时限 1 个" in html
    # Without htmx: a full page and a redirect.
    r = c.post(url, {"kind": "normal"})
    assert r.status_code == 302
    assert client_for(world.users["approver"]).get(url).status_code == 403
    assert client_for(world.users["approver"]).post(url, {"kind": "normal"}).status_code == 403


@pytest.mark.django_db
def test_upload_preview_then_confirm(world, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    c = client_for(world.users["system_admin"])
    url = reverse("calendar:import")
    assert c.get(url).status_code == 200
    assert client_for(world.users["approver"]).get(url).status_code == 403
    f = SimpleUploadedFile("calendar_2027_test.yaml", YAML_2027.read_bytes())
    r = c.post(url, {"step": "preview", "file": f})
    html = r.content.decode()
    assert 'data-testid="import-preview"' in html
    assert "2027-02-05 – 2027-02-13" in html
    assert re.search(r'data-testid="deadlines-moved">1 个进行中的时限将重算', html)
    assert not CalendarYear.objects.filter(year=2027).exists()
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    assert base64.b64decode(content) == YAML_2027.read_bytes()
    r = c.post(url, {"step": "confirm", "content": content, "filename": "x.yaml"})
    assert r.status_code == 302 and r["Location"] == "/calendar/2027/"
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (dt.date(2027, 1, 4), False)
    # A tampered confirmation is validated again and refused.
    bad = base64.b64encode(b"year: 2028\nsource: x\nholidays: []\n").decode()
    r = c.post(url, {"step": "confirm", "content": bad, "filename": "x.yaml"})
    assert 'data-testid="import-errors"' in r.content.decode()
    r = c.post(url, {"step": "confirm", "content": "%%%", "filename": "x.yaml"})
    assert r.status_code == 302 and r["Location"] == url


@pytest.mark.django_db
def test_upload_errors_are_listed_and_nothing_written(world):
    c = client_for(world.users["system_admin"])
    f = SimpleUploadedFile("bad.csv", "date,kind,name,source\n2026-02-30,休,春节,x\n".encode())
    html = c.post(reverse("calendar:import"), {"step": "preview", "file": f}).content.decode()
    assert 'data-testid="import-errors"' in html
    assert "第2行 “日期”：日期“2026-02-30”不存在" in html
    assert 'data-testid="import-preview"' not in html
    html = c.post(reverse("calendar:import"), {"step": "preview"}).content.decode()
    assert "请选择要导入的文件" in html


@pytest.mark.django_db
def test_banner_from_1_november_when_next_year_is_missing(world, monkeypatch):
    admin = world.users["system_admin"]
    assert banners.next_year_missing_banner(admin, on=dt.date(2026, 10, 31)) == []
    [b] = banners.next_year_missing_banner(admin, on=dt.date(2026, 11, 1))
    assert "2027" in b["text"] and b["url"].startswith(reverse("calendar:import"))
    assert banners.next_year_missing_banner(admin, on=dt.date(2026, 12, 31))
    assert banners.next_year_missing_banner(world.users["approver"], on=dt.date(2026, 11, 1)) == []
    assert banners.next_year_missing_banner(admin, on=dt.date(2025, 11, 1)) == []  # 2026 loaded
    # Through the page shell with a fixed today.
    monkeypatch.setattr(banners, "today", lambda: dt.date(2026, 11, 2))
    assert any("2027" in b["text"] for b in banners_for(admin))
    html = client_for(admin).get("/calendar/2026/").content.decode()
    assert 'data-testid="banner"' in html and "2027 年工作日历尚未导入" in html
    html = client_for(world.users["approver"]).get("/calendar/2026/").content.decode()
    assert "2027 年工作日历尚未导入" not in html
    monkeypatch.setattr(banners, "today", lambda: dt.date(2026, 10, 31))
    assert not any("2027" in b["text"] for b in banners_for(admin))
