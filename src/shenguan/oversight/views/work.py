"""Pages of the work oversight asks of departments: supervision after a claim (调度监管) and the
bureau's handling of the feedback it received."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.org.models import Division, User
from shenguan.org.roles import Perm, Role

from .. import selectors as sel
from .. import services as svc
from ..models import HandlingAction, StartKind, SupervisionResult, SupervisionState
from ._common import back, flag_param, int_param, page_of, show_error


@login_required
@require_GET
def supervision_list(request):
    """Supervision tasks of the user's department (oversight: all), most urgent first."""
    g = request.GET
    state = g.get("state") if g.get("state") in SupervisionState.values else ""
    f = {
        "state": state,
        "department_id": int_param(g.get("department")),
        "overdue": flag_param(g.get("overdue")),
        "late": flag_param(g.get("late")),
        "mine": flag_param(g.get("mine")),
    }
    qs = sel.supervision_list(user=request.user, filters=f)
    return render(
        request,
        "oversight/supervision_list.html",
        {"page": page_of(request, qs), "filters": f, "states": SupervisionState.choices},
    )


@login_required
@require_GET
def supervision_detail(request, pk: int):
    """One task with the forms its state allows."""
    t = sel.supervision_get(user=request.user, pk=pk)
    user = request.user
    own = user.department_id == t.department_id
    can_assign = own and user.can(Perm.SUPERVISION_ASSIGN) and t.state in ("waiting", "assigned")
    can_record = own and user.can(Perm.SUPERVISION_RECORD)
    return render(
        request,
        "oversight/supervision_detail.html",
        {
            "t": t,
            "can_assign": can_assign,
            "can_start": can_record and t.state in ("waiting", "assigned"),
            "can_finish": can_record and t.state == "started",
            "divisions": Division.objects.filter(department_id=t.department_id, active=True),
            "inspectors": User.objects.filter(
                department_id=t.department_id,
                is_active=True,
                role_assignments__role__in=[Role.INSPECTOR, Role.REGULATOR_LEADER],
            ).distinct(),
            "start_kinds": StartKind.choices,
            "results": SupervisionResult.choices,
        },
    )


def _task_action(request, pk: int, func, done: str):
    t = sel.supervision_get(user=request.user, pk=pk)
    try:
        func(t)
        messages.success(request, done)
    except DomainError as exc:
        show_error(request, exc)
    return back(request, f"/oversight/supervision/{t.pk}/")


@login_required
@require_POST
def supervision_assign(request, pk: int):
    p = request.POST
    return _task_action(
        request,
        pk,
        lambda t: svc.supervision_assign(
            actor=request.user,
            task=t,
            division=int_param(p.get("division")),
            inspector=int_param(p.get("inspector")),
        ),
        _("已分派"),
    )


@login_required
@require_POST
def supervision_start(request, pk: int):
    p = request.POST
    return _task_action(
        request,
        pk,
        lambda t: svc.supervision_start(
            actor=request.user, task=t, kind=p.get("kind", ""), note=p.get("note", "")
        ),
        _("已登记启动监管"),
    )


@login_required
@require_POST
def supervision_finish(request, pk: int):
    p = request.POST
    return _task_action(
        request,
        pk,
        lambda t: svc.supervision_finish(
            actor=request.user,
            task=t,
            result=p.get("result", ""),
            text=p.get("text", ""),
            feed_back=p.get("feed_back") == "on",
        ),
        _("监管任务已办结"),
    )


@login_required
@require_GET
def handling_list(request):
    """The bureau's feedback: what still needs a handling record, and what it recorded."""
    if not (request.user.can(Perm.FEEDBACK_HANDLE) or request.user.is_oversight):
        raise PermissionDenied("forbidden", "无权查看反馈处理情况")
    return render(
        request,
        "oversight/handling_list.html",
        {
            "todo": sel.feedback_unhandled(user=request.user)[:200],
            "page": page_of(request, sel.handling_list(user=request.user)),
            "actions": HandlingAction.choices,
            "can_handle": request.user.can(Perm.FEEDBACK_HANDLE),
        },
    )


@login_required
@require_POST
def feedback_handle(request, feedback_id: int):
    from shenguan.linkage import selectors as lsel

    fb = lsel.feedback_get(user=request.user, pk=feedback_id)
    try:
        svc.feedback_handle(
            actor=request.user,
            feedback=fb,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("处理情况已登记"))
    except DomainError as exc:
        show_error(request, exc)
    return back(request, "/oversight/feedback/")
