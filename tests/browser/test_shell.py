"""The shell in Chromium: login, every role's home, lockout, language switch, phone width."""

from __future__ import annotations

import re

import pytest

from shenguan.org.roles import Role
from shenguan.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

LIAOCHENG = {a.role: a for a in DEMO_ACCOUNTS if a.jurisdiction == "371500"}
YIYANG = [a for a in DEMO_ACCOUNTS if a.jurisdiction == "430971"]


@pytest.fixture
def demo(transactional_db):
    """The demo organisation, built with the demo step."""
    load_organisation()


def test_the_login_page_renders_with_local_assets(page):
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(page.base_url + "/accounts/login/")
    assert page.title().startswith("登录")
    assert page.locator("#id_username").is_visible()
    css = [r for r in responses if r.url.endswith("app.css")]
    assert css and css[0].status == 200
    assert all(r.url.startswith(page.base_url) for r in responses)  # nothing from outside
    # the stylesheet applied: the header has the primary colour
    bg = page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(179, 38, 30)"


def test_a_wrong_password_is_refused_in_chinese(page, demo):
    login(page, "lc_clerk", "wrong-password-1")
    err = page.locator("[data-testid=login-error]")
    assert "用户名或密码错误" in err.inner_text()
    assert page.url.endswith("/accounts/login/")


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_logs_in_to_its_home(page, demo, role):
    account = LIAOCHENG[role]
    login(page, account.username, DEMO_PASSWORD)
    page.wait_for_selector(f"[data-testid=role-home-{role}]")
    assert page.url.rstrip("/") == page.base_url
    assert page.locator("[data-testid=who-name]").inner_text() == account.full_name
    assert page.locator("[data-testid=who-jurisdiction]").inner_text() == "聊城市"
    assert page.locator(f"[data-role={role}]").count() == 1
    # the role's home states its duties
    assert page.locator(f"[data-testid=role-home-{role}] .duties li").count() >= 2
    # log out through the header
    page.click("[data-testid=logout]")
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))


def test_yiyang_accounts_log_in_to_their_homes(page, demo):
    for account in YIYANG:
        page.context.clear_cookies()
        login(page, account.username, DEMO_PASSWORD)
        page.wait_for_selector(f"[data-testid=role-home-{account.role}]")
        assert (
            page.locator("[data-testid=who-jurisdiction]").inner_text() == "益阳高新技术产业开发区"
        )


def test_lockout_after_five_failures(page, demo):
    for attempt in range(1, 7):
        login(page, "lc_inspector", f"wrong-password-{attempt}")
        if page.locator("[data-testid=locked-out]").count():
            break
    assert attempt == 5, f"locked after {attempt} failures"
    assert "已被锁定" in page.locator("[data-testid=locked-out]").inner_text()
    # even the right password is refused now
    login(page, "lc_inspector", DEMO_PASSWORD)
    assert page.locator("[data-testid=locked-out]").count() == 1
    # another account from the same address is not locked
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid=role-home-approver]")


def test_the_language_switch(page, demo):
    login(page, "lc_reg_liaison", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid=role-home-regulator_liaison]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "en")  # app.js submits the form
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-testid=home-title]").inner_text() == "Home"
    assert "Regulator liaison" in page.locator("[data-testid=who-roles]").inner_text()
    assert page.locator("[data-testid=logout]").inner_text() == "Log out"
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "zh-hans")
    assert page.locator("[data-testid=home-title]").inner_text() == "首页"


def test_phone_width(page, demo):
    page.set_viewport_size({"width": 375, "height": 740})
    try:
        login(page, "lc_sysadmin", DEMO_PASSWORD)
        page.wait_for_selector("[data-testid=role-home-system_admin]")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        toggle = page.locator("[data-toggle-nav]")
        if toggle.count():  # a menu exists once apps register pages for this role
            assert not page.locator("#sidebar").is_visible()
            toggle.click()
            assert page.locator("#sidebar").is_visible()
            assert toggle.get_attribute("aria-expanded") == "true"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
