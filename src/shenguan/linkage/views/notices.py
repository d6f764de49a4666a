"""Notice pages (函告)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm

from .. import selectors as sel
from .. import services as svc
from ..forms import (
    NoticeForm,
)
from .common import _departments, _page


@login_required
@require_GET
def notice_list(request):
    """Notices sent or received (通知函告)."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看通知函告")
    qs = sel.notice_list(user=request.user)
    return render(
        request,
        "linkage/notice_list.html",
        {"page": _page(request, qs), "can_send": request.user.can(Perm.NOTICE_SEND)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """Send a notice (发送通知函告)."""
    user = request.user
    if not user.can(Perm.NOTICE_SEND):
        raise PermissionDenied("forbidden", "无权发送通知函告")
    own = Department.objects.filter(pk=user.department_id).first()
    if own is not None and own.kind == DepartmentKind.BUREAU:
        kinds = [DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]
    else:
        kinds = [DepartmentKind.BUREAU]
    depts = _departments(user, kinds).filter(jurisdiction_id=user.jurisdiction_id)
    form = NoticeForm(
        request.POST or None, departments=depts, initial={"published_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            n = svc.notice_create(
                actor=user,
                kind=d["kind"],
                title=d["title"],
                content=d["content"],
                document_number=d["document_number"],
                published_on=d["published_on"],
                effective_on=d["effective_on"],
                addressees=list(d["addressees"]),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("通知函告已推送"))
            return redirect("linkage:notice_detail", pk=n.pk)
    return render(request, "linkage/notice_form.html", {"form": form})


@login_required
@require_GET
def notice_detail(request, pk: int):
    """One notice with the pushes to each addressee and their claims."""
    n = sel.notice_get(user=request.user, pk=pk)
    from ..models import Push

    pushes = (
        Push.objects.restrict(request.user)
        .with_claim()
        .filter(notice_id=n.pk)
        .select_related("addressee_department")
    )
    return render(request, "linkage/notice_detail.html", {"n": n, "pushes": pushes})
