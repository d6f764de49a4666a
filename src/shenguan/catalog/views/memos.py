"""Pages of handover memoranda (交接备忘录)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError
from shenguan.org.views import _form_error, page_of

from .. import selectors, services
from ..forms import (
    MemoAmendForm,
    MemoForm,
    MemoSignForm,
    checklist_text,
)
from ..models import HandoverKind, MemoState
from .common import _can_manage, _own_jurisdiction, manager, reader


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
