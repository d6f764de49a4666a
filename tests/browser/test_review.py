"""Technical opinion in Chromium: the bureau requests a site inspection from the case page, the
case cannot be completed while the opinion is outstanding, the regulator answers in writing, and
the bureau completes the case with the opinion attached to it."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import LicensingItem
from shenguan.linkage import services as svc
from shenguan.org.models import User
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from shenguan.review import services as rsvc
from shenguan.review.models import OpinionRequest
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _case():
    load_organisation()
    load_catalog_demo()
    approver = User.objects.select_related("department").get(username="lc_approver")
    reg = User.objects.select_related("department").get(username="lc_reg_liaison")
    head = User.objects.get(username="lc_bureau_liaison")
    item = LicensingItem.objects.get(jurisdiction__code="371500", code="37150000SC0005")
    rsvc.step_create(
        actor=head,
        item=item,
        step_kind="site_inspection",
        performer="regulator",
        department=reg.department,
        procedure="现场核查经营场所并出具书面意见",
        time_limit_days=5,
        valid_from=dt.date(2024, 1, 1),
    )
    today = dt.date.today()
    return svc.record_create(
        actor=approver,
        data={
            "item": item,
            "case_number": "LC-RV-E2E-1",
            "applicant_kind": "legal",
            "applicant_name": "聊城市技术审查测试餐饮有限公司",
            "applicant_uscc": "91371500MA3C00000F",
            "legal_representative": "王测试",
            "accepted_on": today - dt.timedelta(days=3),
            "decided_on": today,
            "decision_number": "聊审批食许〔2026〕RV号",
            "result": "granted",
            "licence_number": "JY-RV-E2E-1",
        },
    )


def test_bureau_requests_regulator_answers_bureau_decides_with_it(page, transactional_db):
    rec = _case()
    page.on("dialog", lambda d: d.accept())
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + f"/linkage/records/{rec.pk}/")
    form = page.locator("[data-testid=request-form]")
    form.locator("select[name=step_kind]").select_option("site_inspection")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=review-panel] li[data-id]")
    req = OpinionRequest.objects.get(record=rec)
    page.click("[data-testid=complete]")  # refused: the opinion is outstanding
    page.wait_for_selector("[data-testid=record-state]")
    assert page.locator("[data-testid=record-state]").inner_text() == "已登记"

    page.context.clear_cookies()
    login(page, "lc_reg_liaison", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + f"/review/requests/{req.pk}/")
    answer = page.locator("[data-testid=answer-form]")
    answer.locator("select[name=conclusion]").select_option("conditional")
    answer.locator("textarea[name=reasons]").fill("排烟设施须于开业前整改到位")
    answer.locator("input[name=performers]").fill("黄振宇")
    answer.locator("input[name=signing_leader]").fill("周建华")
    answer.locator("input[name=opinion_date]").fill(dt.date.today().isoformat())
    answer.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=opinion]")
    assert page.locator("[data-testid=request-state]").inner_text() == "已书面答复"

    page.context.clear_cookies()
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + f"/linkage/records/{rec.pk}/")
    assert "附条件同意" in page.locator("[data-testid=review-panel]").inner_text()
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=record-state].tag-ok")
    assert page.locator("[data-testid=record-state]").inner_text() == "已办结"
    assert "书面意见" in page.locator("[data-testid=record-timeline]").inner_text()
