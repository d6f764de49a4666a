"""Issue 12 item 11: `shenguan setup`, the first run of a real deployment — the top jurisdiction
under its profile, the bureau, the three administrators with one-time passwords that must be
changed at the first login; it refuses to run twice."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.org.models import Department, Jurisdiction, User
from shenguan.org.roles import Role

pytestmark = pytest.mark.django_db


def run_setup(**over) -> str:
    args = {"code": "371500", "name": "聊城市", "profile": "liaocheng-2021", "level": "city"}
    args.update(over)
    out = io.StringIO()
    call_command("setup", *[f"--{k}={v}" for k, v in args.items()], stdout=out)
    return out.getvalue()


def passwords(out: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+\S+\s+(\S{16})$", out, re.M))


def test_setup_creates_the_jurisdiction_the_bureau_and_three_administrators():
    assert not Jurisdiction.objects.exists() and not User.objects.exists()
    out = run_setup()
    j = Jurisdiction.objects.get()
    assert (j.code, j.name, j.level, j.profile.code) == (
        "371500",
        "聊城市",
        "city",
        "liaocheng-2021",
    )
    bureau = Department.objects.get()
    assert bureau.name == "聊城市行政审批服务局" and bureau.kind == "BUREAU"
    pw = passwords(out)
    assert set(pw) == {"sysadmin", "secadmin", "auditadmin"}
    assert len(set(pw.values())) == 3
    for username, role in (
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", Role.AUDIT_ADMIN),
    ):
        u = User.objects.get(username=username)
        assert u.role_set == {role}
        assert u.must_change_password
        assert u.check_password(pw[username])
        assert u.department == bureau
    # every write went through the services: audited
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"org.jurisdiction.create", "org.department.create", "org.user.create"} <= actions
    assert "public key" in out


def test_setup_refuses_to_run_twice():
    run_setup()
    with pytest.raises(CommandError, match="只能运行一次"):
        run_setup(code="371521", name="阳谷县", sysadmin="s2", secadmin="s3", auditadmin="s4")
    assert Jurisdiction.objects.count() == 1 and User.objects.count() == 3


def test_setup_names_the_profiles_when_one_is_unknown():
    with pytest.raises(CommandError, match="liaocheng-2021") as err:
        run_setup(profile="nowhere-2026")
    assert "不存在" in str(err.value)
    assert not Jurisdiction.objects.exists()


def test_setup_refuses_a_bad_region_code_and_writes_nothing():
    with pytest.raises(CommandError, match="6位"):
        run_setup(code="3715")
    assert not Jurisdiction.objects.exists() and not User.objects.exists()


def test_the_one_time_password_must_be_changed_before_anything_else():
    pw = passwords(run_setup())
    c = Client()
    r = c.post("/accounts/login/", {"username": "sysadmin", "password": pw["sysadmin"]})
    assert r.status_code == 302
    for path in ("/", "/org/departments/", "/org/users/"):
        r = c.get(path)
        assert r.status_code == 302 and r["Location"] == "/org/password/", path
    api = c.get("/api/v1/core/whoami")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    page = c.get("/org/password/").content.decode()
    assert 'data-testid="one-time-password"' in page
    # the current password is required, and the new one must differ
    r = c.post(
        "/org/password/",
        {"old_password": "wrong", "password1": "Xin-Mima-2026!", "password2": "Xin-Mima-2026!"},
    )
    assert r.status_code == 200 and "当前密码不正确" in r.content.decode()
    r = c.post(
        "/org/password/",
        {
            "old_password": pw["sysadmin"],
            "password1": "Xin-Mima-2026!",
            "password2": "Xin-Mima-2026!",
        },
    )
    assert r.status_code == 302
    assert c.get("/").status_code == 200  # still signed in, free to work
    u = User.objects.get(username="sysadmin")
    assert not u.must_change_password and u.check_password("Xin-Mima-2026!")
    assert AuditEvent.objects.filter(
        action="org.user.change_password", object_id=str(u.pk)
    ).exists()


def test_a_password_reset_by_the_administrator_is_one_time_too(world):
    target = world.users[Role.INSPECTOR]
    c = Client()
    c.force_login(world.users[Role.SYSTEM_ADMIN])
    r = c.post(
        f"/org/users/{target.pk}/password/",
        {"password1": "Chongzhi-2026!", "password2": "Chongzhi-2026!"},
    )
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password
