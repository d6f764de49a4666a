"""审管联动 in Chromium: a regulator's liaison sees a pushed approval, claims it and records a
penalty; the bureau's liaison finds the feedback in its inbox."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import LicensingItem
from shenguan.linkage import services as svc
from shenguan.linkage.models import Feedback, Push
from shenguan.org.models import User
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _pushed_approval() -> Push:
    load_organisation()
    load_catalog_demo()
    approver = User.objects.select_related("department").get(username="lc_approver")
    item = LicensingItem.objects.get(jurisdiction__code="371500", code="37150000SC0005")
    today = dt.date.today()
    rec = svc.record_create(
        actor=approver,
        data={
            "item": item,
            "case_number": "LC-E2E-0001",
            "applicant_kind": "legal",
            "applicant_name": "聊城市浏览器测试餐饮有限公司",
            "applicant_uscc": "91371500MA3C00000F",
            "legal_representative": "王测试",
            "contact_phone": "13806359999",
            "address": "聊城市东昌府区测试路1号",
            "accepted_on": today - dt.timedelta(days=3),
            "decided_on": today,
            "decision_number": "聊审批食许〔2026〕E2E号",
            "result": "granted",
            "licence_number": "JY-E2E-0001",
        },
        complete=True,
    )
    return Push.objects.get(record=rec)


def test_regulator_claims_and_records_a_penalty_the_bureau_sees_it(page, transactional_db):
    push = _pushed_approval()
    login(page, "lc_reg_liaison", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/linkage/?box=to_claim")
    row = page.locator(f"tr[data-id='{push.pk}']")
    assert row.is_visible()
    assert "LC-E2E-0001" in row.inner_text()
    row.locator("[data-testid=push-link]").click()
    page.wait_for_selector("[data-testid=push-title]")
    assert "自接收之时起" in page.locator("[data-testid=responsibility]").inner_text()
    page.click("[data-testid=claim]")
    page.wait_for_selector("[data-testid=push-state]")
    assert page.locator("[data-testid=push-state]").inner_text() == "已认领"
    assert Push.objects.get(pk=push.pk).claimed_by_name
    # record a penalty about the approval
    page.click("[data-testid=send-feedback]")
    page.wait_for_selector("[data-testid=feedback-form]")
    page.select_option("#id_kind", "penalty")
    page.fill("#id_title", "无证经营外卖业务的行政处罚")
    page.fill("#id_content", "罚款人民币五千元，责令改正。")
    page.fill("#id_document_number", "聊市监罚〔2026〕E2E号")
    page.click("[data-testid=feedback-save]")
    page.wait_for_selector("[data-testid=feedback-state]")
    fb = Feedback.objects.get(title="无证经营外卖业务的行政处罚")
    assert fb.state == "pushed" and fb.record_id == push.record_id
    # the bureau's liaison sees it waiting in its inbox
    page.context.clear_cookies()
    login(page, "lc_bureau_liaison", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/linkage/?box=to_claim")
    table = page.locator("[data-testid=inbox-table]").inner_text()
    assert "无证经营外卖业务的行政处罚" in table
    fb_push = Push.objects.get(feedback=fb)
    page.locator(f"tr[data-id='{fb_push.pk}'] [data-testid=push-link]").click()
    page.wait_for_selector("[data-testid=feedback-snapshot]")
    assert "罚款人民币五千元" in page.locator("[data-testid=feedback-snapshot]").inner_text()
