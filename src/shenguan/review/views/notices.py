"""Pages of public notices (审批公示, 000 §19): the bureau's and regulators' pages, and the
public site's list and notice with its comment form (no login, rate limited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError, RateLimited
from shenguan.core.middleware import client_ip
from shenguan.linkage import selectors as lk_sel
from shenguan.org.models import Department
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..models import NoticeState, PartyAnswer
from ._common import int_param, page_of, show_error


@login_required
@require_GET
def notice_list(request):
    state = request.GET.get("state")
    f = {"state": state if state in NoticeState.values else ""}
    return render(
        request,
        "review/notice_list.html",
        {
            "page": page_of(request, sel.notice_list(user=request.user, filters=f)),
            "filters": f,
            "states": NoticeState.choices,
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    n = sel.notice_get(user=request.user, pk=pk)
    user = request.user
    parties = list(n.parties.select_related("department").order_by("department__sort_order"))
    mine = next((p for p in parties if p.department_id == user.department_id), None)
    bureau = user.department_id == n.bureau_id and user.can(Perm.APPROVAL_RECORD)
    ended = timezone.now() >= svc.deemed_at(n.ends_on)
    return render(
        request,
        "review/notice_detail.html",
        {
            "n": n,
            "parties": parties,
            "comments": n.comments.all(),
            "can_answer": mine is not None
            and mine.answer == PartyAnswer.PENDING
            and n.state == NoticeState.OPEN
            and not ended
            and user.can(Perm.FEEDBACK_SEND),
            "can_close": bureau and n.state == NoticeState.OPEN and ended,
            "can_handle": bureau,
        },
    )


@login_required
@require_POST
def notice_publish(request, record_id: int):
    record = lk_sel.record_get(user=request.user, pk=record_id)
    p = request.POST
    ids = [i for i in (int_param(x) for x in p.getlist("regulators")) if i]
    regs = list(Department.objects.filter(pk__in=ids, jurisdiction_id=record.jurisdiction_id))
    try:
        n = svc.notice_publish(
            actor=request.user,
            record=record,
            title=p.get("title", ""),
            content=p.get("content", ""),
            period_unit=p.get("period_unit", ""),
            period_days=p.get("period_days", ""),
            regulators=regs,
            starts_on=p.get("starts_on") or None,
        )
    except DomainError as exc:
        show_error(request, exc)
        return redirect(f"/linkage/records/{record.pk}/")
    messages.success(request, _("公示已发布"))
    return redirect("review:notice_detail", pk=n.pk)


@login_required
@require_POST
def notice_act(request, pk: int):
    """Answer (a regulator), close or record the handling of an objection or comment (the
    bureau)."""
    n = sel.notice_get(user=request.user, pk=pk)
    p = request.POST
    action = p.get("action")
    try:
        if action in ("objection", "no_objection"):
            svc.notice_answer(
                actor=request.user,
                notice=n,
                objection=action == "objection",
                text=p.get("text", ""),
            )
        elif action == "close":
            svc.notice_close(actor=request.user, notice=n)
        elif action == "handle":
            party = n.parties.filter(pk=int_param(p.get("party")) or 0).first()
            comment = n.comments.filter(pk=int_param(p.get("comment")) or 0).first()
            svc.notice_handle(
                actor=request.user,
                notice=n,
                party=party,
                comment=comment,
                handling=p.get("handling", ""),
            )
    except DomainError as exc:
        show_error(request, exc)
    return redirect("review:notice_detail", pk=n.pk)


@require_GET
def public_notice_list(request, code: str):
    """The public site's notices of a jurisdiction (no login)."""
    rows = sel.public_notice_list(jurisdiction_code=code)[:200]
    return render(request, "review/public_notice_list.html", {"rows": rows, "code": code})


@require_GET
def public_notice_detail(request, pk: int):
    n = sel.public_notice_get(pk)
    return render(
        request,
        "review/public_notice_detail.html",
        {
            "n": n,
            "open": n.state == NoticeState.OPEN and timezone.now() < svc.deemed_at(n.ends_on),
        },
    )


@require_POST
def public_notice_comment(request, pk: int):
    """A comment of the public (rate limited per client address)."""
    n = sel.public_notice_get(pk)
    p = request.POST
    try:
        svc.notice_comment(
            notice=n,
            name=p.get("name", ""),
            contact=p.get("contact", ""),
            text=p.get("text", ""),
            client_key=client_ip(request) or "unknown",
        )
    except RateLimited as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("意见已提交，感谢您的参与"))
    return redirect("review:public_notice_detail", pk=n.pk)
