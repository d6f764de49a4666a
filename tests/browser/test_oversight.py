"""电子监察 in Chromium: a discipline inspector opens the monitoring dashboard (ECharts drawn
under the strict CSP, each chart with its table), clicks the red count and lands on the
filtered list of red alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.calendar import workdays
from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import LicensingItem
from shenguan.linkage import services as svc
from shenguan.org.models import User
from shenguan.oversight.models import Alert
from shenguan.oversight.sweeps import monitor_sweep
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _overdue_pushes(n: int = 3) -> None:
    load_organisation()
    load_catalog_demo()
    approver = User.objects.select_related("department").get(username="lc_approver")
    item = LicensingItem.objects.get(jurisdiction__code="371500", code="37150000SC0005")
    when = dt.datetime.combine(
        dt.date.today() - dt.timedelta(days=14), dt.time(10), tzinfo=workdays.SHANGHAI
    )
    for i in range(n):
        rec = svc.record_create(
            actor=approver,
            data={
                "item": item,
                "case_number": f"LC-OV-E2E-{i}",
                "applicant_kind": "legal",
                "applicant_name": f"聊城市监察测试企业{i}",
                "applicant_uscc": "91371500MA3C00000F",
                "legal_representative": "王测试",
                "accepted_on": when.date() - dt.timedelta(days=3),
                "decided_on": when.date(),
                "decision_number": f"聊审批食许〔2026〕OV{i}号",
                "result": "granted",
                "licence_number": f"JY-OV-E2E-{i}",
            },
        )
        svc.complete_records(actor=approver, records=[rec], at=when)
    monitor_sweep(since=when - dt.timedelta(days=1))


def test_discipline_inspector_clicks_a_red_count_and_lands_on_the_filtered_list(
    page, transactional_db
):
    _overdue_pushes()
    red = Alert.objects.filter(level="red", closed_at__isnull=True).count()
    assert red >= 3
    login(page, "lc_discipline", DEMO_PASSWORD)
    page.wait_for_selector("[data-section=oversight-monitoring]")
    assert page.locator("[data-testid=ov-red]").inner_text() == str(red)
    page.click("[data-testid=open-dashboard]")
    page.wait_for_selector("[data-chart-ready]")  # ECharts drew from the json_script data
    assert page.locator(".ov-chart canvas").count() >= 3
    assert page.locator("[data-testid=kind-table] tbody tr").count() >= 1
    count = page.locator("[data-testid=count-red]")
    assert count.locator(".n").inner_text() == str(red)
    count.click()
    page.wait_for_selector("[data-testid=alert-table]")
    assert "/oversight/alerts/" in page.url and "level=red" in page.url and "open=1" in page.url
    assert page.locator("select[name=level]").input_value() == "red"
    rows = page.locator("[data-testid=alert-table] tbody tr[data-level]")
    assert rows.count() == red
    assert page.locator("[data-testid=alert-table] tbody tr[data-level=yellow]").count() == 0
