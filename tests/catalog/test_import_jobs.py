"""Large list imports run by the worker with a progress bar, and the upload limits answered
4xx before any parsing (issue 12 item 6)."""

from __future__ import annotations

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shenguan.catalog.models import LinkageEntry
from shenguan.catalog.seed003 import build_xlsx
from shenguan.core.models import ImportJob
from shenguan.core.sheets.jobs import import_jobs_run_due
from shenguan.outbox.sweeps import registered_sweeps

from ..core import hostile_xlsx as H


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _upload(c, data: bytes, name: str = "清单.xlsx"):
    return c.post(
        "/catalog/import/",
        {
            "kind": "linkage",
            "mode": "append",
            "valid_from": "2023-10-16",
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_a_large_file_is_read_by_the_worker_with_its_progress_shown(yiyang, settings):
    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 10  # the fixture has 16 rows
    c = _client(yiyang.head)
    data = build_xlsx()
    resp = _upload(c, data)
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    assert resp["Location"] == f"/catalog/import/jobs/{job.pk}/"
    assert (job.state, job.rows_total, job.params["dry_run"]) == ("queued", 16, True)
    page = c.get(resp["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page and 'hx-trigger="every 1s"' in page
    assert LinkageEntry.objects.count() == 0

    # the worker's sweep runs the dry run; the polled fragment then shows the report
    assert "core.import_jobs" in registered_sweeps()
    assert import_jobs_run_due() == {"ran": 1}
    frag = c.get(resp["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "试运行通过" in frag and "hx-trigger" not in frag and "<html" not in frag
    assert LinkageEntry.objects.count() == 0

    # confirming queues the import with the same file; the worker writes it
    resp = c.post(f"/catalog/import/jobs/{job.pk}/")
    new = ImportJob.objects.exclude(pk=job.pk).get()
    assert resp["Location"] == f"/catalog/import/jobs/{new.pk}/"
    assert new.params["dry_run"] is False and bytes(new.content) == data
    assert ImportJob.objects.get(pk=job.pk).content is None
    import_jobs_run_due()
    new.refresh_from_db()
    assert (new.state, new.percent, new.content) == ("done", 100, None)
    assert LinkageEntry.objects.count() == 12
    assert "导入完成" in c.get(f"/catalog/import/jobs/{new.pk}/").content.decode()
    # a second confirmation of the same dry run is refused
    c.post(f"/catalog/import/jobs/{job.pk}/")
    assert ImportJob.objects.count() == 2 and LinkageEntry.objects.count() == 12


def test_a_job_is_seen_by_its_submitter_only(yiyang, settings):
    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 10
    _upload(_client(yiyang.head), build_xlsx())
    job = ImportJob.objects.get()
    assert _client(yiyang.liaison).get(f"/catalog/import/jobs/{job.pk}/").status_code in (403, 404)


def test_a_file_with_problems_ends_the_job_with_every_problem(yiyang, settings):
    from .test_import_linkage import _xlsx

    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 1
    header = ["序号", "行政审批部门", "审批事项", "行业主管部门", "监管事项编码", "监管事项名称"]
    rows = [header] + [["1", "区经济合作局", "甲", "区无此局", "12", "1、甲"]] * 3
    c = _client(yiyang.head)
    loc = _upload(c, _xlsx(rows))["Location"]
    import_jobs_run_due()
    page = c.get(loc).content.decode()
    assert "试运行未通过" in page and "区无此局" in page and "确认导入" not in page


@pytest.fixture
def parser_calls(monkeypatch):
    calls = []
    real = python_calamine.CalamineWorkbook.from_filelike

    def spy(fileobj, *args, **kwargs):
        calls.append(fileobj)
        return real(fileobj, *args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", spy)
    return calls


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (lambda: H.shared_strings_bomb(314), "xml_too_large"),
        (lambda: H.wide_file(5020, 2000), "xml_too_large"),
        (lambda: H.with_entities("laughs"), "bad_xlsx"),
    ],
    ids=["bomb", "wide", "entities"],
)
def test_hostile_uploads_are_answered_4xx_before_parsing(yiyang, api_as, parser_calls, data, code):
    data = data()  # built here, not when the tests are collected
    page = _upload(_client(yiyang.head), data)
    assert page.status_code == (400 if code == "bad_xlsx" else 413)
    assert "文件" in page.content.decode()
    api = api_as(yiyang.head).upload("import/linkage", data, "x.xlsx", dry_run="true")
    assert api.status_code == (400 if code == "bad_xlsx" else 413)
    assert api.json()["code"] == code and api.json()["field"] == "file"
    assert parser_calls == [] and ImportJob.objects.count() == 0


def test_an_unconfirmed_dry_run_gives_its_file_back_after_a_day(yiyang, settings):
    import datetime as dt

    from django.utils import timezone

    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 10
    _upload(_client(yiyang.head), build_xlsx())
    import_jobs_run_due()
    job = ImportJob.objects.get()
    assert job.state == "done" and job.content is not None  # kept for the confirmation
    import_jobs_run_due(timezone.now() + dt.timedelta(hours=23))
    job.refresh_from_db()
    assert job.content is not None
    import_jobs_run_due(timezone.now() + dt.timedelta(hours=25))
    job.refresh_from_db()
    assert job.content is None
