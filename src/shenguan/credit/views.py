"""Pages of the credit app (/credit/…): 双公示 records, warning library, lists and their import,
告知承诺 verification, a subject's credit file, re-checks and leaders' exceptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.org.roles import Perm

from . import selectors as sel
from . import services as svc
from .exports import export_bytes, file_response
from .models import (
    CommitmentState,
    CreditRecordKind,
    CreditRecordState,
    ListKind,
    WarningReason,
)

PAGE_SIZE = 50


def _page(request, qs) -> dict:
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100000))
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": rows[:PAGE_SIZE],
        "number": number,
        "has_next": len(rows) > PAGE_SIZE,
        "has_prev": number > 1,
        "query": query.urlencode(),
    }


def _error(request, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied):
        raise exc
    messages.error(request, exc.message)


def _need(request, perm: str) -> None:
    if not request.user.can(perm):
        raise PermissionDenied("forbidden", "无权查看信用信息")


@login_required
def record_list(request):
    """双公示 records; ?export=xlsx|csv downloads one kind in the national column order."""
    _need(request, Perm.CREDIT_READ)
    f = {k: request.GET.get(k) for k in ("kind", "state", "code") if request.GET.get(k)}
    if request.GET.get("tasks") == "1":
        f["tasks"] = True
    qs = sel.record_list(user=request.user, filters=f)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        kind = f.get("kind") if f.get("kind") in CreditRecordKind.values else "licence"
        content, ctype, name = export_bytes(kind, qs.filter(kind=kind), fmt)
        return file_response(content, ctype, name)
    return render(
        request,
        "credit/record_list.html",
        {
            "page": _page(request, qs),
            "filters": f,
            "kinds": CreditRecordKind.choices,
            "states": CreditRecordState.choices,
        },
    )


@login_required
def record_detail(request, pk: int):
    from shenguan.core.masking import personal_value

    from . import formats

    r = sel.record_get(user=request.user, pk=pk)
    data = dict(r.data)
    if data.get("id_number"):  # natural persons: shown in full only to who may unmask (audited)
        data["id_number"] = personal_value(
            actor=request.user, value=data["id_number"], kind="id_number", obj=r, field="id_number"
        )
    cols = [(label, data.get(key, "")) for key, label in formats.COLUMNS[r.kind]]
    return render(
        request,
        "credit/record_detail.html",
        {
            "r": r,
            "columns": cols,
            "can_resend": request.user.can(Perm.CREDIT_MANAGE)
            and r.state in (CreditRecordState.INVALID, CreditRecordState.REJECTED),
        },
    )


@login_required
@require_POST
def record_resend(request, pk: int):
    r = sel.record_get(user=request.user, pk=pk)
    try:
        svc.credit_record_resend(actor=request.user, record=r)
        messages.success(request, _("已重新校验并加入推送队列"))
    except DomainError as exc:
        _error(request, exc)
    return redirect("credit:record_detail", pk=pk)


@login_required
def warning_list(request):
    _need(request, Perm.CREDIT_READ)
    f = {k: request.GET.get(k) for k in ("q", "code", "reason_kind") if request.GET.get(k)}
    if request.GET.get("active") == "1":
        f["active"] = True
    return render(
        request,
        "credit/warning_list.html",
        {
            "page": _page(request, sel.warning_list(user=request.user, filters=f)),
            "filters": f,
            "reasons": WarningReason.choices,
            "can_manage": request.user.can(Perm.CREDIT_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def warning_new(request):
    _need(request, Perm.CREDIT_MANAGE)
    if request.method == "POST":
        p = request.POST
        try:
            w = svc.warning_create(
                actor=request.user,
                jurisdiction_id=request.user.jurisdiction_id,
                code=p.get("code"),
                subject_name=p.get("subject_name"),
                reason_kind=p.get("reason_kind") or "fraud",
                reason=p.get("reason"),
                measures=p.get("measures", ""),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("警示信息已登记"))
            return redirect("credit:warning_detail", pk=w.pk)
    return render(request, "credit/warning_form.html", {"reasons": WarningReason.choices})


@login_required
def warning_detail(request, pk: int):
    w = sel.warning_get(user=request.user, pk=pk)
    return render(
        request,
        "credit/warning_detail.html",
        {"w": w, "can_repair": request.user.can(Perm.CREDIT_MANAGE) and not w.removed},
    )


@login_required
@require_POST
def warning_repair(request, pk: int):
    w = sel.warning_get(user=request.user, pk=pk)
    try:
        svc.warning_repair(
            actor=request.user,
            entry=w,
            decision=request.POST.get("decision"),
            reason=request.POST.get("reason"),
        )
        messages.success(request, _("已信用修复，移出警示信息库"))
    except DomainError as exc:
        _error(request, exc)
    return redirect("credit:warning_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def list_entries(request):
    """Joint-punishment list entries; credit managers import a file (dry run first)."""
    _need(request, Perm.CREDIT_READ)
    report = None
    if request.method == "POST":
        _need(request, Perm.CREDIT_MANAGE)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件"))
        else:
            try:
                report = svc.list_import(
                    actor=request.user,
                    jurisdiction_id=request.user.jurisdiction_id,
                    fileobj=upload,
                    filename=upload.name,
                    dry_run=request.POST.get("confirm") != "1",
                )
            except DomainError as exc:
                _error(request, exc)
            else:
                if report["created"]:
                    messages.success(
                        request, _("已导入 %(n)d 条名单信息") % {"n": report["created"]}
                    )
    f = {k: request.GET.get(k) for k in ("q", "code", "list_kind") if request.GET.get(k)}
    return render(
        request,
        "credit/list_entries.html",
        {
            "page": _page(request, sel.list_entries(user=request.user, filters=f)),
            "filters": f,
            "kinds": ListKind.choices,
            "report": report,
            "can_manage": request.user.can(Perm.CREDIT_MANAGE),
        },
    )


@login_required
def commitment_list(request):
    _need(request, Perm.PUSH_READ)
    f = {"state": request.GET.get("state")} if request.GET.get("state") else {}
    return render(
        request,
        "credit/commitment_list.html",
        {
            "page": _page(request, sel.commitment_list(user=request.user, filters=f)),
            "filters": f,
            "states": CommitmentState.choices,
        },
    )


@login_required
def commitment_detail(request, pk: int):
    t = sel.commitment_get(user=request.user, pk=pk)
    can = (
        request.user.can(Perm.COMMITMENT_VERIFY)
        and request.user.department_id == t.department_id
        and t.state == CommitmentState.OPEN
    )
    return render(request, "credit/commitment_detail.html", {"t": t, "can_verify": can})


@login_required
@require_POST
def commitment_verify(request, pk: int):
    t = sel.commitment_get(user=request.user, pk=pk)
    try:
        svc.commitment_verify(
            actor=request.user,
            task=t,
            kept=request.POST.get("kept") == "1",
            evidence=request.POST.get("evidence"),
        )
        messages.success(request, _("核查结果已记录"))
    except DomainError as exc:
        _error(request, exc)
    return redirect("credit:commitment_detail", pk=pk)


@login_required
def subject(request, code: str):
    """A subject's credit file (主体信用档案): everything of one USCC or ID number."""
    data = sel.subject_view(user=request.user, code=code)
    return render(request, "credit/subject.html", data)


@login_required
@require_POST
def case_check(request, record_id: int):
    """Look a registered case up again (补查信用)."""
    from shenguan.linkage.selectors import record_get

    rec = record_get(user=request.user, pk=record_id)
    try:
        svc.credit_check_record(actor=request.user, record=rec)
        messages.success(request, _("已完成信用核查"))
    except DomainError as exc:
        _error(request, exc)
    return redirect("linkage:record_detail", pk=rec.pk)


@login_required
@require_http_methods(["GET", "POST"])
def override_new(request):
    """A bureau leader authorises one facilitated acceptance of a restricted subject."""
    _need(request, Perm.CREDIT_OVERRIDE)
    if request.method == "POST":
        p = request.POST
        try:
            svc.credit_override_grant(
                actor=request.user,
                jurisdiction_id=request.user.jurisdiction_id,
                code=p.get("code"),
                acceptance_mode=p.get("acceptance_mode"),
                reason=p.get("reason"),
                subject_name=p.get("subject_name", ""),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("例外受理已批准并记录"))
            return redirect("credit:override_new")
    return render(
        request,
        "credit/override_form.html",
        {"overrides": sel.override_list(user=request.user)[:50]},
    )
