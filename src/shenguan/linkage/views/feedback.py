"""Supervision feedback pages: list, entry, disposal and correction replies (监管反馈)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..exports import FEEDBACK_HEADERS, feedback_row
from ..forms import (
    DisposalForm,
    FeedbackForm,
    ReplyForm,
)
from ..models import (
    RESULT_KINDS,
    FeedbackKind,
    FeedbackState,
)
from .common import _back, _error, _page, export_list

FEEDBACK_TODO = {
    "disposal": lambda dept: {"open_disposal": True, "addressee_id": dept},
    "reply": lambda dept: {"open_reply": True, "addressee_id": dept},
    "held": lambda dept: {"state": FeedbackState.HELD, "sender_id": dept},
}
FEEDBACK_TODO_LABELS = {
    "disposal": _lazy("待办理的处置意见"),
    "reply": _lazy("待答复的纠错建议"),
    "held": _lazy("待生效后推送的处罚"),
}


@login_required
@require_GET
def feedback_list(request):
    """Supervision feedback sent or received (监管信息反馈)."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看监管信息")
    f = {k: request.GET.get(k) for k in ("kind", "state") if request.GET.get(k)}
    todo = request.GET.get("todo")
    if todo in FEEDBACK_TODO and request.user.department_id:
        # the home-page counts (selectors.counts.inbox_counts), filtered the same way
        f.update(FEEDBACK_TODO[todo](request.user.department_id))
    qs = sel.feedback_list(user=request.user, filters=f)
    if request.GET.get("format") == "xlsx":
        return export_list(
            request, qs, FEEDBACK_HEADERS, feedback_row, _("监管信息反馈"), "feedback.export", f
        )
    return render(
        request,
        "linkage/feedback_list.html",
        {
            "page": _page(request, qs),
            "kinds": FeedbackKind.choices,
            "states": FeedbackState.choices,
            "todo": todo if todo in FEEDBACK_TODO else "",
            "todo_label": FEEDBACK_TODO_LABELS.get(todo, ""),
            "filters": f,
            "can_send": request.user.can(Perm.FEEDBACK_SEND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new(request):
    """Send supervision information to the bureau (报送监管信息)."""
    user = request.user
    if not user.can(Perm.FEEDBACK_SEND):
        raise PermissionDenied("forbidden", "无权发送监管信息")
    initial = {"published_on": timezone.localdate()}
    for k in ("record", "licence", "kind"):
        if request.GET.get(k):
            initial[k] = request.GET[k]
    form = FeedbackForm(request.POST or None, initial=initial)
    data = request.POST or initial
    record = licence = None
    if data.get("record"):
        record = sel.record_get(user=user, pk=data.get("record"))
    if data.get("licence"):
        licence = sel.licence_get(user=user, pk=data.get("licence"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        abnormal = {"1": True, "0": False}.get(d["abnormal"])
        try:
            fb = svc.feedback_create(
                actor=user,
                kind=d["kind"],
                title=d["title"],
                content=d["content"],
                published_on=d["published_on"],
                effective_on=d["effective_on"],
                document_number=d["document_number"],
                abnormal=abnormal,
                record=record,
                licence=licence,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("监管信息已登记：%(state)s") % {"state": fb.get_state_display()}
            )
            return redirect("linkage:feedback_detail", pk=fb.pk)
    return render(
        request,
        "linkage/feedback_form.html",
        {"form": form, "record": record, "licence": licence, "result_kinds": RESULT_KINDS},
    )


@login_required
@require_GET
def feedback_detail(request, pk: int):
    """One feedback with its pushes, disposal and answer."""
    fb = sel.feedback_get(user=request.user, pk=pk)
    user = request.user
    from ..models import Push

    pushes = (
        Push.objects.restrict(user)
        .filter(feedback_id=fb.pk)
        .select_related("addressee_department", "sender_department")
    )
    mine = user.department_id == fb.addressee_department_id
    ctx = {"fb": fb, "pushes": pushes, "disposal": getattr(fb, "disposal", None)}
    if mine and user.can(Perm.DISPOSAL_RECORD) and fb.state == "pushed":
        if fb.kind == FeedbackKind.REVOCATION_OPINION and ctx["disposal"] is None:
            ctx["disposal_form"] = DisposalForm(initial={"decided_on": timezone.localdate()})
        if fb.kind == FeedbackKind.CORRECTION_REQUEST and fb.replied_at is None:
            ctx["reply_form"] = ReplyForm()
    return render(request, "linkage/feedback_detail.html", ctx)


def _feedback_action(request, pk: int, form_class, service, *, done: str, incomplete: str):
    """Run the bureau's answer to a feedback (a disposal or a correction reply) from its form and
    go back to the feedback's page with the outcome as a message."""
    fb = sel.feedback_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, feedback=fb, **form.cleaned_data)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, done)
    else:
        messages.error(request, incomplete)
    return _back(request, reverse("linkage:feedback_detail", args=[pk]))


@login_required
@require_POST
def feedback_dispose(request, pk: int):
    """Record the disposal of a revocation opinion (处置)."""
    return _feedback_action(
        request,
        pk,
        DisposalForm,
        svc.disposal_record,
        done=_("处置结果已登记并推送至监管部门"),
        incomplete=_("请完整填写处置结果和决定日期"),
    )


@login_required
@require_POST
def feedback_reply(request, pk: int):
    """Answer a correction request (纠错答复)."""
    return _feedback_action(
        request,
        pk,
        ReplyForm,
        svc.correction_reply,
        done=_("答复已推送至监管部门"),
        incomplete=_("请选择答复结果并填写答复内容"),
    )
