"""The working-day calendar page (calendar:year) in Chromium."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _calendar_url(year: int) -> str:
    try:
        return reverse("calendar:year", args=[year])
    except NoReverseMatch:
        pytest.fail("the calendar page (URL name calendar:year) does not exist")


@pytest.mark.parametrize("username", ["lc_sysadmin", "lc_clerk"])
def test_the_calendar_year_page(page, transactional_db, username):
    load_organisation()
    login(page, username, DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + _calendar_url(2026))
    grid = page.locator("[data-testid=calendar-year]")
    assert grid.is_visible()
    assert page.locator("[data-testid=year-loaded]").count() == 1
    assert page.locator(".month").count() == 12
    # 2026-10-01 is National Day: a holiday cell
    assert page.locator(".day-holiday").count() > 0


def test_a_year_without_calendar_is_provisional(page, transactional_db):
    load_organisation()
    login(page, "lc_clerk", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + _calendar_url(2031))
    assert page.locator("[data-testid=provisional-notice]").is_visible()
