"""The records import behind the upload limits and in the worker (issue 12 item 6): XXE and
entity expansion answer 4xx, never 500; bombs and wide files 413 before parsing; a large file
is imported by the worker with its progress shown."""

from __future__ import annotations

import io

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile

from shenguan.core.models import ImportJob
from shenguan.core.sheets.jobs import import_jobs_run_due
from shenguan.linkage.models import ApprovalRecord, Push
from shenguan.org.roles import Role
from tests.api.conftest import Api, issue_token
from tests.core import hostile_xlsx as H
from tests.linkage.test_views import HEAD, _row, _xlsx, login


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
    ("data", "status", "code"),
    [
        (lambda: H.with_entities("xxe"), 400, "bad_xlsx"),
        (lambda: H.with_entities("laughs"), 400, "bad_xlsx"),
        (lambda: H.shared_strings_bomb(314), 413, "xml_too_large"),
        (lambda: H.wide_file(5020, 2000), 413, "xml_too_large"),
    ],
    ids=["xxe", "laughs", "bomb", "wide"],
)
def test_hostile_files_answer_4xx_before_parsing(lk, parser_calls, data, status, code):
    data = data()  # built here, not when the tests are collected
    page = login(lk.users["approver"]).post(
        "/linkage/records/import", {"file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert page.status_code == status
    _tok, plain = issue_token(lk.bureau, Role.WINDOW_CLERK, Role.APPROVER, name="省审批系统")
    f = io.BytesIO(data)
    f.name = "a.xlsx"
    api = Api(token=plain)
    resp = api.client.post("/api/v1/linkage/records/import", {"file": f}, headers=api.headers)
    assert resp.status_code == status, resp.content.decode()
    assert resp.json()["code"] == code and resp.json()["field"] == "file"
    assert parser_calls == []
    assert not ApprovalRecord.objects.exists() and not ImportJob.objects.exists()


def test_a_large_records_file_is_imported_by_the_worker(lk, settings):
    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 2
    c = login(lk.users["approver"])
    data = _xlsx([HEAD, _row("JOB-1"), _row("JOB-2", code="3715ZJ0001"), _row("JOB-3")])
    resp = c.post(
        "/linkage/records/import", {"file": SimpleUploadedFile("a.xlsx", data), "complete": "on"}
    )
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/linkage/records/import/jobs/{job.pk}"
    page = c.get(resp["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page and "hx-trigger" in page
    assert not ApprovalRecord.objects.exists()
    import_jobs_run_due()
    frag = c.get(resp["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "已导入 3 件" in frag and "hx-trigger" not in frag
    recs = ApprovalRecord.objects.filter(case_number__startswith="JOB-", state="completed")
    assert recs.count() == 3 and Push.objects.filter(record__in=recs).exists()
    # another user of the bureau does not see the job
    assert login(lk.users["window_clerk"]).get(resp["Location"]).status_code == 404


def test_a_records_file_with_problems_ends_the_job_with_every_problem(lk, settings):
    settings.SHENGUAN_IMPORT_INLINE_MAX_ROWS = 1
    c = login(lk.users["approver"])
    data = _xlsx([HEAD, _row("BAD-1", code="NOPE"), _row("BAD-2", code="NOPE")])
    loc = c.post("/linkage/records/import", {"file": SimpleUploadedFile("a.xlsx", data)})[
        "Location"
    ]
    import_jobs_run_due()
    page = c.get(loc).content.decode()
    assert "第2行“事项编码”" in page and "第3行“事项编码”" in page
    assert ImportJob.objects.get().state == "failed"
    assert not ApprovalRecord.objects.exists()
