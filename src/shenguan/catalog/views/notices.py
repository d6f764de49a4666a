"""Change notices and the gap report (清单变更通知、监管空白报告)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenguan.core.errors import DomainError
from shenguan.org.views import page_of

from .. import selectors, services
from .common import _own_jurisdiction, manager, reader


@reader
def notice_list(request):
    """Change notices sent by the bureau or addressed to the user's department (002 §20)."""
    qs = selectors.notice_list(user=request.user)
    page = page_of(request, qs)
    dept = request.user.department_id
    for n in page["items"]:
        mine = [r for r in n.recipients.all() if r.department_id == dept]
        n.my_receipt = mine[0] if mine else None
    return render(request, "catalog/notice_list.html", {"page": page})


@reader
@require_POST
def notice_acknowledge(request, pk: int):
    """A regulator confirms it has read a notice."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    try:
        services.change_notice_acknowledge(actor=request.user, notice=notice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认收到函告"))
    return redirect("catalog:notice_list")


@manager
def gaps(request):
    """The gap report (监管空白报告) of the bureau's jurisdiction."""
    report = selectors.gap_report(user=request.user, jurisdiction_id=_own_jurisdiction(request))
    return render(request, "catalog/gaps.html", {"report": report})
