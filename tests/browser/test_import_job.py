"""A large list import in Chromium: the upload goes to the worker, the page polls the job with
htmx (no script of ours, strict CSP) and shows the progress bar, then the dry run's report; the
confirmed import is polled to its end the same way."""

from __future__ import annotations

import pytest

from shenguan.catalog.models import LinkageEntry
from shenguan.catalog.seed003 import build_xlsx
from shenguan.core.models import ImportJob
from shenguan.core.sheets.jobs import import_jobs_run_due
from shenguan.portal.demo import DEMO_PASSWORD, load_organisation
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_a_large_import_shows_its_progress_then_its_report(
    page, transactional_db, settings, tmp_path
):
    load_organisation()  # 益阳高新区 with the departments the file names
    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 5
    path = tmp_path / "清单.xlsx"
    path.write_bytes(build_xlsx())
    login(page, "yy_bureau_liaison", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid^=role-home-]")
    page.goto(page.base_url + "/catalog/import/")
    page.select_option("#id_kind", "linkage")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-dry-run]")
    page.wait_for_selector("[data-testid=import-progress]")
    assert page.locator("[data-testid=import-job]").get_attribute("data-state") == "queued"

    import_jobs_run_due()  # the worker's sweep; the page finds out by polling
    page.wait_for_selector("[data-testid=import-summary]", timeout=10_000)
    assert "试运行通过" in page.locator("[data-testid=import-job]").inner_text()
    assert LinkageEntry.objects.count() == 0

    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=import-progress]")
    import_jobs_run_due()
    page.wait_for_selector("[data-testid=import-done]", timeout=10_000)
    assert ImportJob.objects.filter(state="done").count() == 2
    assert LinkageEntry.objects.filter(jurisdiction__code="430971").count() > 0
