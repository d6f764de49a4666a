"""Pages of joint review meetings (联审会): convene from a case, the meeting with its record
form, and the printable minutes (会议纪要)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError
from shenguan.linkage import selectors as lk_sel
from shenguan.linkage.models import Push
from shenguan.org.models import Department
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ._common import int_param, page_of, show_error


@login_required
@require_GET
def meeting_list(request):
    return render(
        request,
        "review/meeting_list.html",
        {"page": page_of(request, sel.meeting_list(user=request.user))},
    )


def _meeting_context(request, pk: int) -> dict:
    m = sel.meeting_get(user=request.user, pk=pk)
    invitees = list(m.invitees.select_related("department").order_by("id"))
    pushes = {
        p.pk: p for p in Push.objects.with_claim().filter(pk__in=[i.push_id for i in invitees])
    }
    for i in invitees:
        i.claim = pushes.get(i.push_id)
    return {
        "m": m,
        "cases": list(m.cases.select_related("record", "record__item").order_by("id")),
        "invitees": invitees,
        "experts": list(m.draw.members.select_related("expert").exclude(state="declined"))
        if m.draw_id
        else [],
    }


@login_required
@require_GET
def meeting_detail(request, pk: int):
    ctx = _meeting_context(request, pk)
    user = request.user
    ctx["can_record"] = (
        ctx["m"].state == "planned"
        and user.department_id == ctx["m"].bureau_id
        and user.can(Perm.APPROVAL_RECORD)
    )
    return render(request, "review/meeting_detail.html", ctx)


@login_required
@require_GET
def meeting_minutes(request, pk: int):
    """The printable minutes (会议纪要)."""
    return render(request, "review/meeting_minutes.html", _meeting_context(request, pk))


@login_required
@require_POST
def meeting_convene(request, record_id: int):
    record = lk_sel.record_get(user=request.user, pk=record_id)
    p = request.POST
    ids = [i for i in (int_param(x) for x in p.getlist("departments")) if i]
    depts = list(Department.objects.filter(pk__in=ids, jurisdiction_id=record.jurisdiction_id))
    try:
        m = svc.meeting_convene(
            actor=request.user,
            records=[record],
            title=p.get("title", ""),
            held_at=p.get("held_at", ""),
            agenda=p.get("agenda", ""),
            departments=depts,
            place=p.get("place", ""),
            video_link=p.get("video_link", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
        return redirect(f"/linkage/records/{record.pk}/")
    messages.success(request, _("联审会通知已推送至参会部门"))
    return redirect("review:meeting_detail", pk=m.pk)


@login_required
@require_POST
def meeting_record(request, pk: int):
    m = sel.meeting_get(user=request.user, pk=pk)
    p = request.POST
    attendance, opinions, conclusions = {}, {}, {}
    for inv in m.invitees.all():
        attendance[inv.department_id] = p.get(f"attend_{inv.department_id}", "")
        opinions[inv.department_id] = p.get(f"opinion_{inv.department_id}", "")
    for case in m.cases.all():
        conclusions[case.record_id] = p.get(f"conclusion_{case.record_id}", "")
    try:
        svc.meeting_record(
            actor=request.user,
            meeting=m,
            minutes=p.get("minutes", ""),
            attendance=attendance,
            opinions=opinions,
            conclusions=conclusions,
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("会议纪要已登记并送达参会部门"))
    return redirect("review:meeting_detail", pk=m.pk)
