"""Pages of certificate tasks (配发证照, 002 §13): the list and one task with its forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.errors import DomainError
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..models import CertificateState
from ._common import flag_param, page_of, show_error


@login_required
@require_GET
def certificate_list(request):
    g = request.GET
    f = {
        "state": g.get("state") if g.get("state") in CertificateState.values else "",
        "overdue": flag_param(g.get("overdue")),
    }
    return render(
        request,
        "review/certificate_list.html",
        {
            "page": page_of(request, sel.certificate_list(user=request.user, filters=f)),
            "filters": f,
            "states": CertificateState.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def certificate_detail(request, pk: int):
    t = sel.certificate_get(user=request.user, pk=pk)
    user = request.user
    regulator = user.department_id == t.department_id and user.can(Perm.FEEDBACK_SEND)
    bureau = user.department_id == t.bureau_id
    return render(
        request,
        "review/certificate_detail.html",
        {
            "t": t,
            "thread": t.messages.all(),
            "overdue": t.state != "issued" and t.due_date < timezone.localdate(),
            "can_issue": regulator and t.state == "open",
            "can_write": t.state != "issued"
            and ((regulator) or (bureau and t.state == "disputed")),
            "can_resolve": t.state == "disputed" and (regulator or bureau),
        },
    )


@login_required
@require_POST
def certificate_issue(request, pk: int):
    t = sel.certificate_get(user=request.user, pk=pk)
    try:
        svc.certificate_issue(
            actor=request.user,
            task=t,
            number=request.POST.get("certificate_number", ""),
            issued_on=request.POST.get("issued_on", ""),
        )
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("发证已登记，证照信息已更新"))
    return redirect("review:certificate_detail", pk=t.pk)


@login_required
@require_POST
def certificate_message(request, pk: int):
    t = sel.certificate_get(user=request.user, pk=pk)
    try:
        svc.certificate_message(
            actor=request.user,
            task=t,
            text=request.POST.get("text", ""),
            resolves=request.POST.get("resolves") == "1",
        )
    except DomainError as exc:
        show_error(request, exc)
    return redirect("review:certificate_detail", pk=t.pk)
