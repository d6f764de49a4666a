"""The audit viewer and the audit API: filters, detail side by side, verify, head, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client

from shenguan.audit import triggers
from shenguan.audit.models import AuditEvent
from shenguan.audit.services import audit_record
from shenguan.org import services as org
from shenguan.org.roles import Role

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def auditor(world):
    c = Client()
    c.force_login(world.users[Role.AUDIT_ADMIN])
    return c


def record_at(when: dt.datetime, **kw):
    """An audit event stamped at a given instant (the clock is moved for this one call)."""
    import django.utils.timezone as tz

    real = tz.now
    tz.now = lambda: when
    try:
        return audit_record(**kw)
    finally:
        tz.now = real


def seqs(resp) -> set[int]:
    html = resp.content.decode()
    return {int(part.split('"', 1)[0]) for part in html.split('data-seq="')[1:]}


def test_filters_by_action_prefix_actor_object_and_outcome(world, auditor):
    sysadm = org.user_update(actor=None, user=world.users[Role.SYSTEM_ADMIN], full_name="甲管理员")
    dept = world.depts["reg_a"]
    org.department_update(actor=sysadm, department=dept, short_name="市监")
    a = AuditEvent.objects.filter(action="org.department.update").get()
    denied = audit_record(
        actor=world.users[Role.INSPECTOR],
        action="page.denied",
        obj=("page", "/org/users/"),
        outcome="denied",
    )
    # a prefix: every org.department.* event, nothing else
    got = seqs(auditor.get("/audit/?action=org.department"))
    assert a.seq in got and denied.seq not in got
    assert {AuditEvent.objects.get(seq=s).action.startswith("org.department.") for s in got} == {
        True
    }
    assert seqs(auditor.get("/audit/?action=org.department.up")) == {a.seq}
    assert seqs(auditor.get("/audit/?actor=甲管理")) == {a.seq}
    got = seqs(auditor.get(f"/audit/?object_type=org.department&object_id={dept.pk}"))
    assert a.seq in got and all(
        AuditEvent.objects.get(seq=s).object_id == str(dept.pk) for s in got
    )
    assert seqs(auditor.get("/audit/?outcome=denied&action=page")) == {denied.seq}
    assert seqs(auditor.get("/audit/?outcome=ok&action=page")) == set()


def test_date_range_uses_shanghai_days_inclusive(world, auditor):
    # 2026-03-01 23:30 in Shanghai is 15:30 UTC the same day; 2026-03-02 00:30 is 16:30 UTC 03-01
    late = record_at(
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI),
        actor=None,
        action="test.dated",
        obj=("t", 1),
        jurisdiction_id=world.city.pk,
    )
    early = record_at(
        dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI),
        actor=None,
        action="test.dated",
        obj=("t", 2),
        jurisdiction_id=world.city.pk,
    )
    base = "/audit/?action=test.dated"
    assert seqs(auditor.get(f"{base}&since=2026-03-01&until=2026-03-01")) == {late.seq}
    assert seqs(auditor.get(f"{base}&since=2026-03-02")) == {early.seq}
    assert seqs(auditor.get(f"{base}&until=2026-03-02")) == {late.seq, early.seq}
    # an impossible date is a form error, not a 500, and shows nothing
    r = auditor.get(f"{base}&since=2026-02-30")
    assert r.status_code == 200 and seqs(r) == set()
    # the API takes the same filters
    r = auditor.get("/api/v1/audit/events?action=test.dated&since=2026-03-02")
    assert [e["seq"] for e in r.json()["items"]] == [early.seq]
    r = auditor.get("/api/v1/audit/events?since=2026-02-30")
    assert r.status_code == 422 and r.json()["field"] == "since"


def test_detail_shows_before_and_after_side_by_side_masked(world, auditor):
    u = world.users[Role.INSPECTOR]
    org.user_update(
        actor=world.users[Role.SYSTEM_ADMIN], user=u, phone="13912345678", full_name="新名字"
    )
    ev = AuditEvent.objects.filter(action="org.user.update", object_id=str(u.pk)).get()
    html = auditor.get(f"/audit/events/{ev.seq}/").content.decode()
    table = html[html.index('data-testid="before-after"') :]
    table = table[: table.index("</table>")]
    row = table[table.index("<code>full_name</code>") :]
    row = row[: row.index("</tr>")]
    assert "变更" in row and "测试用户" in row and "新名字" in row
    assert "13912345678" not in html and "139****5678" in html
    assert ev.hash in html and ev.prev_hash in html
    r = auditor.get(f"/api/v1/audit/events/{ev.seq}")
    assert r.json()["after"]["phone"] == "139****5678"
    assert r.json()["hash"] == ev.hash


def test_head_is_shown_to_copy(world, auditor):
    head = AuditEvent.objects.order_by("-seq").first()
    html = auditor.get("/audit/").content.decode()
    assert f'value="{head.seq}:{head.hash}"' in html
    r = auditor.get("/api/v1/audit/head")
    last = AuditEvent.objects.order_by("-seq").first()
    assert r.json()["seq"] == last.seq and r.json()["hash"] == last.hash


def test_verify_reports_ok_and_is_audited(world, auditor):
    r = auditor.post("/audit/verify/", headers={"HX-Request": "true"})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-ok="1"' in html and "OK" in html
    assert "<html" not in html  # htmx gets the fragment
    assert AuditEvent.objects.filter(action="audit.verify").count() == 1
    r = auditor.post("/api/v1/audit/verify")
    assert r.json()["ok"] is True and r.json()["checked"] >= 1
    assert auditor.get("/audit/verify/").status_code == 405


def test_verify_names_the_first_broken_link(world, auditor):
    target = AuditEvent.objects.order_by("seq")[3]
    triggers.drop(connection)
    try:
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_auditevent SET actor_name='冒名' WHERE id=%s", [target.pk])
    finally:
        triggers.install(connection)
    html = auditor.post("/audit/verify/").content.decode()
    assert 'data-ok="0"' in html
    assert f"第 {target.seq} 条事件（id={target.pk}）" in html and "记录被改动" in html
    assert f'href="/audit/events/{target.seq}/"' in html
    body = auditor.post("/api/v1/audit/verify").json()
    assert body["ok"] is False and body["broken_seq"] == target.seq


def test_csv_export_of_the_filtered_list_is_audited_and_masked(world, auditor):
    u = world.users[Role.INSPECTOR]
    org.user_update(actor=world.users[Role.SYSTEM_ADMIN], user=u, phone="13912345678")
    r = auditor.get("/audit/export.csv?action=org.user.update")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    data = b"".join(r.streaming_content).decode("utf-8")
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data[1:])))
    assert rows[0][0] == "序号" and rows[0][6] == "动作"
    body = rows[1:]
    assert body and all(row[6] == "org.user.update" for row in body)
    assert "13912345678" not in data and "139****5678" in data
    exp = AuditEvent.objects.filter(action="audit.export").get()
    assert exp.after == {"filters": {"action": "org.user.update"}}
    assert exp.actor_id == world.users[Role.AUDIT_ADMIN].pk


@pytest.mark.parametrize(
    "role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.DISCIPLINE_INSPECTOR]
)
def test_only_the_audit_admin_reads_the_trail(world, role):
    c = Client()
    c.force_login(world.users[role])
    for url in ("/audit/", "/audit/export.csv", "/api/v1/audit/events", "/api/v1/audit/head"):
        assert c.get(url).status_code == 403, url
    assert c.post("/audit/verify/").status_code == 403
    assert c.post("/api/v1/audit/verify").status_code == 403


def test_county_auditor_sees_only_its_jurisdiction_and_unattributed_events(world):
    city_ev = audit_record(
        actor=None, action="test.scope", obj=("t", 1), jurisdiction_id=world.city.pk
    )
    county_ev = audit_record(
        actor=None, action="test.scope", obj=("t", 2), jurisdiction_id=world.county.pk
    )
    system_ev = audit_record(actor=None, action="test.scope", obj=("t", 3))
    c = Client()
    c.force_login(world.county_users[Role.AUDIT_ADMIN])
    assert seqs(c.get("/audit/?action=test.scope")) == {county_ev.seq, system_ev.seq}
    assert c.get(f"/audit/events/{city_ev.seq}/").status_code == 404
    assert c.get(f"/api/v1/audit/events/{city_ev.seq}").status_code == 404


def test_events_are_listed_newest_first_and_paged(world, auditor):
    for i in range(55):
        audit_record(actor=None, action="test.paging", obj=("t", i), jurisdiction_id=world.city.pk)
    first = auditor.get("/audit/?action=test.paging")
    got = seqs(first)
    assert len(got) == 50 and "下一页" in first.content.decode()
    second = seqs(auditor.get("/audit/?action=test.paging&page=2"))
    assert len(second) == 5 and max(second) < min(got)
