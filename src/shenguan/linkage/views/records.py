"""Approval record pages: list, registration, completion, routing, materials, import (办件)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shenguan.core.errors import DomainError, ErrorList, PermissionDenied
from shenguan.core.sheets import jobs
from shenguan.org.roles import DepartmentKind, Perm

from .. import hooks
from .. import selectors as sel
from .. import services as svc
from ..exports import RECORD_HEADERS, record_row
from ..forms import (
    ImportForm,
    MaterialForm,
    RecordForm,
    RouteForm,
)
from ..importer import records_import, template_xlsx
from ..models import (
    Licence,
    RecordState,
)
from .common import _departments, _error, _items, _page, export_list, personal


def _require_bureau(request) -> None:
    if not request.user.can(Perm.APPROVAL_RECORD) and not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看办件")


@login_required
@require_GET
def record_list(request):
    """Approval records (办件) of the department, or those pushed to it."""
    _require_bureau(request)
    f = {k: request.GET.get(k) for k in ("case_number", "applicant", "state") if request.GET.get(k)}
    if request.GET.get("gap") == "1":
        f["supervision_gap"] = True
    if request.GET.get("own") == "1" and request.user.department_id:
        # the home-page counts are of the actor's own department (selectors.counts)
        f["department_id"] = request.user.department_id
    qs = sel.record_list(user=request.user, filters=f)
    if request.GET.get("format") == "xlsx":
        return export_list(
            request, qs, RECORD_HEADERS, record_row, _("办件"), "approval.record.export", f
        )
    return render(
        request,
        "linkage/record_list.html",
        {
            "page": _page(request, qs),
            "filters": f,
            "states": RecordState.choices,
            "can_record": request.user.can(Perm.APPROVAL_RECORD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    """Register an approval record at the window (登记办件)."""
    if not request.user.can(Perm.APPROVAL_RECORD):
        raise PermissionDenied("forbidden", "无权登记办件")
    form = RecordForm(
        request.POST or None,
        items=_items(request.user),
        can_complete=request.user.can(Perm.APPROVAL_COMPLETE),
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        complete = d.pop("complete", False)
        try:
            rec = svc.record_create(actor=request.user, data=d, complete=complete)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("办件已登记，已办结推送") if complete else _("办件已登记"))
            return redirect("linkage:record_detail", pk=rec.pk)
    return render(
        request,
        "linkage/record_form.html",
        {"form": form, "panels": hooks.panels_for("record_form", request, form)},
    )


@login_required
@require_GET
def record_detail(request, pk: int):
    """One record: applicant, decision, materials, its pushes and the actions left."""
    rec = sel.record_get(user=request.user, pk=pk)
    user = request.user
    shown = personal(
        request,
        rec,
        {
            "id_number": (rec.applicant_id_number, "id_number"),
            "contact_phone": (rec.contact_phone, "phone"),
        },
    )
    own = user.department_id == rec.department_id
    from ..models import Push

    pushes = (
        Push.objects.restrict(user).filter(record_id=rec.pk).select_related("addressee_department")
    )
    ctx = {
        "rec": rec,
        "shown": shown,
        "materials": rec.materials.order_by("id"),
        "pushes": pushes,
        "licence": Licence.objects.restrict(user).filter(record_id=rec.pk).first(),
        "can_upload": own and rec.state == RecordState.DRAFT and user.can(Perm.APPROVAL_RECORD),
        "can_complete": own and rec.state == RecordState.DRAFT and user.can(Perm.APPROVAL_COMPLETE),
        "material_form": MaterialForm(),
        "suspensions": sel.suspension_list(user=user, record=rec),
        "panels": hooks.panels_for("record", request, rec),
        "timeline": sorted(hooks.timeline_entries(user=user, record=rec), key=lambda e: e["at"]),
    }
    if (
        own
        and rec.supervision_gap
        and (user.can(Perm.APPROVAL_COMPLETE) or user.can(Perm.CATALOG_MANAGE))
    ):
        ctx["route_form"] = RouteForm(
            regulators=_departments(
                user, [DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]
            ).filter(jurisdiction_id=rec.jurisdiction_id)
        )
    return render(request, "linkage/record_detail.html", ctx)


@login_required
@require_POST
def record_complete(request, pk: int):
    """Complete a record and push it (办结推送)."""
    rec = sel.record_get(user=request.user, pk=pk)
    try:
        pushes = svc.record_complete(actor=request.user, record=rec)
    except DomainError as exc:
        _error(request, exc)
    else:
        rec.refresh_from_db()
        if rec.supervision_gap:
            messages.warning(
                request, _("已办结，但该事项不在审管联动事项清单中（监管空白），请指定监管部门")
            )
        else:
            messages.success(request, _("已办结并推送至 %(n)d 个监管部门") % {"n": len(pushes)})
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_POST
def record_route(request, pk: int):
    """Route a supervision-gap record to a chosen regulator (人工指定监管部门)."""
    rec = sel.record_get(user=request.user, pk=pk)
    form = RouteForm(request.POST, regulators=_departments(request.user))
    if not form.is_valid():
        messages.error(request, _("请选择监管部门并填写说明"))
        return redirect("linkage:record_detail", pk=pk)
    try:
        svc.record_route_manually(
            actor=request.user,
            record=rec,
            regulator=form.cleaned_data["regulator"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已推送至指定的监管部门"))
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_POST
def material_upload(request, pk: int):
    """Attach a file to a draft record (上传材料)."""
    rec = sel.record_get(user=request.user, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择文件"))
        return redirect("linkage:record_detail", pk=pk)
    f = form.cleaned_data["file"]
    try:
        svc.material_add(
            actor=request.user,
            record=rec,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            filename=f.name,
            fileobj=f,
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("材料已上传"))
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_GET
def material_download(request, pk: int):
    """Download a material of a record the user may see."""
    m = sel.material_get(user=request.user, pk=pk)
    fh = svc.material_open(m)
    resp = FileResponse(fh, content_type=m.content_type, as_attachment=True, filename=m.filename)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def record_import(request):
    """Import approval records from a spreadsheet, all or nothing (批量导入办件)."""
    if not request.user.can(Perm.APPROVAL_RECORD):
        raise PermissionDenied("forbidden", "无权导入办件")
    if request.GET.get("template") == "1":
        resp = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = 'attachment; filename="approval-import-template.xlsx"'
        return resp
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        can_complete=request.user.can(Perm.APPROVAL_COMPLETE),
    )
    report = problems = None
    dry_run = request.POST.get("dry_run") == "1"  # 试运行: check every row, write nothing
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            rows = jobs.estimate_rows(f, f.name)  # also holds the file to the upload limits
            if rows > jobs.inline_max_rows() and request.user.jurisdiction_id:
                job = jobs.import_job_create(
                    actor=request.user,
                    jurisdiction_id=request.user.jurisdiction_id,
                    kind="linkage.records",
                    filename=f.name,
                    content=f.read(),
                    params={
                        "complete": form.cleaned_data.get("complete", False),
                        "dry_run": dry_run,
                    },
                    rows_total=rows,
                )
                return redirect("linkage:record_import_job", pk=job.pk)
            report = records_import(
                actor=request.user,
                fileobj=f,
                filename=f.name,
                complete=form.cleaned_data.get("complete", False),
                dry_run=dry_run,
            )
        except ErrorList as exc:
            problems = exc.problems
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
            status = exc.status if exc.field == "file" and exc.status in (400, 413) else 200
            return render(
                request,
                "linkage/record_import.html",
                {"form": form, "report": report, "problems": problems},
                status=status,
            )
    return render(
        request,
        "linkage/record_import.html",
        {"form": form, "report": report, "problems": problems},
    )


@login_required
@require_GET
def record_import_job(request, pk: int):
    """A records import run by the worker (后台导入): progress while it runs (the fragment is
    polled by htmx), then the result or every problem."""
    job = jobs.import_job_get(user=request.user, pk=pk)
    ctx = {
        "job": job,
        "report": job.result or {},
        "error": job.error,
        "running": job.state in ("queued", "running"),
    }
    if getattr(request, "htmx", False):
        return render(request, "linkage/_record_import_job.html", ctx)
    return render(request, "linkage/record_import_job.html", ctx)
