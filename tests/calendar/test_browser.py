"""Editing a day and importing a year in Chromium (htmx under the strict CSP)."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.calendar.models import CalendarDay, CalendarYear
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import browser_context, login, page  # noqa: F401 (fixtures)

from .conftest import YAML_2027

pytestmark = pytest.mark.browser


def test_edit_a_day_with_htmx_then_import_2027(page, transactional_db):  # noqa: F811
    load_organisation()
    login(page, "lc_sysadmin", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/calendar/2026/")
    page.click('td[data-date="2026-11-25"] a')
    form = page.locator("[data-testid=day-form]")
    form.wait_for()
    # A weekday cannot be a make-up working day: the error comes back in the panel.
    page.select_option("#id_kind", "workday")
    page.fill("#id_name", "测试")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=不能设为调休上班日")
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 25)).exists()
    page.select_option("#id_kind", "holiday")
    page.locator("[data-testid=day-form] button[type=submit]").click()
    page.wait_for_url("**/calendar/2026/")
    page.wait_for_selector('td.day-holiday[data-date="2026-11-25"]')
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 25)).kind == "holiday"

    page.goto(page.base_url + "/calendar/import/")
    page.set_input_files("input[name=file]", str(YAML_2027))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("[data-testid=import-preview]")
    assert not CalendarYear.objects.filter(year=2027).exists()
    page.click("[data-testid=confirm-import]")
    page.wait_for_url("**/calendar/2027/")
    assert page.locator("[data-testid=year-loaded]").is_visible()
    assert page.locator('td.day-holiday[data-date="2027-01-01"]').count() == 1
