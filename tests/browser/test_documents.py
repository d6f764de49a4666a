"""电子证照 in Chromium: an approver completes a granted case, downloads the signed licence from
the case page, and the public verification page (no login) verifies the uploaded file."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.catalog.demo import load_catalog_demo
from shenguan.catalog.models import LicensingItem
from shenguan.documents.demo import load_seals
from shenguan.linkage import services as svc
from shenguan.linkage.models import ApprovalRecord
from shenguan.org.models import User
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _draft_case() -> ApprovalRecord:
    load_organisation()
    load_catalog_demo()
    load_seals()
    approver = User.objects.select_related("department").get(username="lc_approver")
    item = LicensingItem.objects.get(jurisdiction__code="371500", code="37150000SC0005")
    today = dt.date.today()
    return svc.record_create(
        actor=approver,
        data={
            "item": item,
            "case_number": "LC-E2E-DOC-1",
            "applicant_kind": "legal",
            "applicant_name": "聊城市电子证照测试餐饮有限公司",
            "applicant_uscc": "91371500MA3C00000F",
            "legal_representative": "王测试",
            "contact_phone": "13806359999",
            "address": "聊城市东昌府区测试路2号",
            "accepted_on": today - dt.timedelta(days=3),
            "decided_on": today,
            "decision_number": "聊审批食许〔2026〕E2E-DOC号",
            "result": "granted",
            "licence_number": "JY-E2E-DOC-1",
        },
    )


def test_approver_downloads_the_licence_and_the_public_page_verifies_it(
    page, transactional_db, tmp_path, settings
):
    settings.SHENGUAN_SEAL_KEY_DIR = str(tmp_path / "seals")
    rec = _draft_case()
    login(page, "lc_approver", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + f"/linkage/records/{rec.pk}/")
    page.once("dialog", lambda d: d.accept())  # 办结后将立即推送……确定？
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=elicence-record-panel]")
    with page.expect_download() as info:
        page.click("[data-testid=elicence-record-panel] [data-testid=elicence-download]")
    pdf_path = tmp_path / "licence.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    # the public page, logged out
    page.context.clear_cookies()
    page.goto(page.base_url + "/public/")
    page.click("[data-testid=public-verify-link]")
    page.fill("input[name=number]", "jy-e2e-doc-1")
    page.click("[data-testid=verify-form] button[type=submit]")
    page.wait_for_selector("[data-testid=verify-result]")
    assert "有效" in page.locator("[data-testid=verify-state]").inner_text()
    page.set_input_files("[data-testid=verify-file-form] input[type=file]", str(pdf_path))
    page.click("[data-testid=verify-file-form] button[type=submit]")
    page.wait_for_selector("[data-testid=verify-file-result]")
    assert "文件真实" in page.locator("[data-testid=verify-verdict]").inner_text()
    assert page.locator("[data-testid=verify-pades]").inner_text().startswith("有效")
    assert page.locator("[data-testid=verify-sm2]").inner_text() == "有效"
