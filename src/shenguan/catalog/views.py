"""Staff pages of the catalogue (事项清单管理): the bureau manages items, transfers, memos,
supervision items and the linkage list; regulators and oversight roles read them. Reads go
through selectors (another jurisdiction's object is a 404), writes through services."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError, NotFound
from shenguan.core.masking import mask_phone
from shenguan.org.roles import Perm
from shenguan.org.views import _form_error, page_of, require_perm

from . import exports, importers, selectors, services
from .forms import (
    EntryFilterForm,
    EntryForm,
    ImportForm,
    ItemFilterForm,
    ItemForm,
    MemoAmendForm,
    MemoForm,
    MemoSignForm,
    PublishForm,
    RemoveForm,
    SupervisionForm,
    TransferForm,
    checklist_text,
)
from .models import HandoverKind, MemoState

reader = require_perm(Perm.CATALOG_READ, Perm.CATALOG_MANAGE)
manager = require_perm(Perm.CATALOG_MANAGE)


def _own_jurisdiction(request) -> int:
    jid = request.user.jurisdiction_id
    if jid is None:
        raise NotFound()
    return jid


def _can_manage(request, jurisdiction_id: int | None = None) -> bool:
    u = request.user
    if not u.can(Perm.CATALOG_MANAGE):
        return False
    return jurisdiction_id is None or jurisdiction_id == u.jurisdiction_id


# --- items -----------------------------------------------------------------------------------


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


# --- linkage list ----------------------------------------------------------------------------


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


# --- supervision items -----------------------------------------------------------------------


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


# --- memos -----------------------------------------------------------------------------------


@reader
def memo_list(request):
    """Handover memos the user's department is party to (oversight: all)."""
    qs = selectors.memo_list(user=request.user, filters={"state": request.GET.get("state") or None})
    return render(
        request,
        "catalog/memo_list.html",
        {
            "page": page_of(request, qs),
            "can_manage": _can_manage(request),
            "states": MemoState.choices,
            "state": request.GET.get("state") or "",
        },
    )


def _memo_context(request, memo) -> dict:
    labels = dict(HandoverKind.choices)
    checklist = [{**x, "label": labels.get(x["kind"], x["kind"])} for x in memo.checklist or []]
    return {
        "memo": memo,
        "checklist": checklist,
        "lines": memo.memo_items.select_related("item__main_item").order_by(
            "item__main_item_id", "id"
        ),
        "amendments": memo.amendments.order_by("number"),
    }


@reader
def memo_detail(request, pk: int):
    """A memo with its items, checklist, signatures and amendments."""
    memo = selectors.memo_get(user=request.user, pk=pk)
    can_manage = _can_manage(request, memo.jurisdiction_id)
    ctx = _memo_context(request, memo)
    ctx.update(
        {
            "can_manage": can_manage,
            "sign_form": MemoSignForm(
                initial={
                    "signed_on": timezone.localdate(),
                    "from_signatory": memo.from_signatory,
                    "from_signatory_title": memo.from_signatory_title,
                    "to_signatory": memo.to_signatory,
                    "to_signatory_title": memo.to_signatory_title,
                }
            )
            if can_manage and memo.state == MemoState.DRAFT
            else None,
        }
    )
    return render(request, "catalog/memo_detail.html", ctx)


@reader
def memo_print(request, pk: int):
    """The printable memo (审管衔接备忘录打印页)."""
    memo = selectors.memo_get(user=request.user, pk=pk)
    return render(request, "catalog/memo_print.html", _memo_context(request, memo))


_MEMO_CONTENT = (
    "number",
    "title",
    "checklist",
    "duty_boundary",
    "feedback_arrangement",
    "technical_support",
    "from_signatory",
    "from_signatory_title",
    "to_signatory",
    "to_signatory_title",
)


@manager
@require_http_methods(["GET", "POST"])
def memo_create(request):
    """Draft a memo (起草审管衔接备忘录)."""
    jid = _own_jurisdiction(request)
    initial = {}
    if request.GET.get("item"):
        item = selectors.item_list(user=request.user).filter(pk=request.GET["item"]).first()
        if item is not None:
            initial = {
                "items": [item],
                "from_department": item.original_department,
                "title": f"{item.original_department.name}与行政审批局审管衔接备忘录",
            }
    form = MemoForm(request.POST or None, initial=initial, jurisdiction_id=jid)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            memo = services.memo_create(
                actor=request.user,
                from_department=d["from_department"],
                items=list(d["items"]),
                **{k: d[k] for k in _MEMO_CONTENT},
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("备忘录草稿已保存"))
            return redirect("catalog:memo_detail", pk=memo.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("起草审管衔接备忘录")})


@manager
@require_http_methods(["GET", "POST"])
def memo_edit(request, pk: int):
    """Edit a draft memo."""
    memo = selectors.memo_get(user=request.user, pk=pk)
    initial = {k: getattr(memo, k) for k in _MEMO_CONTENT}
    initial["checklist"] = checklist_text(memo.checklist)
    initial["from_department"] = memo.from_department
    initial["items"] = [
        line.item for line in memo.memo_items.select_related("item") if not line.item.main_item_id
    ]
    form = MemoForm(request.POST or None, initial=initial, jurisdiction_id=memo.jurisdiction_id)
    form.fields["from_department"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.memo_update(
                actor=request.user,
                memo=memo,
                items=list(d["items"]),
                **{k: d[k] for k in _MEMO_CONTENT},
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("备忘录草稿已保存"))
            return redirect("catalog:memo_detail", pk=memo.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("修改备忘录草稿")})


