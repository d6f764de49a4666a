"""Pages of bulletins (定期通报) and escalation (督办): lists, details with the actions each
role may take, downloads (xlsx, PDF) and the printable documents of each step."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError, NotFound
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import DepartmentKind, Perm

from .. import selectors as sel
from .. import services as svc
from ..documents import XLSX, bulletin_pdf, bulletin_xlsx, file_response, step_pdf
from ..figures import previous_period
from ..indicators import FIGURE_LABELS
from ..models import EscalationBasis, EscalationLevel, EscalationState
from ._common import back, date_param, int_param, page_of, show_error


@login_required
@require_GET
def bulletin_list(request):
    """Bulletins (departments: published ones), with the draft form for the reform office."""
    qs = sel.bulletin_list(user=request.user)
    can_manage = request.user.can(Perm.BULLETIN_MANAGE)
    suggestions = []
    if can_manage:
        from shenguan.policy.selectors import params_for_jurisdiction

        for j in Jurisdiction.objects.filter(pk__in=request.user.visible_jurisdiction_ids):
            period = params_for_jurisdiction(j.pk)[0].bulletin_period
            start, _end = previous_period(period, dt.date.today())
            suggestions.append((j, start))
    return render(
        request,
        "oversight/bulletin_list.html",
        {"page": page_of(request, qs), "can_manage": can_manage, "suggestions": suggestions},
    )


@login_required
@require_POST
def bulletin_generate(request):
    j = Jurisdiction.objects.filter(
        pk=int_param(request.POST.get("jurisdiction")),
        pk__in=request.user.visible_jurisdiction_ids,
    ).first()
    if j is None:
        raise NotFound()
    try:
        b = svc.bulletin_generate(
            actor=request.user,
            jurisdiction=j,
            period_start=date_param(request.POST.get("period_start")),
        )
        return redirect(f"/oversight/bulletins/{b.pk}/")
    except DomainError as exc:
        show_error(request, exc)
    return redirect("/oversight/bulletins/")


@login_required
@require_GET
def bulletin_detail(request, pk: int):
    """A bulletin: figures per department, ranking, the named departments, actions."""
    b = sel.bulletin_get(user=request.user, pk=pk)
    user = request.user
    depts = set(b.figures.get("reminder_suggested", []))
    open_esc = set()
    if user.can(Perm.ESCALATION_REMIND):
        from ..models import Escalation

        open_esc = set(
            Escalation.objects.filter(
                jurisdiction_id=b.jurisdiction_id, state=EscalationState.OPEN
            ).values_list("department_id", flat=True)
        )
    return render(
        request,
        "oversight/bulletin_detail.html",
        {
            "b": b,
            "rows": b.figures.get("rows", []),
            "totals": b.figures.get("totals", {}),
            "labels": FIGURE_LABELS,
            "can_manage": user.can(Perm.BULLETIN_MANAGE),
            "can_remind": user.can(Perm.ESCALATION_REMIND)
            and b.is_published
            and user.jurisdiction_id == b.jurisdiction_id,
            "suggested": depts,
            "open_escalations": open_esc,
        },
    )


def _bulletin_action(request, pk: int, func, done: str):
    b = sel.bulletin_get(user=request.user, pk=pk)
    try:
        out = func(b)
        messages.success(request, done)
        if out is not None and getattr(out, "pk", b.pk) != b.pk:
            return redirect(f"/oversight/bulletins/{out.pk}/")
    except DomainError as exc:
        show_error(request, exc)
    return redirect(f"/oversight/bulletins/{b.pk}/")


@login_required
@require_POST
def bulletin_refresh(request, pk: int):
    return _bulletin_action(
        request, pk, lambda b: svc.bulletin_refresh(actor=request.user, bulletin=b), _("已刷新")
    )


@login_required
@require_POST
def bulletin_review(request, pk: int):
    remarks = request.POST.get("remarks", "")
    return _bulletin_action(
        request,
        pk,
        lambda b: svc.bulletin_review(actor=request.user, bulletin=b, remarks=remarks),
        _("审核意见已保存"),
    )


@login_required
@require_POST
def bulletin_publish(request, pk: int):
    return _bulletin_action(
        request, pk, lambda b: svc.bulletin_publish(actor=request.user, bulletin=b), _("已发布")
    )


@login_required
@require_POST
def bulletin_correct(request, pk: int):
    reason = request.POST.get("reason", "")
    return _bulletin_action(
        request,
        pk,
        lambda b: svc.bulletin_correct(actor=request.user, bulletin=b, reason=reason),
        _("已生成更正版草稿"),
    )


@login_required
@require_GET
def bulletin_download(request, pk: int, fmt: str):
    b = sel.bulletin_get(user=request.user, pk=pk)
    if fmt not in ("xlsx", "pdf"):
        raise NotFound()
    if fmt == "xlsx":
        return file_response(bulletin_xlsx(b), f"{b.title}.xlsx", XLSX)
    return file_response(bulletin_pdf(b), f"{b.title}.pdf", "application/pdf")


# --- escalations -------------------------------------------------------------------------------


@login_required
@require_GET
def escalation_list(request):
    g = request.GET
    f = {
        "state": g.get("state") if g.get("state") in EscalationState.values else "",
        "level": g.get("level") if g.get("level") in EscalationLevel.values else "",
        "department_id": int_param(g.get("department")),
    }
    user = request.user
    targets = Department.objects.filter(
        jurisdiction_id=user.jurisdiction_id,
        kind__in=[DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT, DepartmentKind.BUREAU],
        active=True,
    )
    return render(
        request,
        "oversight/escalation_list.html",
        {
            "page": page_of(request, sel.escalation_list(user=user, filters=f)),
            "filters": f,
            "states": EscalationState.choices,
            "levels": EscalationLevel.choices,
            "can_remind": user.can(Perm.ESCALATION_REMIND),
            "can_refer": user.can(Perm.ESCALATION_REFER),
            "targets": targets,
            "bases": [c for c in EscalationBasis.choices if c[0] != "late_claims"],
            "bulletin_id": int_param(g.get("bulletin")),
            "department_id": f["department_id"],
        },
    )


@login_required
@require_POST
def escalation_remind(request):
    p = request.POST
    bulletin = None
    if int_param(p.get("bulletin")):
        bulletin = sel.bulletin_get(user=request.user, pk=p.get("bulletin"))
    try:
        esc = svc.escalation_remind(
            actor=request.user,
            department=int_param(p.get("department")),
            summary=p.get("summary", ""),
            rectify_days=p.get("rectify_days") or None,
            bulletin=bulletin,
        )
        return redirect(f"/oversight/escalations/{esc.pk}/")
    except DomainError as exc:
        show_error(request, exc)
    return back(request, "/oversight/escalations/")


@login_required
@require_POST
def escalation_refer(request):
    p = request.POST
    try:
        esc = svc.escalation_refer(
            actor=request.user,
            department=int_param(p.get("department")),
            basis=p.get("basis", ""),
            summary=p.get("summary", ""),
        )
        return redirect(f"/oversight/escalations/{esc.pk}/")
    except DomainError as exc:
        show_error(request, exc)
    return back(request, "/oversight/escalations/")


@login_required
@require_GET
def escalation_detail(request, pk: int):
    esc = sel.escalation_get(user=request.user, pk=pk)
    user = request.user
    steps = list(sel.escalation_steps(user=user, escalation=esc))
    is_open = esc.state == EscalationState.OPEN
    pending = {s.level for s in steps if s.state == "pending"}
    return render(
        request,
        "oversight/escalation_detail.html",
        {
            "esc": esc,
            "steps": steps,
            "can_escalate": is_open
            and esc.level != EscalationLevel.ACCOUNTABILITY
            and user.can(
                Perm.ESCALATION_INTERVIEW
                if esc.level == EscalationLevel.REMINDER
                else Perm.ESCALATION_REFER
            ),
            "can_interview": is_open
            and "interview" in pending
            and user.can(Perm.ESCALATION_INTERVIEW),
            "can_decide": is_open
            and "accountability" in pending
            and user.can(Perm.ACCOUNTABILITY_RECORD),
            "can_close": is_open
            and (
                (esc.level == "reminder" and user.can(Perm.ESCALATION_REMIND))
                or (esc.level == "interview" and user.can(Perm.ESCALATION_INTERVIEW))
            ),
        },
    )


def _esc_action(request, pk: int, func, done: str):
    esc = sel.escalation_get(user=request.user, pk=pk)
    try:
        func(esc)
        messages.success(request, done)
    except DomainError as exc:
        show_error(request, exc)
    return redirect(f"/oversight/escalations/{esc.pk}/")


@login_required
@require_POST
def escalation_escalate(request, pk: int):
    note = request.POST.get("note", "")
    return _esc_action(
        request,
        pk,
        lambda e: svc.escalation_escalate(actor=request.user, escalation=e, note=note),
        _("已升级"),
    )


@login_required
@require_POST
def escalation_interview(request, pk: int):
    p = request.POST
    return _esc_action(
        request,
        pk,
        lambda e: svc.escalation_interview(
            actor=request.user,
            escalation=e,
            meeting_date=p.get("meeting_date", ""),
            attendees=p.get("attendees", ""),
            commitments=p.get("commitments", ""),
        ),
        _("约谈记录已保存"),
    )


@login_required
@require_POST
def escalation_decide(request, pk: int):
    outcome = request.POST.get("outcome", "")
    return _esc_action(
        request,
        pk,
        lambda e: svc.escalation_decide(actor=request.user, escalation=e, outcome=outcome),
        _("问责结果已记录"),
    )


@login_required
@require_POST
def escalation_close(request, pk: int):
    note = request.POST.get("note", "")
    return _esc_action(
        request,
        pk,
        lambda e: svc.escalation_close(actor=request.user, escalation=e, note=note),
        _("已结案"),
    )


@login_required
@require_GET
def step_document(request, pk: int, fmt: str = "html"):
    """A step's document, printable (HTML with print styles) or as a PDF."""
    step = sel.step_get(user=request.user, pk=pk)
    if fmt not in ("html", "pdf"):
        raise NotFound()
    if fmt == "pdf":
        return file_response(
            step_pdf(step), f"{step.document_title}{step.document_number}.pdf", "application/pdf"
        )
    return render(request, "oversight/step_document.html", {"step": step})
