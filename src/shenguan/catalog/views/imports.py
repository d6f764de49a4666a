"""The list import page (清单导入): upload, dry run, confirm."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from shenguan.core.errors import DomainError
from shenguan.core.sheets import jobs

from ..forms import (
    ImportForm,
)
from ..importers.jobs import catalog_import_run
from .common import _own_jurisdiction, manager


def _upload_dir() -> Path:
    d = Path(settings.VAR_DIR) / "uploads" / "catalog"
    d.mkdir(parents=True, exist_ok=True)
    return d


_TOKEN = re.compile(r"^[0-9a-f]{32}$")


# The import templates (导入模板): the layouts the importers read, with a note line (rows starting
# with 注： are skipped by the reader, core.sheets.HeaderSheet).
TEMPLATES = {
    "linkage": (
        "审管联动事项清单导入模板",
        "注：每行一个审批事项与一个行业主管部门；监管事项编码多个时每行一个；审批事项不在事项目录中"
        "时，试运行会列出将新建的事项，请核对名称。",
    ),
    "items": (
        "行政许可事项目录导入模板",
        "注：是/否列填“是”或“否”；日期写 2026-12-07；原审批部门须与部门名称一致。",
    ),
    "supervision": (
        "监管事项导入模板",
        "注：监管事项编码为12位数字或大写字母；监管部门须与部门名称一致。",
    ),
}


def import_template(kind: str):
    """An empty xlsx in the layout of an import, with its note line (core.sheets writer)."""
    from shenguan.core.sheets import sheet_response

    from .. import exports

    headers = {
        "linkage": exports.LINKAGE_HEADERS,
        "items": exports.ITEM_HEADERS,
        "supervision": exports.SUPERVISION_HEADERS,
    }[kind]
    name, note = TEMPLATES[kind]
    return sheet_response("xlsx", name, headers, [[note]], stamp=False)


_CREATED_LABELS = {
    "entries": _lazy("联动事项"),
    "items": _lazy("新建审批事项"),
    "supervision_items": _lazy("新建监管事项"),
    "retired_entries": _lazy("终止的原联动事项"),
    "updated": _lazy("更新"),
}


def _sweep_uploads(max_age_hours: int = 24) -> None:
    """Delete uploads left by dry runs that were never confirmed."""
    import time

    limit = time.time() - max_age_hours * 3600
    for f in _upload_dir().iterdir():
        with contextlib.suppress(OSError):
            if f.stat().st_mtime < limit:
                f.unlink()


def _run_import(request, kind, path: Path, filename, dry_run, mode, valid_from):
    from shenguan.org.models import Jurisdiction

    j = Jurisdiction.objects.get(pk=_own_jurisdiction(request))
    with path.open("rb") as fh:
        return catalog_import_run(
            kind=kind,
            actor=request.user,
            jurisdiction=j,
            source=fh,
            filename=filename,
            dry_run=dry_run,
            mode=mode,
            valid_from=valid_from,
        )


def _queue_if_large(request, path: Path, d: dict):
    """A file above the inline size goes to the worker: the job, or None to run it here."""
    with path.open("rb") as fh:
        rows = jobs.estimate_rows(fh, d["file"].name)
    if rows <= jobs.inline_max_rows():
        return None
    return jobs.import_job_create(
        actor=request.user,
        jurisdiction_id=_own_jurisdiction(request),
        kind="catalog.import",
        filename=d["file"].name,
        content=path.read_bytes(),
        params={
            "kind": d["kind"],
            "jurisdiction_id": _own_jurisdiction(request),
            "dry_run": True,
            "mode": d["mode"],
            "valid_from": d["valid_from"].isoformat() if d.get("valid_from") else "",
        },
        rows_total=rows,
    )


_LIST_PAGES = {"linkage": "catalog:entry_list", "items": "catalog:item_list"}


@manager
@require_http_methods(["GET", "POST"])
def import_job(request, pk: int):
    """A list import run by the worker (后台导入): progress while it runs (the fragment is
    polled by htmx), then the dry run's report and its confirmation, or the import's result."""
    job = jobs.import_job_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            new = jobs.import_job_confirm(actor=request.user, job=job)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("catalog:import_job", pk=job.pk)
        return redirect("catalog:import_job", pk=new.pk)
    report = job.result or {}
    ctx = {
        "job": job,
        "report": report,
        "error": job.error,
        "summary": [(_CREATED_LABELS.get(k, k), v) for k, v in report.get("created", {}).items()],
        "list_page": _LIST_PAGES.get(job.params.get("kind"), "catalog:supervision_list"),
        "running": job.state in ("queued", "running"),
    }
    if getattr(request, "htmx", False):
        return render(request, "catalog/_import_job.html", ctx)
    return render(request, "catalog/import_job.html", ctx)


@manager
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a list: a dry run reports every problem; importing writes only if all rows pass."""
    if request.method == "GET" and request.GET.get("template") in TEMPLATES:
        return import_template(request.GET["template"])
    form = ImportForm(request.POST or None, request.FILES or None)
    ctx: dict = {"form": form, "templates": [(k, v[0]) for k, v in TEMPLATES.items()]}
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        stash = request.session.get("catalog_import", {})
        if not _TOKEN.match(token) or stash.get("token") != token:
            messages.error(request, _("导入已过期，请重新上传"))
            return redirect("catalog:import")
        path = _upload_dir() / token
        try:
            valid_from = (
                dt.date.fromisoformat(stash["valid_from"]) if stash.get("valid_from") else None
            )
            report = _run_import(
                request, stash["kind"], path, stash["filename"], False, stash["mode"], valid_from
            )
        except DomainError as exc:
            ctx["error"] = exc
            ctx["problems"] = getattr(exc, "problems", [])
            return render(request, "catalog/import.html", ctx)
        finally:
            path.unlink(missing_ok=True)
            request.session.pop("catalog_import", None)
        messages.success(request, _("导入完成：%(n)s 条") % {"n": report.records})
        return redirect(
            {"linkage": "catalog:entry_list", "items": "catalog:item_list"}.get(
                stash["kind"], "catalog:supervision_list"
            )
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        token = uuid.uuid4().hex
        path = _upload_dir() / token
        _sweep_uploads()
        h = hashlib.sha256()
        with path.open("wb") as out:
            for chunk in d["file"].chunks():
                h.update(chunk)
                out.write(chunk)
        try:
            job = _queue_if_large(request, path, d)
            if job is not None:
                path.unlink(missing_ok=True)
                return redirect("catalog:import_job", pk=job.pk)
            report = _run_import(
                request, d["kind"], path, d["file"].name, True, d["mode"], d.get("valid_from")
            )
        except DomainError as exc:
            path.unlink(missing_ok=True)
            ctx["error"] = exc
            # a file over a limit or unreadable: its 4xx (413, 400); problems in rows: the page
            return render(
                request, "catalog/import.html", ctx, status=exc.status if exc.status != 422 else 200
            )
        ctx["report"] = report
        ctx["summary"] = [(_CREATED_LABELS.get(k, k), v) for k, v in report.created.items()]
        ctx["new_items"] = report.to_create.get("items", [])
        if report.ok:
            request.session["catalog_import"] = {
                "token": token,
                "kind": d["kind"],
                "filename": d["file"].name,
                "mode": d["mode"],
                "valid_from": d["valid_from"].isoformat() if d.get("valid_from") else "",
            }
            ctx["token"] = token
        else:
            path.unlink(missing_ok=True)
    return render(request, "catalog/import.html", ctx)
