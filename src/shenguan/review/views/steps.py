"""The technical-step table page (技术性环节清单, 004 三(三)4) with its form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.catalog import selectors as catalog_sel
from shenguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm

from .. import selectors as sel
from .. import services as svc
from ..models import Performer, StepKind
from ._common import flag_param, int_param, page_of, show_error


@login_required
@require_GET
def step_list(request):
    """Every version of the table (or those in force today), with the form for its keepers."""
    user = request.user
    if not (user.is_oversight or user.can(Perm.CATALOG_READ)):
        raise PermissionDenied("forbidden", "无权查看技术性环节清单")
    g = request.GET
    f = {
        "item_id": int_param(g.get("item")),
        "step_kind": g.get("step_kind") if g.get("step_kind") in StepKind.values else "",
        "current": flag_param(g.get("current")),
    }
    ctx = {
        "page": page_of(request, sel.step_list(user=user, filters=f)),
        "filters": f,
        "kinds": StepKind.choices,
    }
    if user.can(Perm.CATALOG_MANAGE) and user.department is not None:
        j = user.department.jurisdiction_id
        ctx["form"] = True
        ctx["items"] = catalog_sel.item_list(user=user).filter(jurisdiction_id=j)[:500]
        ctx["departments"] = Department.objects.filter(
            jurisdiction_id=j,
            active=True,
            kind__in=[DepartmentKind.BUREAU, DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT],
        ).order_by("sort_order", "id")
        ctx["performers"] = Performer.choices
    return render(request, "review/step_list.html", ctx)


@login_required
@require_POST
def step_create(request):
    """Add a version of an item's step."""
    p = request.POST
    try:
        item = catalog_sel.item_get(user=request.user, pk=int_param(p.get("item")) or 0)
        dept = Department.objects.filter(
            pk=int_param(p.get("department")) or 0, jurisdiction_id=item.jurisdiction_id
        ).first()
        if dept is None:
            raise ValidationFailed("bad_department", "请选择本辖区的实施部门", "department")
        svc.step_create(
            actor=request.user,
            item=item,
            step_kind=p.get("step_kind", ""),
            performer=p.get("performer", ""),
            department=dept,
            procedure=p.get("procedure", ""),
            time_limit_days=p.get("time_limit_days", ""),
            valid_from=p.get("valid_from", ""),
            basis=p.get("basis", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("技术性环节已登记"))
    return redirect("review:step_list")


@login_required
@require_POST
def step_import(request):
    """Upload the table as xlsx or csv; a dry run (ticked by default) only checks."""
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("请选择文件"))
        return redirect("review:step_list")
    if f.size > 5 * 1024 * 1024:
        messages.error(request, _("文件过大：不得超过 5 MB"))
        return redirect("review:step_list")
    try:
        out = svc.steps_import(
            actor=request.user,
            fileobj=f,
            filename=f.name,
            dry_run=request.POST.get("dry_run") == "1",
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        if out["dry_run"]:
            messages.success(
                request, _("试运行通过：%(n)s 行均可导入，未写入数据") % {"n": out["valid"]}
            )
        else:
            messages.success(request, _("已导入 %(n)s 行") % {"n": out["created"]})
    return redirect("review:step_list")


@require_GET
def public_step_list(request, code: str):
    """The table in force today on the public site (no login), like the catalogue."""
    from django.shortcuts import get_object_or_404

    from shenguan.catalog.selectors import public_jurisdictions

    j = get_object_or_404(public_jurisdictions(), code=code)
    rows = list(sel.public_step_list(jurisdiction_code=j.code)[:2000])
    return render(request, "review/public_step_list.html", {"j": j, "rows": rows})
