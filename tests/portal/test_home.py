"""The UI shell: every role's home page, the header, navigation and the strict-CSP markup."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from shenguan.core import navigation
from shenguan.core.citations import cite
from shenguan.core.navigation import NavEntry
from shenguan.org.roles import Perm, Role
from shenguan.portal.home import ROLE_DUTIES, ROLE_LABELS

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes and elements,
    event-handler attributes, and scripts or stylesheets from another origin."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if not a.get("src"):
                self.problems.append("inline <script>")
            elif re.match(r"^(https?:)?//", a["src"]):
                self.problems.append(f"remote script {a['src']}")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "link" and re.match(r"^(https?:)?//", a.get("href") or ""):
            self.problems.append(f"remote link {a['href']}")
        for name in a:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")


def csp_problems(html: str) -> list[str]:
    p = _InlineFinder()
    p.feed(html)
    return p.problems


def test_anonymous_home_redirects_to_login(client):
    r = client.get("/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_a_home(client, world, role):
    user = world.users[role]
    client.force_login(user)
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f'data-testid="role-home-{role}"' in html
    assert str(ROLE_LABELS[role]) in html
    for duty in ROLE_DUTIES[role]:
        assert escape(cite(str(duty))) in html  # citations by document title (ADR 0044)
    # the header names the jurisdiction, the department and the person
    assert user.department.name in html and world.city.name in html
    assert user.display_name in html
    # only its own role's section
    others = [r for r in Role.values if r != role]
    assert not any(f'data-testid="role-home-{o}"' in html for o in others)
    assert csp_problems(html) == []


def test_the_login_page_obeys_the_csp(client):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    assert csp_problems(r.content.decode()) == []
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_system_admin_counts_are_the_database_counts(client, world):
    client.force_login(world.users["system_admin"])
    html = client.get("/").content.decode()
    ids = ",".join(str(i) for i in (world.city.pk, world.county.pk))
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM org_department WHERE jurisdiction_id IN ({ids})")  # noqa: S608
        depts = cur.fetchone()[0]
    block = html.split('data-testid="counts-system_admin"')[1].split("</dl>")[0]
    pairs = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))
    assert pairs["部门"] == str(depts)
    assert pairs["行政区划"] == "2"


def test_security_admin_sees_locked_out_logins(client, world):
    from axes.models import AccessAttempt

    victim = world.users["inspector"]
    AccessAttempt.objects.create(
        username=victim.username,
        ip_address="10.0.0.1",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    # an old lockout, past the 30-minute cool-off, no longer counts
    old = AccessAttempt.objects.create(
        username=world.users["approver"].username,
        ip_address="10.0.0.2",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(world.users["security_admin"])
    html = client.get("/").content.decode()
    block = html.split('data-testid="counts-security_admin"')[1].split("</dl>")[0]
    pairs = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))
    assert pairs["当前被锁定的登录"] == "1"


def test_audit_admin_counts_failed_logins(client, world):
    from shenguan.audit.models import AuditEvent

    client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    client.force_login(world.users["audit_admin"])
    html = client.get("/").content.decode()
    block = html.split('data-testid="counts-audit_admin"')[1].split("</dl>")[0]
    pairs = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))
    assert int(pairs["最近 24 小时登录失败"]) >= 1
    assert pairs["最新事件序号"] == str(AuditEvent.objects.order_by("-seq").first().seq)


@pytest.fixture
def temp_nav():
    """Register menu entries for one test and remove them afterwards."""
    added: list[NavEntry] = []

    def add(entry: NavEntry) -> None:
        navigation.register_nav(entry)
        added.append(entry)

    yield add
    for e in added:
        navigation._ENTRIES.remove(e)


def test_role_home_lists_the_pages_meant_for_it(client, world, temp_nav):
    temp_nav(NavEntry("测试受理页", "home", "测试", perm=Perm.APPROVAL_RECORD, order=1))
    temp_nav(
        NavEntry("测试审计页", "healthz", "测试", roles=frozenset({Role.AUDIT_ADMIN}), order=2)
    )
    temp_nav(NavEntry("测试不存在", "no-such-url-name", "测试", perm=Perm.APPROVAL_RECORD))
    client.force_login(world.users["window_clerk"])
    html = client.get("/").content.decode()
    section = html.split('data-testid="role-home-window_clerk"')[1]
    assert "测试受理页" in section and "测试审计页" not in html and "测试不存在" not in html
    client.force_login(world.users["audit_admin"])
    html = client.get("/").content.decode()
    assert "测试审计页" in html and "测试受理页" not in html


def test_sidebar_shows_only_permitted_entries(client, world, temp_nav):
    temp_nav(NavEntry("测试管理页", "healthz", "测试组", perm=Perm.ORG_MANAGE))
    client.force_login(world.users["system_admin"])
    assert "测试管理页" in client.get("/").content.decode()
    client.force_login(world.users["inspector"])
    assert "测试管理页" not in client.get("/").content.decode()


def test_header_items_are_included(client, world, settings, tmp_path):
    (tmp_path / "badge.html").write_text('<span data-testid="badge">7</span>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    navigation.register_header_item("badge.html")
    try:
        client.force_login(world.users["inspector"])
        assert 'data-testid="badge"' in client.get("/").content.decode()
    finally:
        navigation._HEADER_ITEMS.remove("badge.html")


def test_user_without_role_is_told_to_ask_for_one(client, world):
    from tests.factories import user

    u = user(world.depts["reg_a"])
    client.force_login(u)
    html = client.get("/").content.decode()
    assert "尚未授予角色" in html


def test_logout_is_a_post(client, world):
    client.force_login(world.users["inspector"])
    assert client.get("/accounts/logout/").status_code == 405
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def test_login_with_the_form_reaches_home(client, world):
    from tests.factories import PASSWORD

    r = client.post(
        "/accounts/login/", {"username": world.users["approver"].username, "password": PASSWORD}
    )
    assert r.status_code == 302
    assert 'data-testid="role-home-approver"' in client.get("/").content.decode()
