"""What the linkage pages share: paging, errors, pickers and masking of personal data."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _lazy

from shenguan.audit.services import audit_record
from shenguan.core.errors import DomainError, ErrorList, PermissionDenied
from shenguan.core.masking import can_unmask, mask_id_number, mask_name, mask_phone
from shenguan.org.models import Department

PAGE_SIZE = 50


BOX_LABELS = {
    "to_claim": _lazy("待认领"),
    "claimed": _lazy("已认领"),
    "auto_claimed": _lazy("超时自动认领"),
    "sent": _lazy("已推送"),
    "all": _lazy("全部"),
}


def _page(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page with its (capped) total and page numbers (core.paging)."""
    from shenguan.core.paging import paginate

    return paginate(request, qs, size)


def _back(request, default: str):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(default)


def _error(request, exc: DomainError) -> None:
    """Show a refusal on the page the user returns to; a missing right is a 403 page."""
    if isinstance(exc, PermissionDenied):
        raise exc
    if isinstance(exc, ErrorList):
        for p in exc.problems[:20]:
            messages.error(request, p.get("message", ""))
    messages.error(request, exc.message)


def _items(user):
    from shenguan.catalog.models import LicensingItem

    return LicensingItem.objects.restrict(user).filter(active=True).order_by("code", "id")


def _departments(user, kinds=None):
    qs = Department.objects.restrict(user).filter(active=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("jurisdiction__path", "sort_order", "id")


def personal(request, obj, values: dict) -> dict:
    """Personal data for a page: masked, or in full (one audit event) when the user holds the
    unmask right and asked for it with ?unmask=1. values: {name: (value, kind)}."""
    full = request.GET.get("unmask") == "1" and can_unmask(request.user)
    if full and any(v for v, _k in values.values()):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="personal.unmask",
                obj=obj,
                after={"fields": sorted(k for k, (v, _k) in values.items() if v)},
            )
    maskers = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}
    out = {k: (v or "") if full else maskers[kind](v) for k, (v, kind) in values.items()}
    out["unmasked"] = full
    out["can_unmask"] = can_unmask(request.user)
    return out


def export_list(request, qs, headers, row, name: str, action: str, filters: dict):
    """A filtered list as an xlsx download (导出 Excel, core.sheets writer), audited."""
    from django.utils import timezone

    from shenguan.core.sheets import XLSX_TYPE, download_response

    from ..exports import list_xlsx

    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    data = list_xlsx(qs, headers, row, title=name, sheet=name)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=action,
            obj=(qs.model._meta.label_lower, "list"),
            after={"filters": {k: str(v) for k, v in filters.items()}},
        )
    return download_response(
        data, f"{name}-{stamp}.xlsx", XLSX_TYPE, fallback=f"export-{stamp}.xlsx"
    )
