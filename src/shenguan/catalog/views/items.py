"""Pages of licensing items and their transfers (行政许可事项)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError
from shenguan.org.views import _form_error, page_of

from .. import exports, selectors, services
from ..forms import (
    ItemFilterForm,
    ItemForm,
    RemoveForm,
    TransferForm,
)
from .common import _can_manage, _own_jurisdiction, manager, reader


@reader
def item_list(request):
    """The catalogue of licensing items with transfer status (行政许可事项目录)."""
    user = request.user
    form = ItemFilterForm(request.GET or None, jurisdiction_ids=user.visible_jurisdiction_ids)
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "q": d.get("q") or None,
            "department_id": d["department"].pk if d.get("department") else None,
            "status": d.get("status") or None,
        }
    fmt = request.GET.get("format")
    qs = selectors.item_list(user=user, filters={**filters, "active": True})
    if fmt in ("xlsx", "csv"):
        return exports.file_response(
            fmt,
            "行政许可事项目录",
            exports.ITEM_HEADERS,
            exports.item_rows(qs.iterator(chunk_size=2000)),
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "catalog/item_list.html",
        {
            "form": form,
            "page": page_of(request, qs),
            "can_manage": _can_manage(request),
            "export_query": query.urlencode(),
        },
    )


@reader
def item_detail(request, pk: int):
    """An item: its data, who handles it today, transfer history, memos, linkage entries."""
    item = selectors.item_get(user=request.user, pk=pk)
    today = timezone.localdate()
    handling = selectors.item_handling(item=item, on_date=today)
    can_manage = _can_manage(request, item.jurisdiction_id)
    transfer_form = TransferForm(item=item) if can_manage else None
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "handling": handling,
            "history": selectors.transfer_list(user=request.user, item=item),
            "related": item.related_items.filter(active=True).order_by("code", "id"),
            "memos": selectors.memo_list(user=request.user, filters={"item_id": item.pk}),
            "entries": selectors.entry_list(user=request.user, filters={"item_id": item.pk}),
            "routes": selectors.linkage_routes(item=item, on_date=today),
            "can_manage": can_manage,
            "transfer_form": transfer_form,
            "remove_form": RemoveForm() if can_manage and item.active else None,
            "today": today,
        },
    )


_ITEM_FIELDS = (
    "code",
    "name",
    "power_type",
    "original_department",
    "statutory_days",
    "promised_days",
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
    "main_item",
    "note",
)


@manager
@require_http_methods(["GET", "POST"])
def item_create(request):
    """Add a licensing item (新增审批事项)."""
    jid = _own_jurisdiction(request)
    form = ItemForm(request.POST or None, jurisdiction_id=jid)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            from shenguan.org.models import Jurisdiction

            item = services.item_create(
                actor=request.user,
                jurisdiction=Jurisdiction.objects.get(pk=jid),
                effective_on=d.get("effective_on"),
                **{
                    k: (d[k] if d[k] is not None else "") if k in ("code", "note") else d[k]
                    for k in _ITEM_FIELDS
                },
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("事项已新增，已向相关行业主管部门函告"))
            return redirect("catalog:item_detail", pk=item.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("新增审批事项")})


@manager
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    """Change an item (调整审批事项)."""
    item = selectors.item_get(user=request.user, pk=pk)
    initial = {k: getattr(item, k) for k in _ITEM_FIELDS}
    form = ItemForm(
        request.POST or None, initial=initial, jurisdiction_id=item.jurisdiction_id, item=item
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes = {k: d[k] for k in _ITEM_FIELDS if d[k] != initial[k]}
        try:
            services.item_update(
                actor=request.user, item=item, effective_on=d.get("effective_on"), **changes
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("事项已调整"))
            return redirect("catalog:item_detail", pk=item.pk)
    return render(
        request, "catalog/form.html", {"form": form, "title": _("调整审批事项"), "back": item}
    )


@manager
@require_POST
def item_transfer(request, pk: int):
    """Record a dated transfer status (登记划转状态)."""
    item = selectors.item_get(user=request.user, pk=pk)
    form = TransferForm(request.POST, item=item)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.transfer_record(
                actor=request.user,
                item=item,
                status=d["status"],
                effective_on=d["effective_on"],
                batch_name=d["batch_name"],
                planned_on=d["planned_on"],
                reason=d["reason"],
                hall_window=d["hall_window"],
                note=d["note"],
                exclude_related=[x.pk for x in d.get("exclude_related") or []],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("划转状态已登记"))
            return redirect("catalog:item_detail", pk=item.pk)
    return render(
        request, "catalog/form.html", {"form": form, "title": _("登记划转状态"), "back": item}
    )


@manager
@require_http_methods(["GET", "POST"])
def item_remove(request, pk: int):
    """Remove an item from a date (删减审批事项)."""
    item = selectors.item_get(user=request.user, pk=pk)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_remove(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("事项已删减，已向相关行业主管部门函告"))
            return redirect("catalog:item_detail", pk=item.pk)
    return render(
        request, "catalog/form.html", {"form": form, "title": _("删减审批事项"), "back": item}
    )
