"""Pages of the organisation imports (组织机构导入): template download, dry run, confirmation,
and the one-time passwords of new accounts shown once (org/importers.py does the work)."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shenguan.core.errors import DomainError

from . import importers
from .forms import IMPORT_KIND_LABELS, OrgImportForm
from .roles import Perm
from .views import require_perm

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_STASH = "org_import"
CREATED_LABELS = {
    "departments": _lazy("新建部门"),
    "divisions": _lazy("新建科室"),
    "users": _lazy("新建账号"),
    "users_updated": _lazy("更新账号"),
    "role_grants": _lazy("授予角色的账号"),
    "liaisons": _lazy("任命联络员和分管领导"),
}


def _kinds(user) -> list[str]:
    return [k for k in importers.KINDS if user.can(importers.REQUIRED_PERM[k])]


def _upload_dir() -> Path:
    d = Path(settings.VAR_DIR) / "uploads" / "org"
    d.mkdir(parents=True, exist_ok=True)
    limit = time.time() - 24 * 3600  # dry runs never confirmed
    for f in d.iterdir():
        with contextlib.suppress(OSError):
            if f.stat().st_mtime < limit:
                f.unlink()
    return d


def _run(request, kind: str, path: Path, filename: str, dry_run: bool):
    with path.open("rb") as fh:
        return importers.org_import(
            actor=request.user, kind=kind, source=fh, filename=filename, dry_run=dry_run
        )


@require_perm(Perm.ORG_MANAGE, Perm.USER_MANAGE, Perm.ROLE_GRANT)
def import_template(request, kind: str):
    """An empty xlsx in the layout of an import (导入模板)."""
    if kind not in _kinds(request.user):
        return redirect("org:import")
    resp = HttpResponse(
        importers.template(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="org-{kind}-template.xlsx"'
    return resp


@never_cache
@require_perm(Perm.ORG_MANAGE, Perm.USER_MANAGE, Perm.ROLE_GRANT)
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a sheet: a dry run lists every problem by row and column; confirming writes all
    rows or none. New accounts' one-time passwords are shown on the result, once."""
    kinds = _kinds(request.user)
    form = OrgImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    ctx: dict = {
        "form": form,
        "templates": [(k, IMPORT_KIND_LABELS[k]) for k in kinds],
    }
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        stash = request.session.get(_STASH, {})
        if not _TOKEN.match(token) or stash.get("token") != token:
            messages.error(request, _("导入已过期，请重新上传"))
            return redirect("org:import")
        path = _upload_dir() / token
        try:
            result = _run(request, stash["kind"], path, stash["filename"], False)
        except DomainError as exc:
            ctx.update(error=exc, problems=getattr(exc, "problems", []))
            return render(request, "org/import.html", ctx)
        finally:
            path.unlink(missing_ok=True)
            request.session.pop(_STASH, None)
        ctx.update(
            done=result.report,
            summary=[(CREATED_LABELS.get(k, k), v) for k, v in result.report.created.items()],
            accounts=result.accounts,
        )
        return render(request, "org/import.html", ctx)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        token = uuid.uuid4().hex
        path = _upload_dir() / token
        with path.open("wb") as out:
            for chunk in d["file"].chunks():
                out.write(chunk)
        try:
            result = _run(request, d["kind"], path, d["file"].name, True)
        except DomainError as exc:
            path.unlink(missing_ok=True)
            ctx.update(error=exc, problems=getattr(exc, "problems", []))
            return render(request, "org/import.html", ctx)
        request.session[_STASH] = {"token": token, "kind": d["kind"], "filename": d["file"].name}
        ctx.update(
            report=result.report,
            token=token,
            summary=[(CREATED_LABELS.get(k, k), v) for k, v in result.report.created.items()],
        )
    return render(request, "org/import.html", ctx)
