"""The page of supervision items (监管事项)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shenguan.core.errors import DomainError
from shenguan.org.views import _form_error, page_of

from .. import exports, selectors, services
from ..forms import (
    SupervisionForm,
)
from .common import _can_manage, reader


@reader
@require_http_methods(["GET", "POST"])
def supervision_list(request):
    """Supervision items (监管事项) with registration for the bureau."""
    user = request.user
    q = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.supervision_list(user=user, filters={"q": q or None})
    can_manage = _can_manage(request)
    form = None
    if can_manage:
        form = SupervisionForm(request.POST or None, jurisdiction_id=user.jurisdiction_id)
        if request.method == "POST" and form.is_valid():
            from shenguan.org.models import Jurisdiction

            d = form.cleaned_data
            try:
                services.supervision_item_create(
                    actor=user,
                    jurisdiction=Jurisdiction.objects.get(pk=user.jurisdiction_id),
                    code=d["code"],
                    name=d["name"],
                    regulator=d["regulator"],
                    division=d.get("division"),
                )
            except DomainError as exc:
                _form_error(request, form, exc)
            else:
                messages.success(request, _("监管事项已登记"))
                return redirect("catalog:supervision_list")
    elif request.method == "POST":
        return render(request, "errors/403.html", status=403)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return exports.file_response(
            fmt,
            "监管事项目录",
            exports.SUPERVISION_HEADERS,
            exports.supervision_rows(qs.iterator(chunk_size=2000)),
        )
    return render(
        request,
        "catalog/supervision_list.html",
        {
            "page": page_of(request, qs),
            "q": q,
            "form": form,
            "can_manage": can_manage,
        },
    )
