"""The calendar API under /api/v1/calendar/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.calendar.models import CalendarDay, CalendarYear
from shenguan.org import services as org
from shenguan.org.roles import Role

from .conftest import CSV_2027, YAML_2027

BASE = "/api/v1/calendar"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def upload(c: Client, path=YAML_2027, content: bytes | None = None, name=None, **form):
    f = SimpleUploadedFile(name or path.name, content if content is not None else path.read_bytes())
    return c.post(f"{BASE}/import", {"file": f, **form})


@pytest.mark.django_db
def test_reads_need_a_signed_in_user_or_token(world):
    assert Client().get(f"{BASE}/years/2026").status_code == 401
    r = client_for(world.users["inspector"]).get(f"{BASE}/years/2026")
    assert r.status_code == 200
    body = r.json()
    assert body["loaded"] and not body["provisional"]
    import chinese_calendar

    expected = len(chinese_calendar.get_workdays(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert body["working_days"] == expected
    first = body["days"][0]
    assert first == {
        "date": "2026-01-01",
        "weekday": 4,
        "kind": "holiday",
        "name": "元旦",
        "source": first["source"],
    }
    r = client_for(world.users["inspector"]).get(f"{BASE}/years/2027")
    assert r.json()["provisional"] and r.json()["days"] == []
    token = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="监管系统",
        roles={Role.REGULATOR_LIAISON},
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )[1]
    r = Client().get(f"{BASE}/years", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()[-1]["year"] == 2026


@pytest.mark.django_db
def test_working_day_arithmetic(world):
    import chinese_calendar

    c = client_for(world.users["approver"])
    r = c.get(f"{BASE}/working-days/add", {"start": "2026-09-30", "n": 2})
    assert r.status_code == 200
    assert r.json()["due_date"] == "2026-10-09" and r.json()["provisional"] is False
    assert (
        r.json()["due_date"] == chinese_calendar.find_workday(2, dt.date(2026, 9, 30)).isoformat()
    )
    # After office hours (Friday 18:00 Beijing time) the count starts on Monday.
    r = c.get(f"{BASE}/working-days/add", {"start": "2026-11-20T18:00:00+08:00", "n": 2})
    assert r.json()["received"] == "2026-11-23" and r.json()["due_date"] == "2026-11-25"
    r = c.get(f"{BASE}/working-days/add", {"start": "2026-12-30", "n": 2})
    assert r.json()["due_date"] == "2027-01-01"
    assert r.json()["provisional"] is True
    r = c.get(f"{BASE}/working-days/between", {"a": "2026-09-30", "b": "2026-10-09"})
    assert r.json()["working_days"] == 2 and r.json()["provisional"] is False
    r = c.get(f"{BASE}/working-days/between", {"a": "2026-12-01", "b": "2027-01-10"})
    assert r.json()["provisional"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("working-days/add", {"start": "2026-02-30", "n": 1}, "start"),
        ("working-days/add", {"start": "yesterday", "n": 1}, "start"),
        ("working-days/add", {"start": "2026-11-20", "n": -1}, "n"),
        ("working-days/add", {"start": "2026-11-20", "n": "x"}, "n"),
        ("working-days/add", {"start": "1999-01-01", "n": 1}, "start"),
        ("working-days/add", {"start": "2100-12-30", "n": 5}, "n"),
        ("working-days/between", {"a": "2026-02-30", "b": "2026-03-01"}, "a"),
        ("working-days/between", {"a": "2026-01-01", "b": "2200-01-01"}, "b"),
        ("years/1999", {}, "year"),
    ],
)
def test_bad_input_is_422_with_a_chinese_message(world, path, params, field):
    r = client_for(world.users["approver"]).get(f"{BASE}/{path}", params)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["field"] == field and body["code"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


@pytest.mark.django_db
def test_import_dry_run_then_import(world, open_deadline):
    d = open_deadline(dt.date(2026, 12, 30), 2)
    c = client_for(world.users["system_admin"])
    events = AuditEvent.objects.count()
    r = upload(c, dry_run="true")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["dry_run"] and body["year"] == 2027 and body["holidays"] == 29
    assert body["deadlines_moved"] == 1 and body["recomputed"] is None
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.count() == events
    r = upload(c, CSV_2027)
    assert r.status_code == 200 and r.json()["recomputed"] == 1 and not r.json()["replaced"]
    d.refresh_from_db()
    assert d.due_date == dt.date(2027, 1, 4) and not d.provisional
    r = upload(c, dry_run="1")
    assert r.json()["replaced"] and r.json()["added"] == r.json()["removed"] == []


@pytest.mark.django_db
def test_import_errors_list_every_problem_and_write_nothing(world):
    c = client_for(world.users["system_admin"])
    bad = (
        "date,kind,name,source\n2027-01-01,休,x,y\n2026-02-30,holiday,x,\n2027-01-04,workday,x,\n"
    ).encode()
    r = upload(c, content=bad, name="bad.csv")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_failed"
    assert [(p["line"], p["field"], p["code"]) for p in body["problems"]] == [
        (3, "date", "bad_date"),
        (4, "date", "workday_on_weekday"),
    ]
    r = upload(c, content=b"date,kind,name\n2027-01-01,holiday,x\n", name="bad.csv")
    assert r.status_code == 422 and r.json()["problems"][0]["code"] == "missing_column"
    r = upload(c, YAML_2027, year="2028")
    assert r.status_code == 422 and r.json()["problems"][0]["code"] == "unexpected_year"
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_only_calendar_administrators_write(world):
    for role in ("approver", "security_admin", "audit_admin", "discipline_inspector"):
        c = client_for(world.users[role])
        assert upload(c, dry_run="true").status_code == 403
        r = c.put(
            f"{BASE}/days/2026-11-25",
            {"kind": "holiday", "name": "x"},
            content_type="application/json",
        )
        assert r.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied").count() >= 8
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 25)).exists()


@pytest.mark.django_db
def test_put_a_day(world, open_deadline):
    d = open_deadline(dt.date(2026, 11, 23), 3)
    c = client_for(world.users["system_admin"])
    r = c.put(
        f"{BASE}/days/2026-11-25",
        {"kind": "holiday", "name": "测试假日"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["recomputed"] == 1 and r.json()["kind"] == "holiday"
    d.refresh_from_db()
    assert d.due_date == dt.date(2026, 11, 27)
    r = c.put(
        f"{BASE}/days/2026-11-24", {"kind": "workday", "name": "x"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["code"] == "workday_on_weekday"
    r = c.put(
        f"{BASE}/days/2026-02-30", {"kind": "holiday", "name": "x"}, content_type="application/json"
    )
    assert r.status_code == 422
    r = c.put(
        f"{BASE}/days/2027-03-01", {"kind": "holiday", "name": "x"}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "year_not_loaded"
    r = c.put(f"{BASE}/days/2026-11-25", {"kind": "sometimes"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = c.put(f"{BASE}/days/2026-11-25", {"kind": "normal"}, content_type="application/json")
    assert r.json() == {
        "date": "2026-11-25",
        "kind": "normal",
        "name": "",
        "source": "",
        "changed": True,
        "recomputed": 1,
    }
