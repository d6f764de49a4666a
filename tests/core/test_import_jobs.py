"""The worker's import jobs (core.sheets.jobs): progress while reading, failures kept for the
page, a job whose worker died taken up again, and no job for a kind nobody registered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shenguan.core.errors import ValidationFailed
from shenguan.core.models import ImportJob
from shenguan.core.sheets import ImportReport, read_rows
from shenguan.core.sheets.jobs import (
    _KINDS,
    import_job_create,
    import_jobs_run_due,
    register_import_kind,
)
from shenguan.org.roles import DepartmentKind, Role
from tests import factories


@pytest.fixture
def user():
    j = factories.jurisdiction("371500", "聊城市")
    return factories.user(factories.department(j, DepartmentKind.BUREAU), Role.BUREAU_HEAD)


@pytest.fixture
def kind():
    """A test kind that reads every row (reporting progress), or fails as asked."""
    seen: list[int] = []

    def run(*, actor, source, filename, params):
        if params.get("fail") == "domain":
            raise ValidationFailed("bad", "第2行有误", "file")
        if params.get("fail") == "bug":
            raise RuntimeError("a bug")
        report = ImportReport(kind="test", dry_run=True)
        n = 0
        for _row in read_rows(source, filename, report):
            n += 1
            if n % 500 == 0:
                seen.append(ImportJob.objects.get().rows_done)
        return {"rows": n, "sha256": report.sha256}

    register_import_kind("test.kind", run)
    yield seen
    _KINDS.pop("test.kind", None)


def _job(user, **params):
    csv = "\n".join(f"{i},名称{i}" for i in range(1, 1202)).encode()
    return import_job_create(
        actor=user,
        jurisdiction_id=user.jurisdiction_id,
        kind="test.kind",
        filename="a.csv",
        content=csv,
        params=params,
        rows_total=1201,
    )


@pytest.mark.django_db(transaction=True)  # as in the worker: reading runs outside a transaction
def test_a_job_reports_its_progress_and_its_result(user, kind):
    job = _job(user)
    assert import_jobs_run_due() == {"ran": 1}
    job.refresh_from_db()
    assert (job.state, job.result["rows"], job.percent, job.content) == ("done", 1201, 100, None)
    # while reading, the rows read were written to the job every 500 rows (seen one row later)
    assert kind == [500, 1000]
    assert import_jobs_run_due() == {"ran": 0}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fail", "code", "status"), [("domain", "bad", 422), ("bug", "internal", None)]
)
def test_a_failing_job_keeps_the_error_for_the_page(user, kind, fail, code, status):
    job = _job(user, fail=fail)
    import_jobs_run_due()
    job.refresh_from_db()
    assert job.state == "failed" and job.error["code"] == code and job.content is None
    assert job.error.get("status") == status


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_run_again_after_its_lease(user, kind):
    job = _job(user)
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert import_jobs_run_due() == {"ran": 0}  # still leased
    assert import_jobs_run_due(timezone.now() + dt.timedelta(minutes=6)) == {"ran": 1}
    job.refresh_from_db()
    assert job.state == "done"


@pytest.mark.django_db
def test_no_job_for_an_unregistered_kind(user):
    with pytest.raises(ValueError):
        import_job_create(
            actor=user,
            jurisdiction_id=user.jurisdiction_id,
            kind="nobody.registered",
            filename="a.csv",
            content=b"",
            params={},
            rows_total=0,
        )
