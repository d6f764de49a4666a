"""Licence register pages and the public verification (证照)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.core.masking import mask_name
from shenguan.org.roles import Perm

from .. import hooks
from .. import selectors as sel
from .. import services as svc
from ..forms import (
    LicenceTransitionForm,
    VerifyForm,
)
from ..models import (
    LicenceState,
)
from .common import _page, personal


@login_required
@require_GET
def licence_list(request):
    """The licence register (许可证照)."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看证照")
    f = {k: request.GET.get(k) for k in ("number", "holder", "state") if request.GET.get(k)}
    qs = sel.licence_list(user=request.user, filters=f)
    return render(
        request,
        "linkage/licence_list.html",
        {"page": _page(request, qs), "filters": f, "states": LicenceState.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def licence_detail(request, pk: int):
    """One licence with its dated history; the bureau changes its state here."""
    lic = sel.licence_get(user=request.user, pk=pk)
    user = request.user
    can_change = user.department_id == lic.department_id and user.can(Perm.DISPOSAL_RECORD)
    form = LicenceTransitionForm(
        request.POST or None, initial={"effective_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("forbidden", "无权变更证照状态")
        if form.is_valid():
            try:
                svc.licence_transition(actor=user, licence=lic, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("证照状态已变更"))
                return redirect("linkage:licence_detail", pk=pk)
    shown = personal(
        request,
        lic,
        {"holder_code": (lic.holder_code, "id_number" if lic.holder_kind == "person" else "name")},
    )
    if lic.holder_kind != "person":
        shown["holder_code"] = lic.holder_code
    return render(
        request,
        "linkage/licence_detail.html",
        {
            "lic": lic,
            "history": sel.licence_history(user=user, licence=lic),
            "form": form if can_change else None,
            "shown": shown,
            "panels": hooks.panels_for("licence", request, lic),
        },
    )


def verify_rate_limited(request):
    """The public verification is limited per client address and minute (a number look-up or a
    file check each count one); over it, a 429 page with Retry-After (ADR 0015)."""
    from django.conf import settings
    from django.http import HttpResponse

    from shenguan.core.ratelimit import over_public_limit

    limit = getattr(settings, "SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE", 60)
    left = over_public_limit(request, "verify", per_minute=limit)
    if left is None:
        return None
    resp = HttpResponse(
        _("核验请求过于频繁，请稍后再试。"), status=429, content_type="text/plain; charset=utf-8"
    )
    resp["Retry-After"] = str(left)
    return resp


@require_GET
def licence_verify(request):
    """Public licence verification by number (证照核验，无需登录): item, masked holder, state,
    validity."""
    limited = verify_rate_limited(request)
    if limited:
        return limited
    form = VerifyForm(request.GET or None)
    results = None
    found = None
    if request.GET and form.is_valid():
        found = sel.licence_verify(number=form.cleaned_data["number"])
        today = timezone.localdate()
        results = []
        for lic in found:
            holder = mask_name(lic.holder_name) if lic.holder_kind == "person" else lic.holder_name
            results.append(
                {
                    "number": lic.number,
                    "item": lic.item.name,
                    "holder": holder,
                    "state": lic.get_state_display(),
                    "state_code": lic.state,
                    "expired": bool(lic.valid_until and lic.valid_until < today),
                    "valid_from": lic.valid_from,
                    "valid_until": lic.valid_until,
                    "issuer": lic.department.name,
                    "jurisdiction": lic.jurisdiction.name,
                    "state_since": lic.state_since,
                }
            )
    resp = render(
        request,
        "linkage/public_verify.html",
        {"form": form, "results": results, "panels": hooks.panels_for("verify", request, found)},
    )
    resp["Cache-Control"] = "no-store"
    return resp
