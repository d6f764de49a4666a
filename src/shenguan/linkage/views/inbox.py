"""The push inbox, its export, claims and the push page (推送收件箱)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.audit.services import audit_record
from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.core.sheets import XLSX_TYPE, download_response
from shenguan.org.roles import Perm

from .. import hooks
from .. import selectors as sel
from .. import services as svc
from ..exports import pushes_xlsx
from ..forms import (
    DisposalForm,
    InboxFilterForm,
    ReplyForm,
)
from ..models import (
    FeedbackKind,
    PushDirection,
    PushState,
)
from .common import BOX_LABELS, _back, _departments, _error, _items, _page, personal


def _inbox_query(request):
    box = request.GET.get("box", "to_claim")
    if box not in sel.BOXES:
        box = "to_claim"
    form = InboxFilterForm(
        request.GET or None, items=_items(request.user), departments=_departments(request.user)
    )
    filters = form.filters() if request.GET else {}
    return box, form, sel.push_list(user=request.user, box=box, filters=filters)


@login_required
@require_GET
def inbox(request):
    """The liaison's inbox (审管信息收件箱): to claim / claimed / auto-claimed / sent."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看审管推送信息")
    box, form, qs = _inbox_query(request)
    page = _page(request, qs)
    today = timezone.localdate()
    for p in page["items"]:
        p.countdown = sel.countdown(p, today)
    can_claim = request.user.can(Perm.PUSH_CLAIM) or request.user.can(Perm.FEEDBACK_CLAIM)
    return render(
        request,
        "linkage/inbox.html",
        {
            "box": box,
            "boxes": list(BOX_LABELS.items()),
            "form": form,
            "page": page,
            "counts": sel.inbox_counts(user=request.user),
            "can_claim": can_claim and not request.user.is_oversight and box != "sent",
        },
    )


@login_required
@require_GET
def inbox_export(request):
    """The filtered inbox as an xlsx file (导出): the same rows as the list."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权导出审管推送信息")
    box, _form, qs = _inbox_query(request)
    data = pushes_xlsx(qs, _("审管推送信息（%(box)s）") % {"box": BOX_LABELS[box]})
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="push.export",
            obj=("linkage.push", box),
            after={"box": box, "query": request.GET.urlencode()[:500]},
        )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name = _("审管推送信息（%(box)s）") % {"box": BOX_LABELS[box]}
    return download_response(
        data, f"{name}-{stamp}.xlsx", XLSX_TYPE, fallback=f"pushes-{box}-{stamp}.xlsx"
    )


@login_required
@require_POST
def push_claim(request, pk: int):
    """Claim one push (认领)."""
    push = sel.push_get(user=request.user, pk=pk)
    try:
        svc.push_claim(actor=request.user, push=push)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已认领"))
    return _back(request, reverse("linkage:push_detail", args=[pk]))


@login_required
@require_POST
def push_claim_bulk(request):
    """Claim the ticked pushes (批量认领)."""
    ids = request.POST.getlist("ids")
    try:
        res = svc.push_claim_bulk(actor=request.user, push_ids=ids)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("已认领 %(n)d 条，跳过 %(m)d 条")
            % {"n": len(res["claimed"]), "m": len(res["skipped"])},
        )
    return _back(request, reverse("linkage:inbox"))


@login_required
@require_GET
def push_detail(request, pk: int):
    """One push: what it carries, who answers from when, the countdown and the timeline."""
    push = sel.push_get(user=request.user, pk=pk)
    snap = push.snapshot.data if hasattr(push, "snapshot") else {}
    applicant = ((snap.get("record") or {}).get("applicant")) or {}
    shown = personal(
        request,
        push,
        {
            "id_number": (applicant.get("id_number"), "id_number"),
            "contact_phone": (applicant.get("contact_phone"), "phone"),
        },
    )
    user = request.user
    mine = user.department_id == push.addressee_department_id
    claim_perm = (
        Perm.PUSH_CLAIM if push.direction == PushDirection.TO_REGULATOR else (Perm.FEEDBACK_CLAIM)
    )
    fb = push.feedback
    ctx = {
        "push": push,
        "snap": snap,
        "applicant": applicant,
        "shown": shown,
        "countdown": sel.countdown(push),
        "responsibility": sel.responsibility(push),
        "timeline": sel.push_timeline(user=user, push=push),
        "can_claim": mine and push.state == PushState.PENDING and user.can(claim_perm),
        "can_feedback": (
            mine
            and push.direction == PushDirection.TO_REGULATOR
            and user.can(Perm.FEEDBACK_SEND)
            and push.record_id is not None
        ),
        "feedback": fb,
        "labels": sel.snapshot_labels(snap),
        "panels": hooks.panels_for("push", request, push),
    }
    if fb is not None and mine and user.can(Perm.DISPOSAL_RECORD):
        if fb.kind == FeedbackKind.REVOCATION_OPINION and not hasattr(fb, "disposal"):
            ctx["disposal_form"] = DisposalForm(initial={"decided_on": timezone.localdate()})
        if fb.kind == FeedbackKind.CORRECTION_REQUEST and fb.replied_at is None:
            ctx["reply_form"] = ReplyForm()
    return render(request, "linkage/push_detail.html", ctx)
