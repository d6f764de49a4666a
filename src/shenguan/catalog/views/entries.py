"""Pages of the linkage list and its published versions (审管联动事项清单)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError
from shenguan.core.masking import mask_phone
from shenguan.org.views import _form_error, page_of

from .. import exports, selectors, services
from ..forms import (
    EntryFilterForm,
    EntryForm,
    PublishForm,
    RemoveForm,
)
from .common import _can_manage, _own_jurisdiction, manager, reader


@reader
def entry_list(request):
    """The live linkage list with filters, exports, and publishing for the bureau."""
    user = request.user
    form = EntryFilterForm(request.GET or None, jurisdiction_ids=user.visible_jurisdiction_ids)
    filters = form.filters()
    qs = selectors.entry_list(user=user, filters=filters)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return exports.file_response(
            fmt,
            "审管联动事项清单",
            exports.LINKAGE_HEADERS,
            exports.linkage_rows(qs.iterator(chunk_size=2000)),
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    can_manage = _can_manage(request)
    return render(
        request,
        "catalog/entry_list.html",
        {
            "form": form,
            "page": page_of(request, qs),
            "can_manage": can_manage,
            "export_query": query.urlencode(),
            "versions": selectors.version_list(user=user)[:10],
            "publish_form": PublishForm() if can_manage else None,
        },
    )


@reader
def entry_detail(request, pk: int):
    """One linkage entry with its history (the entries it replaced and that replaced it)."""
    entry = selectors.entry_get(user=request.user, pk=pk)
    entry.phone_shown = mask_phone(entry.contact_phone)
    chain = []
    prev = entry.replaces
    while prev is not None and len(chain) < 50:
        chain.append(prev)
        prev = prev.replaces
    can_manage = _can_manage(request, entry.jurisdiction_id)
    live = entry.valid_to is None or entry.valid_to > timezone.localdate()
    return render(
        request,
        "catalog/entry_detail.html",
        {
            "entry": entry,
            "replaced": chain,
            "replaced_by": entry.replaced_by.filter(jurisdiction_id=entry.jurisdiction_id),
            "can_manage": can_manage and live,
            "retire_form": RemoveForm() if can_manage and live else None,
        },
    )


def _entry_initial(entry) -> dict:
    return {
        "seq": entry.seq,
        "item": entry.item,
        "approval_division": entry.approval_division,
        "regulator": entry.regulator,
        "regulator_division": entry.regulator_division,
        "supervision_items": [link.supervision_item for link in entry.links.all()],
        "responsible_person": entry.responsible_person,
        "power_type": entry.power_type,
        "stages": entry.stages,
        "approval_duties": entry.approval_duties,
        "supervision_duties": entry.supervision_duties,
        "push_method": entry.push_method,
        "note": entry.note,
    }


def _entry_fields(d: dict) -> dict:
    out = {
        "item": d["item"],
        "regulator": d["regulator"],
        "supervision_items": list(d["supervision_items"]),
        "approval_division": d.get("approval_division"),
        "regulator_division": d.get("regulator_division"),
        "responsible_person": d.get("responsible_person") or "",
        "power_type": d["power_type"],
        "stages": d.get("stages") or [],
        "approval_duties": d.get("approval_duties") or "",
        "supervision_duties": d.get("supervision_duties") or "",
        "push_method": d["push_method"],
        "note": d.get("note") or "",
    }
    if d.get("seq") is not None:
        out["seq"] = d["seq"]
    if d.get("contact_phone"):
        out["contact_phone"] = d["contact_phone"]
    return out


@manager
@require_http_methods(["GET", "POST"])
def entry_create(request):
    """Add a linkage entry (新增审管联动事项)."""
    jid = _own_jurisdiction(request)
    form = EntryForm(request.POST or None, jurisdiction_id=jid)
    if request.method == "POST" and form.is_valid():
        from shenguan.org.models import Jurisdiction

        d = form.cleaned_data
        try:
            entry = services.entry_create(
                actor=request.user,
                jurisdiction=Jurisdiction.objects.get(pk=jid),
                valid_from=d.get("effective_on"),
                **_entry_fields(d),
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("联动事项已新增，已向行业主管部门函告"))
            return redirect("catalog:entry_detail", pk=entry.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("新增审管联动事项")})


@manager
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int):
    """Change a linkage entry (调整审管联动事项)."""
    entry = selectors.entry_get(user=request.user, pk=pk)
    form = EntryForm(
        request.POST or None, initial=_entry_initial(entry), jurisdiction_id=entry.jurisdiction_id
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new = services.entry_update(
                actor=request.user,
                entry=entry,
                effective_on=d.get("effective_on"),
                **_entry_fields(d),
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("联动事项已调整，已向行业主管部门函告"))
            return redirect("catalog:entry_detail", pk=new.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("调整审管联动事项")})


@manager
@require_POST
def entry_retire(request, pk: int):
    """End a linkage entry from a date (删减审管联动事项)."""
    entry = selectors.entry_get(user=request.user, pk=pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            services.entry_retire(actor=request.user, entry=entry, **form.cleaned_data)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("联动事项已删减"))
            return redirect("catalog:entry_detail", pk=entry.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("删减审管联动事项")})


@manager
@require_POST
def list_publish(request):
    """Publish the live list as a dated version (公布清单)."""
    from shenguan.org.models import Jurisdiction

    form = PublishForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            v = services.list_publish(
                actor=request.user,
                jurisdiction=Jurisdiction.objects.get(pk=_own_jurisdiction(request)),
                title=d["title"],
                published_on=d.get("published_on"),
                note=d.get("note") or "",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("已公布第%(n)s版，共%(c)s条") % {"n": v.number, "c": v.entry_count}
            )
            return redirect("catalog:version_detail", pk=v.pk)
    else:
        messages.error(request, _("请填写标题"))
    return redirect("catalog:entry_list")


@reader
def version_detail(request, pk: int):
    """A published version of the linkage list (old versions stay readable)."""
    version = selectors.version_get(user=request.user, pk=pk)
    form = EntryFilterForm(request.GET or None, jurisdiction_ids=[version.jurisdiction_id])
    qs = selectors.version_entries(version, form.filters())
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return exports.file_response(
            fmt,
            f"审管联动事项清单-第{version.number}版",
            exports.LINKAGE_HEADERS,
            exports.linkage_rows(qs.iterator(chunk_size=2000)),
            title=version.title,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/version_detail.html",
        {
            "version": version,
            "form": form,
            "page": page_of(request, qs),
            "export_query": query.urlencode(),
            "versions": selectors.version_list(
                user=request.user, jurisdiction_id=version.jurisdiction_id
            ),
        },
    )
