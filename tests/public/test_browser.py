"""Public pages in Chromium: they render without login, on a phone too, and each download holds
exactly the rows the page shows."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from .conftest import build_public_data

pytestmark = pytest.mark.browser


@pytest.fixture
def data(transactional_db):
    return build_public_data()


def _shown_seqs(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-testid=linkage-table] tbody tr[data-seq]", "rows => rows.map(r => r.dataset.seq)"
    )


def _download(page, testid: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"[data-testid={testid}]")
    path = info.value.path()
    with open(path, "rb") as fh:
        return fh.read()


def test_linkage_list_search_and_downloads(page, data):
    page.goto(page.base_url + "/public/430971/linkage/")
    assert "审管联动事项清单" in page.title()
    assert _shown_seqs(page) == [str(n) for n in range(1, 13)]
    assert "第1版" in page.locator("[data-testid=version-info]").inner_text()
    # search by supervision code through the form
    page.fill("input[name=code]", "430604011W00")
    page.click("[data-testid=public-filters] button[type=submit]")
    page.wait_for_url("**code=430604011W00**")
    shown = _shown_seqs(page)
    assert shown == ["4", "5", "6"]
    rows = list(csv.reader(io.StringIO(_download(page, "download-csv").decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == shown
    ws = load_workbook(io.BytesIO(_download(page, "download-xlsx")), read_only=True).worksheets[0]
    data_rows = list(ws.iter_rows(values_only=True))[2:]
    assert [str(r[0]) for r in data_rows] == shown
    assert {r[4] for r in data_rows} == {"430604011W00"}


def test_transferred_and_retained_items(page, data):
    page.goto(page.base_url + "/public/430971/transferred/")
    table = page.locator("[data-testid=public-table]")
    assert table.locator("tbody tr").count() == 12
    assert "区经济合作局（政务管理服务局）" in table.inner_text()
    shown = page.eval_on_selector_all(
        "[data-testid=public-table] tbody tr", "rows => rows.map(r => r.cells[1].innerText)"
    )
    rows = list(csv.reader(io.StringIO(_download(page, "download-csv").decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == [s.split("\n")[0] for s in shown]
    page.click("text=暂不划转（进驻大厅）事项")
    page.wait_for_url("**/retained/")
    assert "政务服务中心3号窗口" in page.locator("[data-testid=public-table]").inner_text()


def test_linkage_list_is_readable_on_a_phone(page, data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/public/430971/linkage/")
    # the table is stacked: no header row, each cell labelled, nothing wider than the screen
    assert not page.locator("[data-testid=linkage-table] thead").is_visible()
    label = page.eval_on_selector(
        "[data-testid=linkage-table] tbody tr td:nth-child(3)",
        "td => getComputedStyle(td, '::before').content",
    )
    assert "审批事项" in label
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.set_viewport_size({"width": 1280, "height": 900})
