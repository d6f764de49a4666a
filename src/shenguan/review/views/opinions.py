"""Pages of technical opinion requests (技术审查函): the list, one request with the answer and
waiver forms, and the posts from the case page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError
from shenguan.linkage import selectors as lk_sel
from shenguan.linkage.models import Push
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..forms import AnswerForm, WaiveForm
from ..models import RequestState, Speciality, StepKind
from ._common import back, flag_param, int_param, page_of, show_error


@login_required
@require_GET
def request_list(request):
    """Requests of the user's department (sent or received); oversight sees them all."""
    g = request.GET
    f = {
        "state": g.get("state") if g.get("state") in RequestState.values else "",
        "step_kind": g.get("step_kind") if g.get("step_kind") in StepKind.values else "",
        "record_id": int_param(g.get("record")),
        "overdue": flag_param(g.get("overdue")),
    }
    qs = sel.request_list(user=request.user, filters=f)
    return render(
        request,
        "review/request_list.html",
        {
            "page": page_of(request, qs),
            "filters": f,
            "states": RequestState.choices,
            "kinds": StepKind.choices,
        },
    )


@login_required
@require_GET
def request_detail(request, pk: int):
    """One request: the case, the step, the deadline, both pushes, the opinion or the forms."""
    r = sel.request_get(user=request.user, pk=pk)
    user = request.user
    open_ = r.state == RequestState.REQUESTED
    pushes = {
        p.pk: p
        for p in Push.objects.with_claim().filter(pk__in=[r.request_push_id, r.opinion_push_id])
    }
    req_push = pushes.get(r.request_push_id)
    can_answer = open_ and user.department_id == r.department_id and user.can(Perm.FEEDBACK_SEND)
    return render(
        request,
        "review/request_detail.html",
        {
            "r": r,
            "req_push": req_push,
            "op_push": pushes.get(r.opinion_push_id),
            "answer_form": AnswerForm() if can_answer else None,
            "must_claim": can_answer
            and req_push is not None
            and req_push.state == "pending"
            and not user.can(Perm.PUSH_CLAIM),
            "draws": list(r.draws.order_by("-drawn_at")),
            "specialities": Speciality.choices,
            "waive_form": WaiveForm()
            if open_ and user.department_id == r.bureau_id and user.can(Perm.APPROVAL_COMPLETE)
            else None,
        },
    )


@login_required
@require_POST
def request_create(request, record_id: int):
    """From the case page: ask for a technical step."""
    record = lk_sel.record_get(user=request.user, pk=record_id)
    try:
        r = svc.opinion_request(
            actor=request.user,
            record=record,
            step_kind=request.POST.get("step_kind", ""),
            question=request.POST.get("question", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
        return redirect(f"/linkage/records/{record.pk}/")
    messages.success(
        request,
        _("技术审查函已推送至%(dept)s，答复期限%(due)s")
        % {"dept": r.department.name, "due": r.due_date.isoformat()},
    )
    return redirect(f"/linkage/records/{record.pk}/")


@login_required
@require_POST
def request_answer(request, pk: int):
    """The regulator's written opinion."""
    r = sel.request_get(user=request.user, pk=pk)
    p = request.POST
    try:
        svc.opinion_answer(
            actor=request.user,
            request=r,
            conclusion=p.get("conclusion", ""),
            reasons=p.get("reasons", ""),
            performers=p.get("performers", ""),
            signing_leader=p.get("signing_leader", ""),
            opinion_date=p.get("opinion_date", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("书面意见已推送至审批部门"))
    return redirect(f"/review/requests/{r.pk}/")


@login_required
@require_POST
def request_waive(request, pk: int):
    """The bureau records why it decides without the opinion."""
    r = sel.request_get(user=request.user, pk=pk)
    try:
        svc.opinion_waive(actor=request.user, request=r, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("已登记未等待答复的理由，审批时限恢复计算"))
    return back(request, f"/review/requests/{r.pk}/")
