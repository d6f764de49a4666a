"""The organisation pages: what the administrators do through them, and what others see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from shenguan.audit.models import AuditEvent
from shenguan.org import services as org
from shenguan.org.models import ApiToken, Department, Jurisdiction, LiaisonAssignment, User
from shenguan.org.roles import Role

SYS, SEC, AUD = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(resp) -> str:
    return resp.content.decode()


# --- navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (SYS, ["/org/users/", "/org/departments/"], ["/org/roles/", "/org/tokens/", "/audit/"]),
        (SEC, ["/org/roles/", "/org/tokens/", "/org/lockouts/"], ["/org/users/new/", "/audit/"]),
        (AUD, ["/audit/", "/org/tokens/"], ["/org/roles/", "/org/users/", "/org/lockouts/"]),
        (Role.INSPECTOR, ["/org/departments/", "/org/liaisons/"], ["/org/users/", "/audit/"]),
    ],
)
def test_navigation_per_role(world, role, shown, hidden):
    nav = text(browser(world.users[role]).get("/"))
    nav = nav[nav.index('class="sidebar"') : nav.index("</nav>")]
    for url in shown:
        assert f'href="{url}"' in nav, url
    for url in hidden:
        assert f'href="{url}"' not in nav, url


# --- departments -----------------------------------------------------------------------------


def test_department_list_filters_by_jurisdiction_and_kind(world):
    c = browser(world.users[SYS])
    page = text(c.get(f"/org/departments/?jurisdiction={world.county.pk}&kind=DISCIPLINE"))
    assert world.county_depts["discipline"].name in page
    assert world.depts["discipline"].name not in page
    assert world.county_depts["reg_a"].name not in page


def test_create_and_edit_a_department(world):
    c = browser(world.users[SYS])
    r = c.post(
        "/org/departments/new/",
        {
            "jurisdiction": world.city.pk,
            "name": "市医疗保障局",
            "kind": "REGULATOR",
            "sort_order": 50,
        },
    )
    dept = Department.objects.get(name="市医疗保障局")
    assert r.status_code == 302 and r["Location"] == f"/org/departments/{dept.pk}/"
    r = c.post(
        f"/org/departments/{dept.pk}/edit/",
        {"name": "市医保局", "sort_order": 50, "short_name": "医保", "active": ""},
    )
    dept.refresh_from_db()
    assert r.status_code == 302 and dept.name == "市医保局" and not dept.active
    ev = AuditEvent.objects.filter(action="org.department.update", object_id=str(dept.pk)).get()
    assert ev.before["active"] is True and ev.after["active"] is False


def test_department_form_shows_the_service_error_on_its_field(world):
    c = browser(world.users[SYS])
    before = Department.objects.count()
    r = c.post(
        "/org/departments/new/",
        {
            "jurisdiction": world.city.pk,
            "name": "新局",
            "kind": "REGULATOR",
            "sort_order": 1,
            "uscc": "91370000MA3C123456",
        },
    )
    assert r.status_code == 200
    assert 'data-field="uscc"' in text(r) and "统一社会信用代码无效" in text(r)
    assert Department.objects.count() == before


def test_jurisdiction_page_refuses_full_width_digits(world):
    c = browser(world.users[SYS])
    r = c.post(
        "/org/jurisdictions/new/",
        {"parent": world.city.pk, "code": "３７１５２２", "name": "莘县", "level": "county"},
    )
    assert r.status_code == 200 and 'data-field="code"' in text(r)
    assert not Jurisdiction.objects.filter(name="莘县").exists()
    r = c.post(
        "/org/jurisdictions/new/",
        {"parent": world.city.pk, "code": "371522", "name": "莘县", "level": "county"},
    )
    assert r.status_code == 302
    assert Jurisdiction.objects.get(code="371522").parent_id == world.city.pk


def test_department_detail_shows_divisions_current_posts_and_history(world):
    dept = world.depts["reg_a"]
    org.division_create(actor=None, department=dept, name="许可科")
    org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name="张三",
        phone="13800000001",
        valid_from=dt.date(2024, 1, 1),
    )
    org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name="李四",
        phone="13800000002",
        valid_from=dt.date(2025, 1, 1),
    )
    org.liaison_appoint(
        actor=None,
        department=dept,
        kind="leader_in_charge",
        name="王局",
        phone="13800000003",
        valid_from=dt.date(2025, 1, 1),
    )
    page = text(browser(world.users[Role.INSPECTOR]).get(f"/org/departments/{dept.pk}/"))
    current = page[page.index('data-testid="current-liaison"') :]
    current = current[: current.index("</section>")]
    assert "李四" in current and "张三" not in current and "138****0002" in current
    leader = page[page.index('data-testid="current-leader"') :]
    assert "王局" in leader[: leader.index("</section>")]
    assert "许可科" in page
    history = page[page.index('data-testid="liaison-history"') :]
    assert "张三" in history and "2024-01-01" in history and "2025-01-01" in history
    assert "13800000001" not in page  # masked for an inspector
    assert "?unmask=1" not in page  # no unmask right, no link


def test_unmasking_on_a_page_is_audited(world):
    dept = world.depts["reg_a"]
    org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name="张三",
        phone="13800000001",
        valid_from=dt.date(2024, 1, 1),
    )
    c = browser(world.users[Role.WINDOW_CLERK])
    page = text(c.get(f"/org/departments/{dept.pk}/"))
    assert "13800000001" not in page and "?unmask=1" in page
    assert not AuditEvent.objects.filter(action="personal.unmask").exists()
    page = text(c.get(f"/org/departments/{dept.pk}/?unmask=1"))
    assert "13800000001" in page
    assert (
        AuditEvent.objects.filter(
            action="personal.unmask", actor_id=world.users[Role.WINDOW_CLERK].pk
        ).count()
        == 1
    )
    # asking without the right just shows masked data, unaudited
    page = text(browser(world.users[Role.INSPECTOR]).get(f"/org/departments/{dept.pk}/?unmask=1"))
    assert "13800000001" not in page
    assert AuditEvent.objects.filter(action="personal.unmask").count() == 1


def test_add_a_division_on_the_detail_page(world):
    dept = world.depts["reg_a"]
    c = browser(world.users[SYS])
    r = c.post(f"/org/departments/{dept.pk}/divisions/", {"name": "执法科"}, follow=True)
    assert "执法科" in text(r) and dept.divisions.filter(name="执法科").exists()
    r = c.post(f"/org/departments/{dept.pk}/divisions/", {"name": "执法科"}, follow=True)
    assert "已存在" in text(r) and dept.divisions.count() == 1


# --- accounts --------------------------------------------------------------------------------


def test_create_edit_reset_and_deactivate_an_account(world):
    c = browser(world.users[SYS])
    dept = world.depts["reg_b"]
    r = c.post(
        "/org/users/new/",
        {
            "username": "zhao.liu",
            "full_name": "赵六",
            "department": dept.pk,
            "phone": "13811112222",
            "password1": "Shenguan#2026-zl",
            "password2": "Shenguan#2026-zl",
        },
    )
    u = User.objects.get(username="zhao.liu")
    assert r.status_code == 302 and r["Location"] == f"/org/users/{u.pk}/"
    assert not u.role_assignments.exists()
    page = text(c.get(f"/org/users/{u.pk}/"))
    assert "138****2222" in page and "13811112222" not in page
    r = c.post(f"/org/users/{u.pk}/", {"full_name": "赵六六", "phone": ""})
    u.refresh_from_db()
    assert r.status_code == 302 and u.full_name == "赵六六" and u.phone == "13811112222"
    r = c.post(
        f"/org/users/{u.pk}/password/",
        {"password1": "Shenguan#2026-new", "password2": "Shenguan#2026-new"},
    )
    u.refresh_from_db()
    assert r.status_code == 302 and u.check_password("Shenguan#2026-new")
    r = c.post(f"/org/users/{u.pk}/active/", {"active": "0"})
    u.refresh_from_db()
    assert r.status_code == 302 and not u.is_active
    assert AuditEvent.objects.filter(action="org.user.update", object_id=str(u.pk)).count() == 2


def test_user_form_errors(world):
    c = browser(world.users[SYS])
    r = c.post(
        "/org/users/new/",
        {
            "username": "x",
            "full_name": "x",
            "department": world.depts["reg_a"].pk,
            "password1": "short",
            "password2": "short",
        },
    )
    assert r.status_code == 200 and 'data-field="password1"' in text(r)
    r = c.post(
        "/org/users/new/",
        {
            "username": world.users[SEC].username,
            "full_name": "x",
            "department": world.depts["reg_a"].pk,
            "password1": "Shenguan#2026-x",
            "password2": "Shenguan#2026-y",
        },
    )
    assert 'data-field="password2"' in text(r)


def test_user_list_filters(world):
    c = browser(world.users[SYS])
    page = text(c.get(f"/org/users/?role={Role.APPROVER}"))
    assert f'data-id="{world.users[Role.APPROVER].pk}"' in page
    assert f'data-id="{world.county_users[Role.APPROVER].pk}"' in page
    assert f'data-id="{world.users[Role.INSPECTOR].pk}"' not in page


# --- roles -----------------------------------------------------------------------------------


def test_grant_roles_on_the_page(world):
    target = world.users["reg_b_liaison"]
    c = browser(world.users[SEC])
    page = text(c.get(f"/org/users/{target.pk}/roles/"))
    assert 'value="inspector"' in page and 'value="approver"' not in page  # by department kind
    r = c.post(f"/org/users/{target.pk}/roles/", {"roles": ["inspector", "regulator_liaison"]})
    assert r.status_code == 302
    assert set(target.role_assignments.values_list("role", flat=True)) == {
        "inspector",
        "regulator_liaison",
    }
    r = c.post(f"/org/users/{target.pk}/roles/", {"roles": ["system_admin", "inspector"]})
    assert r.status_code == 200 and "三权分立" in text(r)
    assert set(target.role_assignments.values_list("role", flat=True)) == {
        "inspector",
        "regulator_liaison",
    }


# --- liaisons --------------------------------------------------------------------------------


def test_appoint_and_end_on_the_pages(world):
    c = browser(world.users[SYS])
    dept = world.depts["enforcement"]
    r = c.post(
        "/org/liaisons/new/",
        {
            "department": dept.pk,
            "kind": "liaison",
            "name": "孙八",
            "phone": "13800008888",
            "valid_from": "2026-01-01",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"/org/departments/{dept.pk}/"
    la = LiaisonAssignment.objects.get(name="孙八")
    r = c.post(f"/org/liaisons/{la.pk}/end/", {"valid_to": "2026-03-01"})
    la.refresh_from_db()
    assert r.status_code == 302 and la.valid_to == dt.date(2026, 3, 1)
    r = c.post(
        "/org/liaisons/new/",
        {
            "department": dept.pk,
            "kind": "liaison",
            "name": "周九",
            "phone": "12345",
            "valid_from": "2026-01-01",
        },
    )
    assert r.status_code == 200 and 'data-field="phone"' in text(r)
    r = c.post(
        "/org/liaisons/new/",
        {
            "department": dept.pk,
            "kind": "liaison",
            "name": "周九",
            "phone": "13800009999",
            "valid_from": "2026-02-30",
        },
    )
    assert r.status_code == 200 and 'data-field="valid_from"' in text(r)
    assert not LiaisonAssignment.objects.filter(name="周九").exists()


def test_liaison_list_current_and_history(world):
    dept = world.depts["reg_a"]
    old = org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name="张三",
        phone="13800000001",
        valid_from=dt.date(2024, 1, 1),
    )
    new = org.liaison_appoint(
        actor=None,
        department=dept,
        kind="liaison",
        name="李四",
        phone="13800000002",
        valid_from=dt.date(2025, 1, 1),
    )
    c = browser(world.users[Role.APPROVER])
    current = text(c.get("/org/liaisons/"))
    assert f'data-id="{new.pk}"' in current and f'data-id="{old.pk}"' not in current
    history = text(c.get("/org/liaisons/?history=on"))
    assert f'data-id="{new.pk}"' in history and f'data-id="{old.pk}"' in history


# --- tokens ----------------------------------------------------------------------------------


def test_token_is_shown_once_then_never(world):
    c = browser(world.users[SEC])
    r = c.post(
        "/org/tokens/new/",
        {
            "department": world.depts["reg_a"].pk,
            "name": "市监系统",
            "roles": ["inspector"],
            "expires_in_days": 30,
        },
    )
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    tok = ApiToken.objects.get(name="市监系统")
    page = text(r)
    start = page.index('id="plain-token"')
    plain = page[page.index('value="', start) + 7 :]
    plain = plain[: plain.index('"')]
    assert plain.startswith(f"sg_{tok.prefix}_") and "只显示这一次" in page
    secret = plain[len("sg_") + 9 :]
    for url in ("/org/tokens/?show=all", f"/org/tokens/{tok.pk}/"):
        assert secret not in text(c.get(url))
    assert abs((tok.expires_at - timezone.now()) - dt.timedelta(days=30)) < dt.timedelta(minutes=5)
    r = Client().get("/api/v1/core/whoami", headers={"Authorization": f"Bearer {plain}"})
    assert r.status_code == 200


def test_token_revoke_needs_confirmation(world):
    tok, _plain = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="甲系统",
        roles={"inspector"},
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    c = browser(world.users[SEC])
    assert "确认吊销" in text(c.get(f"/org/tokens/{tok.pk}/revoke/"))
    r = c.post(f"/org/tokens/{tok.pk}/revoke/", {})
    tok.refresh_from_db()
    assert r.status_code == 200 and tok.revoked_at is None
    r = c.post(f"/org/tokens/{tok.pk}/revoke/", {"confirm": "on"})
    tok.refresh_from_db()
    assert r.status_code == 302 and tok.revoked_at is not None
    assert "已于" in text(c.get(f"/org/tokens/{tok.pk}/"))
    assert "有效" not in text(c.get("/org/tokens/")).split("<tbody>")[1].split("</tbody>")[0]


def test_audit_admin_reads_tokens_without_buttons(world):
    tok, _ = org.token_create(
        actor=None,
        department=world.depts["reg_a"],
        name="乙系统",
        roles={"inspector"},
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    c = browser(world.users[AUD])
    assert "乙系统" in text(c.get("/org/tokens/"))
    page = text(c.get(f"/org/tokens/{tok.pk}/"))
    assert "乙系统" in page and f"/org/tokens/{tok.pk}/revoke/" not in page
    assert "/org/tokens/new/" not in text(c.get("/org/tokens/"))
