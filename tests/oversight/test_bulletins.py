"""Quarterly bulletins: every figure equals an independent recomputation from the raw rows
(with and without the daily roll-up), publishing freezes them, a correction is a new version,
the xlsx has typed cells, the PDF's text (Chinese) can be extracted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.oversight import services as osvc
from shenguan.oversight.documents import bulletin_pdf, bulletin_xlsx
from shenguan.oversight.figures import rollup_sweep
from shenguan.oversight.indicators import FIGURE_LABELS
from shenguan.oversight.models import Bulletin, PushDayStat, PushRollup

from .quarter import AS_OF, Q_END, Q_START, build_quarter, oracle

pytestmark = pytest.mark.django_db


def _compare(b: Bulletin, j) -> None:
    expected = oracle(j, Q_START, Q_END, b.as_of)
    rows = {r["department_id"]: r for r in b.figures["rows"]}
    assert set(expected) <= set(rows)
    for dept, row in rows.items():
        exp = expected.get(dept, {})
        for key in FIGURE_LABELS:
            want = exp.get(
                key, None if key in ("on_time_rate", "median_claim_days", "p90_claim_days") else 0
            )
            assert row[key] == want, (row["department"], key, row[key], want)
    total = b.figures["totals"]
    for key in FIGURE_LABELS:
        if key in ("on_time_rate", "median_claim_days", "p90_claim_days"):
            continue
        assert total[key] == sum(r[key] for r in rows.values()), key


@pytest.fixture
def quarter(lk, county_lk):
    data = build_quarter(lk)
    return data


def test_bulletin_figures_equal_an_independent_recomputation(lk, quarter):
    reform = lk.extra["world"].users["reform_staff"]
    b = osvc.bulletin_generate(actor=reform, jurisdiction=lk.j, period_start=Q_START, as_of=AS_OF)
    assert b.label == "2026年第一季度" and b.state == "draft"
    rows = {r["department_id"]: r for r in b.figures["rows"]}
    a = rows[lk.reg_a.pk]
    # the data really covers every case the bulletin distinguishes
    assert a["claimed_on_time"] and a["claimed_late"] and a["auto_claimed"] and a["pending"]
    assert a["supervision_late"] and a["supervision_never"] and a["feedback_late"]
    assert a["feedback_on_time"] and a["open_red_alerts"] >= 0
    assert rows[lk.bureau.pk]["approvals_overtime"] >= 1
    assert rows[lk.bureau.pk]["corrections_due"] == 1
    _compare(b, lk.j)
    # the ranking follows the on-time rate; the serious line names the departments below it
    ranked = [r for r in b.figures["rows"] if r["rank"]]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    rates = [r["on_time_rate"] for r in ranked]
    assert rates == sorted(rates, reverse=True)
    assert b.figures["serious"] == [
        r["department_id"]
        for r in b.figures["rows"]
        if r["on_time_rate"] is not None and r["on_time_rate"] < 0.9
    ]
    # another jurisdiction's pushes never count
    assert lk.extra["world"].county_depts["reg_a"].pk not in rows


def test_rollup_gives_the_same_figures(lk, quarter):
    reform = lk.extra["world"].users["reform_staff"]
    before = osvc.bulletin_generate(
        actor=reform, jurisdiction=lk.j, period_start=Q_START, as_of=AS_OF
    )
    rollup_sweep(now=AS_OF, window_days=200)
    assert PushRollup.objects.filter(jurisdiction=lk.j, open_left=0).exists()
    assert PushDayStat.objects.filter(jurisdiction=lk.j).exists()
    # the last day of the quarter still had an open push: read live
    assert PushRollup.objects.get(jurisdiction=lk.j, day=dt.date(2026, 3, 31)).open_left >= 1
    after = osvc.bulletin_refresh(actor=reform, bulletin=before, as_of=AS_OF)
    _compare(after, lk.j)
    assert after.figures["rows"] == before.figures["rows"]


def test_publish_freezes_and_a_correction_is_a_new_version(lk, quarter):
    world = lk.extra["world"]
    reform = world.users["reform_staff"]
    b = osvc.bulletin_generate(actor=reform, jurisdiction=lk.j, period_start=Q_START, as_of=AS_OF)
    with pytest.raises(Conflict):
        osvc.bulletin_publish(actor=reform, bulletin=b)  # not reviewed yet
    with pytest.raises(PermissionDenied):
        osvc.bulletin_review(actor=world.users["bureau_head"], bulletin=b, remarks="x")
    with pytest.raises(ValidationFailed) as e:
        osvc.bulletin_review(actor=reform, bulletin=b, remarks="  ")
    assert e.value.field == "remarks"
    osvc.bulletin_review(actor=reform, bulletin=b, remarks="数据已核对。")
    osvc.bulletin_publish(actor=reform, bulletin=b)
    b.refresh_from_db()
    frozen = b.figures
    assert b.state == "published" and b.published_at
    for call in (
        lambda: osvc.bulletin_refresh(actor=reform, bulletin=b),
        lambda: osvc.bulletin_review(actor=reform, bulletin=b, remarks="改"),
        lambda: osvc.bulletin_publish(actor=reform, bulletin=b),
    ):
        with pytest.raises(Conflict):
            call()
    with pytest.raises(Conflict):
        osvc.bulletin_generate(actor=reform, jurisdiction=lk.j, period_start=Q_START)
    c = osvc.bulletin_correct(actor=reform, bulletin=b, reason="补录一条漏报的推送")
    assert c.version == 2 and c.supersedes_id == b.pk and c.state == "draft"
    osvc.bulletin_review(actor=reform, bulletin=c, remarks="更正版")
    osvc.bulletin_publish(actor=reform, bulletin=c)
    b.refresh_from_db()
    assert b.state == "superseded" and b.figures == frozen


def test_period_must_be_over_and_start_on_its_first_day(lk):
    reform = lk.extra["world"].users["reform_staff"]
    with pytest.raises(ValidationFailed) as e:
        osvc.bulletin_generate(
            actor=reform, jurisdiction=lk.j, period_start=dt.date(2026, 2, 1), as_of=AS_OF
        )
    assert e.value.field == "period_start"
    with pytest.raises(ValidationFailed):
        osvc.bulletin_generate(
            actor=reform,
            jurisdiction=lk.j,
            period_start=Q_START,
            as_of=dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC),
        )


def test_the_worker_drafts_on_the_first_working_day_after_the_period(lk):
    from shenguan.oversight.services import bulletins_draft_due

    from .helpers import at

    # 2026-04-01 is a Wednesday, the first working day after Q1
    bulletins_draft_due(now=at(2026, 3, 31, 23))  # drafts 2025 Q4 (city and county), not Q1
    q1 = Bulletin.objects.filter(jurisdiction=lk.j, period_start=Q_START)
    assert not q1.exists()
    assert Bulletin.objects.get(jurisdiction=lk.j).period_start == dt.date(2025, 10, 1)
    assert bulletins_draft_due(now=at(2026, 4, 1, 8))["drafted"] == 2  # city and county
    b = q1.get()
    assert (b.period_end, b.generated_by_name, b.state) == (Q_END, "系统", "draft")
    assert bulletins_draft_due(now=at(2026, 4, 1, 9))["drafted"] == 0  # idempotent


def test_xlsx_has_typed_cells_and_pdf_text_is_extractable(lk, quarter):
    reform = lk.extra["world"].users["reform_staff"]
    b = osvc.bulletin_generate(actor=reform, jurisdiction=lk.j, period_start=Q_START, as_of=AS_OF)
    wb = load_workbook(io.BytesIO(bulletin_xlsx(b)))
    ws = wb["通报"]
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["排名", "部门", "收到推送"] and "按时认领率" in headers
    by_name = {row[1].value: row for row in ws.iter_rows(min_row=3)}
    a = by_name[lk.reg_a.name]
    fig = next(r for r in b.figures["rows"] if r["department_id"] == lk.reg_a.pk)
    received = a[headers.index("收到推送")]
    assert received.data_type == "n" and received.value == fig["pushes_received"]
    rate = a[headers.index("按时认领率")]
    assert rate.data_type == "n" and rate.number_format == "0.0%"
    assert abs(rate.value - fig["on_time_rate"]) < 1e-9
    info = wb["说明"]
    dates = {row[0].value: row[1] for row in info.iter_rows()}
    assert dates["通报期起始"].is_date and dates["通报期起始"].value.date() == Q_START
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bulletin_pdf(b))).pages)
    assert b.title in text.replace("\n", "")
    assert lk.reg_a.name in text.replace("\n", "")
    assert "按时认领率" in text
