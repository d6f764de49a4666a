"""Login with django-axes lockout after 5 failures; logins, logouts, failures, lockouts and denied
access recorded in the audit chain; a security administrator unlocks (audited)."""

from __future__ import annotations

from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.audit.selectors import audit_verify
from shenguan.org.roles import Role
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(c: Client, username: str, password: str):
    return c.post(LOGIN, {"username": username, "password": password})


def logged_in(c: Client) -> bool:
    return "_auth_user_id" in c.session


def test_a_good_login_and_logout_are_audited(world):
    u = world.users[Role.INSPECTOR]
    c = Client()
    r = attempt(c, u.username, PASSWORD)
    assert r.status_code == 302 and logged_in(c)
    ev = AuditEvent.objects.filter(action="auth.login").get()
    assert ev.actor_id == u.pk and ev.outcome == "ok" and ev.jurisdiction_id == world.city.pk
    assert ev.ip == "127.0.0.1"
    r = c.post("/accounts/logout/")
    assert r.status_code == 302 and not logged_in(c)
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=u.pk).count() == 1
    assert audit_verify().ok


def test_a_failed_login_is_audited_without_the_password(world):
    u = world.users[Role.INSPECTOR]
    r = attempt(Client(), u.username, "not-the-password-42")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    ev = AuditEvent.objects.filter(action="auth.login_failed").get()
    assert ev.outcome == "denied" and ev.object_id == str(u.pk)
    assert ev.actor_name == u.username and ev.jurisdiction_id == world.city.pk
    assert "not-the-password-42" not in str(ev.after)


def test_a_failed_login_for_an_unknown_name_is_audited(world):
    attempt(Client(), "nobody-here", "whatever-123")
    ev = AuditEvent.objects.filter(action="auth.login_failed").get()
    assert ev.object_id == "" and ev.jurisdiction_id is None and ev.actor_name == "nobody-here"


def test_five_failures_lock_the_account_even_for_the_right_password(world):
    u = world.users[Role.INSPECTOR]
    c = Client()
    statuses = [attempt(c, u.username, f"wrong-{i}-password").status_code for i in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure locks
    r = attempt(c, u.username, PASSWORD)
    assert r.status_code == 429 and not logged_in(c)
    assert "锁定" in r.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out", object_id=str(u.pk)).exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 6
    # another account from the same address is not locked
    other = world.users[Role.APPROVER]
    assert attempt(Client(), other.username, PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_count(world):
    u = world.users[Role.INSPECTOR]
    c = Client()
    for i in range(4):
        attempt(c, u.username, f"wrong-{i}-password")
    assert attempt(c, u.username, PASSWORD).status_code == 302
    c2 = Client()
    for i in range(4):
        assert attempt(c2, u.username, f"again-{i}-password").status_code == 200


def test_security_admin_sees_and_unlocks_a_lockout_audited(world):
    u = world.users[Role.INSPECTOR]
    for i in range(5):
        attempt(Client(), u.username, f"wrong-{i}-password")
    sec = Client()
    sec.force_login(world.users[Role.SECURITY_ADMIN])
    page = sec.get("/org/lockouts/?locked=1").content.decode()
    assert u.username in page and "已锁定" in page
    # a county security admin does not see the city's account
    county = Client()
    county.force_login(world.county_users[Role.SECURITY_ADMIN])
    assert f'value="{u.username}"' not in county.get("/org/lockouts/").content.decode()
    assert county.post("/org/lockouts/unlock/", {"username": u.username}).status_code == 404
    # unlock
    r = sec.post("/org/lockouts/unlock/", {"username": u.username})
    assert r.status_code == 302
    ev = AuditEvent.objects.filter(action="org.lockout.reset").get()
    assert ev.object_id == str(u.pk) and ev.actor_id == world.users[Role.SECURITY_ADMIN].pk
    assert ev.before["attempts"][0]["failures"] == 5
    c = Client()
    assert attempt(c, u.username, PASSWORD).status_code == 302 and logged_in(c)
    # nothing left to unlock: a message, not an error page
    r = sec.post("/org/lockouts/unlock/", {"username": u.username}, follow=True)
    assert "没有登录失败记录" in r.content.decode()


def test_denied_page_access_is_audited(world):
    c = Client()
    c.force_login(world.users[Role.INSPECTOR])
    assert c.get("/org/users/").status_code == 403
    ev = AuditEvent.objects.filter(action="page.denied").get()
    assert ev.actor_id == world.users[Role.INSPECTOR].pk and ev.object_id == "/org/users/"


def test_anonymous_pages_redirect_to_login(world):
    r = Client().get("/org/departments/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
