"""Pages of the documents app: the seal register (and its public view), downloading and
reissuing an e-licence, and the public verification of an uploaded licence PDF."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shenguan.core.errors import Conflict, DomainError, PermissionDenied
from shenguan.org.roles import Perm

from . import selectors as sel
from . import services as svc
from .forms import RetireForm, SealGenerateForm, VerifyFileForm


@login_required
@require_http_methods(["GET", "POST"])
def seal_list(request):
    """The seal register of the user's jurisdictions; the security administrator generates a
    seal key for a department and retires seals here."""
    user = request.user
    can_manage = user.can(Perm.SEAL_MANAGE)
    form = SealGenerateForm(request.POST or None, user=user) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("forbidden", "无权管理印章（须安全管理员）")
        if form.is_valid():
            try:
                svc.seal_generate(actor=user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已生成印章密钥并启用"))
                return redirect("documents:seal_list")
    return render(
        request,
        "documents/seal_list.html",
        {
            "seals": sel.seal_list(user=user),
            "form": form,
            "retire_form": RetireForm(initial={"retired_on": timezone.localdate()}),
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def seal_retire(request, pk: int):
    """Retire a seal (security administrator)."""
    seal = sel.seal_get(user=request.user, pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写废止日期和废止依据"))
        return redirect("documents:seal_list")
    try:
        svc.seal_retire(actor=request.user, seal=seal, **form.cleaned_data)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("印章已废止"))
    return redirect("documents:seal_list")


@require_GET
def public_seals(request, code: str):
    """The public seal register of a jurisdiction (印章公示): the licensing seal in use and the
    retired seals of the departments whose items were transferred, with date and memo."""
    from shenguan.catalog import selectors as catalog

    j = get_object_or_404(catalog.public_jurisdictions(), code=code)
    return render(
        request,
        "documents/public_seals.html",
        {"j": j, "seals": sel.public_seals(jurisdiction_id=j.pk)},
    )


def pdf_response(doc) -> HttpResponse:
    resp = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    name = f"{doc.licence.number}-v{doc.version}.pdf"
    resp["Content-Disposition"] = (
        f"attachment; filename=\"elicence-v{doc.version}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    resp["Cache-Control"] = "private, no-store"
    return resp


@login_required
@require_GET
def document_download(request, pk: int):
    """Download one version of an e-licence (signed PDF)."""
    doc = sel.document_get(user=request.user, pk=pk)
    if doc.state == "pending":
        raise Conflict("pending", "电子证照正在签章，请稍后再试")
    return pdf_response(doc)


@login_required
@require_POST
def licence_reissue(request, licence_id: int):
    """Reissue a licence's e-licence after a change (变更补发)."""
    from shenguan.linkage import selectors as linkage

    lic = linkage.licence_get(user=request.user, pk=licence_id)
    try:
        svc.elicence_reissue(actor=request.user, licence=lic, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已换发新版电子证照"))
    return redirect("linkage:licence_detail", pk=licence_id)


@require_POST
def verify_file(request):
    """Verify an uploaded e-licence PDF (公开核验, no login; rate-limited with the look-up)."""
    from shenguan.linkage.views.licences import verify_rate_limited

    limited = verify_rate_limited(request)
    if limited:
        return limited
    form = VerifyFileForm(request.POST, request.FILES)
    result = None
    status = 200
    if form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = sel.verify_file(data=f.read(sel.MAX_VERIFY_BYTES + 1))
        except DomainError as exc:
            form.add_error("file", exc.message)
            status = exc.status
    else:
        status = 422
    resp = render(
        request, "documents/verify_result.html", {"form": form, "result": result}, status=status
    )
    resp["Cache-Control"] = "no-store"
    return resp
