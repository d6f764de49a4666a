"""Pages of the expert pool and of draws (专家库与随机抽取, 002 §14)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.core.masking import mask_phone
from shenguan.linkage import selectors as lk_sel
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..models import ExpertTitle, InvitationState, Speciality
from ._common import flag_param, int_param, page_of, show_error


def _read_pool(user) -> None:
    if not (user.is_oversight or user.can(Perm.CATALOG_READ)):
        raise PermissionDenied("forbidden", "无权查看专家库")


@login_required
@require_GET
def expert_list(request):
    """The pool with its filters; the keepers' form to add an expert."""
    user = request.user
    _read_pool(user)
    g = request.GET
    f = {
        "speciality": g.get("speciality") if g.get("speciality") in Speciality.values else "",
        "available": flag_param(g.get("available")),
        "q": (g.get("q") or "")[:50],
    }
    page = page_of(request, sel.expert_list(user=user, filters=f))
    for e in page["items"]:
        e.shown_phone = mask_phone(e.phone)
        e.spec_labels = "、".join(str(Speciality(s).label) for s in e.specialities)
    return render(
        request,
        "review/expert_list.html",
        {
            "page": page,
            "filters": f,
            "specialities": Speciality.choices,
            "titles": ExpertTitle.choices,
            "can_keep": user.department_id is not None and svc.can_keep_pool(user),
        },
    )


@login_required
@require_POST
def expert_create(request):
    user = request.user
    p = request.POST
    if user.department_id is None:
        raise PermissionDenied("forbidden", "须为部门用户")
    try:
        e = svc.expert_create(
            actor=user,
            jurisdiction_id=user.department.jurisdiction_id,
            department_id=user.department_id,
            data={
                "name": p.get("name"),
                "title": p.get("title"),
                "employer": p.get("employer"),
                "employer_uscc": p.get("employer_uscc"),
                "phone": p.get("phone"),
                "review_due": p.get("review_due"),
                "specialities": p.getlist("specialities"),
            },
        )
    except DomainError as exc:
        show_error(request, exc)
        return redirect("review:expert_list")
    messages.success(request, _("专家已入库"))
    return redirect("review:expert_detail", pk=e.pk)


@login_required
@require_GET
def expert_detail(request, pk: int):
    user = request.user
    _read_pool(user)
    e = sel.expert_get(user=user, pk=pk)
    full = user.can(Perm.UNMASK) and request.GET.get("unmask") == "1"
    return render(
        request,
        "review/expert_detail.html",
        {
            "e": e,
            "phone": e.phone if full else mask_phone(e.phone),
            "can_unmask": user.can(Perm.UNMASK) and not full,
            "spec_labels": "、".join(str(Speciality(s).label) for s in e.specialities),
            "changes": e.changes.all()[:50],
            "conflicts": e.conflicts.order_by("-declared_on"),
            "can_keep": svc.can_keep_pool(user),
        },
    )


@login_required
@require_POST
def expert_update(request, pk: int):
    """Availability and the next review date (the common changes)."""
    e = sel.expert_get(user=request.user, pk=pk)
    p = request.POST
    data = {"available": p.get("available") == "1", "unavailable_note": p.get("note", "")}
    if p.get("review_due"):
        data["review_due"] = p.get("review_due")
    try:
        svc.expert_update(actor=request.user, expert=e, data=data)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("专家信息已更新"))
    return redirect("review:expert_detail", pk=e.pk)


@login_required
@require_POST
def expert_conflict(request, pk: int):
    e = sel.expert_get(user=request.user, pk=pk)
    p = request.POST
    try:
        svc.expert_conflict_declare(
            actor=request.user,
            expert=e,
            party_uscc=p.get("party_uscc", ""),
            party_name=p.get("party_name", ""),
            reason=p.get("reason", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("利益冲突申报已登记"))
    return redirect("review:expert_detail", pk=e.pk)


@login_required
@require_POST
def draw_create(request, record_id: int):
    """From the case page (the bureau) or a technical opinion request (the department asked)."""
    record = lk_sel.record_get(user=request.user, pk=record_id)
    p = request.POST
    req_id = int_param(p.get("opinion_request"))
    needs = {}
    for spec in Speciality.values:
        n = int_param(p.get(f"need_{spec}"))
        if n:
            needs[spec] = n
    related = [u for u in (p.get("related_usccs") or "").replace("，", ",").split(",") if u.strip()]
    back = f"/review/requests/{req_id}/" if req_id else f"/linkage/records/{record.pk}/"
    try:
        req = sel.request_get(user=request.user, pk=req_id) if req_id else None
        d = svc.draw_create(
            actor=request.user,
            record=record,
            needs=needs,
            purpose=p.get("purpose", ""),
            related_usccs=related,
            opinion_request=req,
        )
    except DomainError as exc:
        show_error(request, exc)
        return redirect(back)
    messages.success(request, _("已随机抽取专家，请逐一通知并登记是否参加"))
    return redirect("review:draw_detail", pk=d.pk)


@login_required
@require_GET
def draw_detail(request, pk: int):
    d = sel.draw_get(user=request.user, pk=pk)
    user = request.user
    members = list(d.members.select_related("expert").order_by("position"))
    for m in members:
        m.spec_label = Speciality(m.speciality).label
    return render(
        request,
        "review/draw_detail.html",
        {
            "d": d,
            "members": members,
            "needs": [(Speciality(s).label, n) for s, n in sorted(d.needs.items())],
            "counts": [(Speciality(s).label, len(x)) for s, x in sorted(d.candidates.items())],
            "can_act": user.department_id == d.department_id,
            "can_replay": user.can(Perm.AUDIT_VIEW) or user.can(Perm.OVERSIGHT_READ),
            "invited": InvitationState.INVITED,
            "accepted": InvitationState.ACCEPTED,
            "replay": (
                svc.draw_replay(actor=user, draw=d)
                if request.GET.get("replay")
                and (user.can(Perm.AUDIT_VIEW) or user.can(Perm.OVERSIGHT_READ))
                else None
            ),
        },
    )


@login_required
@require_POST
def draw_member(request, pk: int, member_id: int):
    """Record whether an expert attends, or an attending expert's opinion."""
    d = sel.draw_get(user=request.user, pk=pk)
    m = sel.member_get(draw=d, pk=member_id)
    p = request.POST
    try:
        if p.get("action") == "opinion":
            svc.draw_opinion(actor=request.user, member=m, opinion=p.get("opinion", ""))
        else:
            new = svc.draw_respond(
                actor=request.user,
                member=m,
                accept=p.get("action") == "accept",
                reason=p.get("reason", ""),
            )
            if new.pk != m.pk:
                messages.info(request, _("已补抽专家：%(name)s") % {"name": new.expert.name})
    except DomainError as exc:
        show_error(request, exc)
    return redirect("review:draw_detail", pk=d.pk)
