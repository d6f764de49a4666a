"""Imports run by the worker (后台导入): an upload above a size is not read inside the web
request (issue 12 item 6: a large file ran past the web server's timeout) but queued as an
`ImportJob`; the worker runs it and records its progress, which the page polls with htmx.

An app registers what a kind of job runs, from its AppConfig.ready():

    register_import_kind("catalog.linkage", run_linkage_job)

    def run_linkage_job(*, actor, source, filename, params) -> dict:   # the report as a dict
        ...

The runner reads the file through `core.sheets` (`read_rows`), which reports the rows read to
the job while it runs. A DomainError (ErrorList for a file with problems) ends the job as
failed with its body kept for the page; anything else is logged and shown as a failure.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from shenguan.core.errors import Conflict, DomainError, NotFound

from ..models import ImportJob, ImportJobState
from .progress import progress_hook

log = logging.getLogger("shenguan.core.sheets.jobs")

LEASE = dt.timedelta(minutes=30)
KEEP_UNCONFIRMED = dt.timedelta(days=1)


@dataclass(frozen=True)
class ImportKind:
    """A kind of import the worker can run."""

    name: str
    run: Callable[..., dict]


_KINDS: dict[str, ImportKind] = {}


def register_import_kind(name: str, run: Callable[..., dict]) -> None:
    """Declare what the worker runs for jobs of kind `name`."""
    _KINDS[name] = ImportKind(name, run)


def inline_max_rows() -> int:
    """Files with more rows than this are imported by the worker (settings)."""
    return int(getattr(settings, "SHENGUAN_IMPORT_INLINE_MAX_ROWS", 2000))


def estimate_rows(fileobj, filename: str = "") -> int:
    """The rows of an upload, counted without parsing (an xlsx is held to the limits here:
    BadRequest 413/400 as `iter_rows` would raise)."""
    from .limits import inspect_xlsx
    from .reader import sniff_kind

    head = fileobj.read(8)
    fileobj.seek(0)
    if sniff_kind(head, filename) == "xlsx":
        return inspect_xlsx(fileobj).rows
    lines = 0
    while chunk := fileobj.read(1 << 20):
        lines += chunk.count(b"\n")
    fileobj.seek(0)
    return lines + 1


def import_job_create(
    *,
    actor,
    jurisdiction_id: int,
    kind: str,
    filename: str,
    content: bytes,
    params: dict,
    rows_total: int,
) -> ImportJob:
    """Queue an import for the worker (提交后台导入); the file is kept in the job."""
    if kind not in _KINDS:
        raise ValueError(f"import kind {kind!r} is not registered")
    return ImportJob.objects.create(
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        created_by_id=actor.pk,
        created_at=timezone.now(),
        filename=filename[:255],
        content=content,
        params=params,
        rows_total=rows_total,
    )


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue the import of a file whose dry run passed (确认导入): a new job with the same
    file; the dry run's copy is dropped."""
    if not (
        job.state == ImportJobState.DONE
        and job.params.get("dry_run")
        and (job.result or {}).get("ok")
        and job.created_by_id == actor.pk
    ):
        raise Conflict("not_confirmable", "该导入不能确认：试运行未完成、未通过或已确认")
    with transaction.atomic():
        content = ImportJob.objects.filter(pk=job.pk).values_list("content", flat=True).first()
        if content is None:
            raise Conflict("not_confirmable", "该导入不能确认：试运行未完成、未通过或已确认")
        ImportJob.objects.filter(pk=job.pk).update(content=None)
        return import_job_create(
            actor=actor,
            jurisdiction_id=job.jurisdiction_id,
            kind=job.kind,
            filename=job.filename,
            content=bytes(content),
            params=job.params | {"dry_run": False},
            rows_total=job.rows_total,
        )


def import_job_get(*, user, pk: int) -> ImportJob:
    """A job as its submitter sees it (anyone else: 404)."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=user.pk).defer("content").first()
    if job is None:
        raise NotFound()
    return job


def _lease_next(now: dt.datetime) -> ImportJob | None:
    with transaction.atomic():
        qs = ImportJob.objects.filter(state=ImportJobState.QUEUED).order_by("created_at")
        stale = ImportJob.objects.filter(state=ImportJobState.RUNNING, lease_until__lt=now)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
            stale = stale.select_for_update(skip_locked=True)
        pk = qs.values_list("pk", flat=True).first() or stale.values_list("pk", flat=True).first()
        if pk is None:
            return None
        ImportJob.objects.filter(pk=pk).update(
            state=ImportJobState.RUNNING, started_at=now, lease_until=now + LEASE, rows_done=0
        )
    return ImportJob.objects.get(pk=pk)


def import_job_run(job: ImportJob) -> ImportJob:
    """Run one leased job and record how it ended (the file is dropped from the row)."""
    kind = _KINDS.get(job.kind)
    actor = get_user_model().objects.filter(pk=job.created_by_id, is_active=True).first()
    result = error = None
    last = [0]

    def progress(rows: int) -> None:
        if rows - last[0] >= 500:
            last[0] = rows
            if not connection.in_atomic_block:  # inside the import's write: not visible anyway
                ImportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    token = progress_hook.set(progress)
    try:
        if kind is None or actor is None:
            raise DomainError("job_unrunnable", "无法执行该导入任务：类型未登记或提交人已停用")
        result = kind.run(
            actor=actor,
            source=io.BytesIO(bytes(job.content or b"")),
            filename=job.filename,
            params=job.params,
        )
    except DomainError as exc:
        error = exc.as_dict() | {"status": exc.status}
    except Exception:  # a bug: logged, shown as a failure, the worker goes on
        log.exception("import job %s failed", job.pk)
        error = {"code": "internal", "message": "导入时发生内部错误，请联系管理员", "field": None}
    finally:
        progress_hook.reset(token)
    # a dry run that passed keeps the file for the import the user may confirm
    keep = error is None and job.params.get("dry_run") and (result or {}).get("ok")
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.FAILED if error else ImportJobState.DONE,
        finished_at=timezone.now(),
        lease_until=None,
        result=result,
        error=error,
        rows_done=last[0] if error else job.rows_total,
        **({} if keep else {"content": None}),
    )
    job.refresh_from_db()
    return job


def import_jobs_run_due(now: dt.datetime | None = None, *, limit: int = 5) -> dict:
    """The worker's sweep: run queued jobs (and jobs whose worker died), a few per round."""
    now = now or timezone.now()
    # a dry run nobody confirmed gives its file back after a day (the row stays as a record)
    ImportJob.objects.filter(finished_at__lt=now - KEEP_UNCONFIRMED, content__isnull=False).update(
        content=None
    )
    ran = 0
    while ran < limit:
        job = _lease_next(now)
        if job is None:
            break
        import_job_run(job)
        ran += 1
    return {"ran": ran}