@manager
@require_POST
def memo_sign(request, pk: int):
    """Record the signing (登记签订): the bureau handles the items from that day."""
    memo = selectors.memo_get(user=request.user, pk=pk)
    form = MemoSignForm(request.POST)
    if form.is_valid():
        try:
            services.memo_sign(actor=request.user, memo=memo, **form.cleaned_data)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("备忘录已签订，已通知双方部门"))
            return redirect("catalog:memo_detail", pk=memo.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("登记备忘录签订")})


@manager
@require_http_methods(["GET", "POST"])
def memo_amend(request, pk: int):
    """Amend a signed memo (修订备忘录); the signed text stays readable."""
    memo = selectors.memo_get(user=request.user, pk=pk)
    initial = {
        k: getattr(memo, k) for k in ("duty_boundary", "feedback_arrangement", "technical_support")
    }
    initial["checklist"] = checklist_text(memo.checklist)
    initial["signed_on"] = timezone.localdate()
    form = MemoAmendForm(request.POST or None, initial=initial, memo=memo)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes = {
            k: d[k]
            for k in ("duty_boundary", "feedback_arrangement", "technical_support")
            if d[k] != initial[k]
        }
        if d["checklist"] != (memo.checklist or []):
            changes["checklist"] = d["checklist"]
        try:
            services.memo_amend(
                actor=request.user,
                memo=memo,
                signed_on=d["signed_on"],
                reason=d["reason"],
                add_items=list(d["add_items"]),
                **changes,
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("备忘录已修订"))
            return redirect("catalog:memo_detail", pk=memo.pk)
    return render(request, "catalog/form.html", {"form": form, "title": _("修订备忘录")})


# --- notices, gaps, import -------------------------------------------------------------------


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


def _upload_dir() -> Path:
    d = Path(settings.VAR_DIR) / "uploads" / "catalog"
    d.mkdir(parents=True, exist_ok=True)
    return d


_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_CREATED_LABELS = {
    "entries": _lazy("联动事项"),
    "items": _lazy("新建审批事项"),
    "supervision_items": _lazy("新建监管事项"),
    "retired_entries": _lazy("终止的原联动事项"),
    "updated": _lazy("更新"),
}


def _sweep_uploads(max_age_hours: int = 24) -> None:
    """Delete uploads left by dry runs that were never confirmed."""
    import time

    limit = time.time() - max_age_hours * 3600
    for f in _upload_dir().iterdir():
        with contextlib.suppress(OSError):
            if f.stat().st_mtime < limit:
                f.unlink()


def _run_import(request, kind, path: Path, filename, dry_run, mode, valid_from):
    from shenguan.org.models import Jurisdiction

    j = Jurisdiction.objects.get(pk=_own_jurisdiction(request))
    with path.open("rb") as fh:
        common = {
            "actor": request.user,
            "jurisdiction": j,
            "source": fh,
            "filename": filename,
            "dry_run": dry_run,
        }
        if kind == "linkage":
            return importers.linkage_import(**common, mode=mode, valid_from=valid_from)
        if kind == "items":
            return importers.item_import(**common, effective_on=valid_from)
        return importers.supervision_import(**common)


@manager
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a list: a dry run reports every problem; importing writes only if all rows pass."""
    form = ImportForm(request.POST or None, request.FILES or None)
    ctx: dict = {"form": form}
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        stash = request.session.get("catalog_import", {})
        if not _TOKEN.match(token) or stash.get("token") != token:
            messages.error(request, _("导入已过期，请重新上传"))
            return redirect("catalog:import")
        path = _upload_dir() / token
        try:
            valid_from = (
                dt.date.fromisoformat(stash["valid_from"]) if stash.get("valid_from") else None
            )
            report = _run_import(
                request, stash["kind"], path, stash["filename"], False, stash["mode"], valid_from
            )
        except DomainError as exc:
            ctx["error"] = exc
            ctx["problems"] = getattr(exc, "problems", [])
            return render(request, "catalog/import.html", ctx)
        finally:
            path.unlink(missing_ok=True)
            request.session.pop("catalog_import", None)
        messages.success(request, _("导入完成：%(n)s 条") % {"n": report.records})
        return redirect(
            {"linkage": "catalog:entry_list", "items": "catalog:item_list"}.get(
                stash["kind"], "catalog:supervision_list"
            )
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        token = uuid.uuid4().hex
        path = _upload_dir() / token
        _sweep_uploads()
        h = hashlib.sha256()
        with path.open("wb") as out:
            for chunk in d["file"].chunks():
                h.update(chunk)
                out.write(chunk)
        try:
            report = _run_import(
                request, d["kind"], path, d["file"].name, True, d["mode"], d.get("valid_from")
            )
        except DomainError as exc:
            path.unlink(missing_ok=True)
            ctx["error"] = exc
            return render(request, "catalog/import.html", ctx)
        ctx["report"] = report
        ctx["summary"] = [(_CREATED_LABELS.get(k, k), v) for k, v in report.created.items()]
        if report.ok:
            request.session["catalog_import"] = {
                "token": token,
                "kind": d["kind"],
                "filename": d["file"].name,
                "mode": d["mode"],
                "valid_from": d["valid_from"].isoformat() if d.get("valid_from") else "",
            }
            ctx["token"] = token
        else:
            path.unlink(missing_ok=True)
    return render(request, "catalog/import.html", ctx)
