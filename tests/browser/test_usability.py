"""Usability faults that live in the browser (issue 12 item 10): changing a licence's state asks
for confirmation first; the item picker searches the server as the user types."""

from __future__ import annotations

import pytest

from shenguan.linkage.models import Licence
from shenguan.portal.demo import DEMO_PASSWORD
from tests.browser.conftest import login
from tests.browser.test_linkage import _pushed_approval

pytestmark = pytest.mark.browser


def test_revoking_a_licence_asks_first(page, transactional_db):
    push = _pushed_approval()
    lic = Licence.objects.get(record_id=push.record_id)
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + f"/linkage/licences/{lic.pk}/")
    page.wait_for_selector("[data-testid=licence-form]")
    page.select_option("#id_to_state", "revoked")
    page.fill("#id_decision_number", "聊审批吊〔2026〕1号")
    page.fill("#id_reason", "以欺骗手段取得许可")
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=licence-form] button[type=submit]")
    page.wait_for_timeout(500)
    assert asked and "吊销" in asked[0]
    lic.refresh_from_db()
    assert lic.state == "valid"  # cancelled: nothing sent

    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=licence-form] button[type=submit]")
    page.wait_for_selector("[data-testid=licence-history]")
    page.wait_for_function("document.querySelector('[data-testid=licence-state]')")
    lic.refresh_from_db()
    assert lic.state == "revoked"


def test_the_item_picker_searches_as_the_user_types(page, transactional_db):
    _pushed_approval()
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/linkage/records/new")
    assert page.locator("select#id_item").count() == 0
    page.fill("#id_item", "食品经营")
    option = page.locator("#id_item_results [data-pick-value]", has_text="食品经营").first
    option.wait_for()
    label = option.inner_text()
    value = option.get_attribute("data-pick-value")
    option.click()
    assert page.locator("[data-testid=pick-item] input[type=hidden]").input_value() == value
    assert page.locator("#id_item").input_value() == label
    assert "食品经营" in label
