"""信用联动 in Chromium: a window clerk registers a case of a company on a joint-punishment
list, sees the credit hit, cannot accept it under 告知承诺, and registers it normally."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import LicensingItem
from shenguan.credit import services as csvc
from shenguan.credit.models import CreditCheck
from shenguan.linkage.models import ApprovalRecord
from shenguan.org.models import User
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login
from tests.credit.helpers import DISHONEST_USCC, dishonest_rows, list_file

pytestmark = pytest.mark.browser


def test_clerk_sees_the_hit_and_cannot_choose_commitment(page, transactional_db):
    load_organisation()
    load_catalog_demo()
    head = User.objects.select_related("department").get(username="lc_bureau_head")
    csvc.list_import(
        actor=head,
        jurisdiction_id=head.department.jurisdiction_id,
        fileobj=list_file(dishonest_rows()),
        filename="名单.csv",
        dry_run=False,
    )
    item = LicensingItem.objects.get(jurisdiction__code="371500", code="37150000SC0005")
    login(page, "lc_clerk", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/linkage/records/new")
    page.wait_for_selector("[data-testid=record-form]")
    page.fill("#id_item", item.code)  # the item picker searches on the server (issue 12)
    page.locator(f"#id_item_results [data-pick-value='{item.pk}']").click()
    page.fill("#id_case_number", "LC-E2E-CR-1")
    page.select_option("#id_applicant_kind", "legal")
    page.fill("#id_applicant_name", "聊城市某某商贸有限公司")
    page.fill("#id_applicant_uscc", DISHONEST_USCC)
    page.fill("#id_legal_representative", "王五")
    page.fill("#id_accepted_on", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_acceptance_mode", "commitment")
    page.fill("#id_commitment_text", "承诺三个月内补交消防验收材料")
    page.click("[data-testid=record-save]")
    page.wait_for_selector("[data-testid=credit-form-panel]")
    assert "失信被执行人" in page.locator("[data-testid=credit-hit]").first.inner_text()
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("不得按告知承诺受理" in e for e in errors), errors
    assert not ApprovalRecord.objects.filter(case_number="LC-E2E-CR-1").exists()
    page.select_option("#id_acceptance_mode", "normal")
    page.click("[data-testid=record-save]")
    page.wait_for_selector("[data-testid=credit-panel]")
    assert "失信被执行人" in page.locator("[data-testid=credit-panel]").inner_text()
    rec = ApprovalRecord.objects.get(case_number="LC-E2E-CR-1")
    assert CreditCheck.objects.get(record_id=rec.pk).restricted
