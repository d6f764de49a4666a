"""Pages of the linkage app: inboxes with bulk claim and export, push details with the timeline,
approval records with materials, import and manual routing, feedback with disposal and answers,
notices, the licence register, and the public licence verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shenguan.audit.services import audit_record
from shenguan.core.errors import DomainError, ErrorList, PermissionDenied
from shenguan.core.masking import can_unmask, mask_id_number, mask_name, mask_phone
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm

from . import hooks
from . import selectors as sel
from . import services as svc
from .exports import pushes_xlsx
from .forms import (
    DisposalForm,
    FeedbackForm,
    ImportForm,
    InboxFilterForm,
    LicenceTransitionForm,
    MaterialForm,
    NoticeForm,
    RecordForm,
    ReplyForm,
    RouteForm,
    VerifyForm,
)
from .importer import records_import, template_xlsx
from .models import (
    RESULT_KINDS,
    FeedbackKind,
    Licence,
    LicenceState,
    PushDirection,
    PushState,
    RecordState,
)

PAGE_SIZE = 50
BOX_LABELS = {
    "to_claim": _lazy("待认领"),
    "claimed": _lazy("已认领"),
    "auto_claimed": _lazy("超时自动认领"),
    "sent": _lazy("已推送"),
    "all": _lazy("全部"),
}


def _page(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page without counting: items, number, previous/next flags, the query string."""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100000))
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * size : number * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": rows[:size],
        "number": number,
        "has_next": len(rows) > size,
        "has_prev": number > 1,
        "query": query.urlencode(),
    }


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


# --- inbox -------------------------------------------------------------------------------------


def _inbox_query(request):
    box = request.GET.get("box", "to_claim")
    if box not in sel.BOXES:
        box = "to_claim"
    form = InboxFilterForm(
        request.GET or None, items=_items(request.user), departments=_departments(request.user)
    )
    filters = form.filters() if request.GET else {}
    return box, form, sel.push_list(user=request.user, box=box, filters=filters)


@login_required
@require_GET
def inbox(request):
    """The liaison's inbox (审管信息收件箱): to claim / claimed / auto-claimed / sent."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看审管推送信息")
    box, form, qs = _inbox_query(request)
    page = _page(request, qs)
    today = timezone.localdate()
    for p in page["items"]:
        p.countdown = sel.countdown(p, today)
    can_claim = request.user.can(Perm.PUSH_CLAIM) or request.user.can(Perm.FEEDBACK_CLAIM)
    return render(
        request,
        "linkage/inbox.html",
        {
            "box": box,
            "boxes": list(BOX_LABELS.items()),
            "form": form,
            "page": page,
            "counts": sel.inbox_counts(user=request.user),
            "can_claim": can_claim and not request.user.is_oversight and box != "sent",
        },
    )


@login_required
@require_GET
def inbox_export(request):
    """The filtered inbox as an xlsx file (导出): the same rows as the list."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权导出审管推送信息")
    box, _form, qs = _inbox_query(request)
    data = pushes_xlsx(qs, _("审管推送信息（%(box)s）") % {"box": BOX_LABELS[box]})
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="push.export",
            obj=("linkage.push", box),
            after={"box": box, "query": request.GET.urlencode()[:500]},
        )
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    resp["Content-Disposition"] = f'attachment; filename="pushes-{box}-{stamp}.xlsx"'
    return resp


@login_required
@require_POST
def push_claim(request, pk: int):
    """Claim one push (认领)."""
    push = sel.push_get(user=request.user, pk=pk)
    try:
        svc.push_claim(actor=request.user, push=push)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已认领"))
    return _back(request, reverse("linkage:push_detail", args=[pk]))


@login_required
@require_POST
def push_claim_bulk(request):
    """Claim the ticked pushes (批量认领)."""
    ids = request.POST.getlist("ids")
    try:
        res = svc.push_claim_bulk(actor=request.user, push_ids=ids)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("已认领 %(n)d 条，跳过 %(m)d 条")
            % {"n": len(res["claimed"]), "m": len(res["skipped"])},
        )
    return _back(request, reverse("linkage:inbox"))


@login_required
@require_GET
def push_detail(request, pk: int):
    """One push: what it carries, who answers from when, the countdown and the timeline."""
    push = sel.push_get(user=request.user, pk=pk)
    snap = push.snapshot.data if hasattr(push, "snapshot") else {}
    applicant = ((snap.get("record") or {}).get("applicant")) or {}
    shown = personal(
        request,
        push,
        {
            "id_number": (applicant.get("id_number"), "id_number"),
            "contact_phone": (applicant.get("contact_phone"), "phone"),
        },
    )
    user = request.user
    mine = user.department_id == push.addressee_department_id
    claim_perm = (
        Perm.PUSH_CLAIM if push.direction == PushDirection.TO_REGULATOR else (Perm.FEEDBACK_CLAIM)
    )
    fb = push.feedback
    ctx = {
        "push": push,
        "snap": snap,
        "applicant": applicant,
        "shown": shown,
        "countdown": sel.countdown(push),
        "responsibility": sel.responsibility(push),
        "timeline": sel.push_timeline(user=user, push=push),
        "can_claim": mine and push.state == PushState.PENDING and user.can(claim_perm),
        "can_feedback": (
            mine
            and push.direction == PushDirection.TO_REGULATOR
            and user.can(Perm.FEEDBACK_SEND)
            and push.record_id is not None
        ),
        "feedback": fb,
        "labels": sel.snapshot_labels(snap),
        "panels": hooks.panels_for("push", request, push),
    }
    if fb is not None and mine and user.can(Perm.DISPOSAL_RECORD):
        if fb.kind == FeedbackKind.REVOCATION_OPINION and not hasattr(fb, "disposal"):
            ctx["disposal_form"] = DisposalForm(initial={"decided_on": timezone.localdate()})
        if fb.kind == FeedbackKind.CORRECTION_REQUEST and fb.replied_at is None:
            ctx["reply_form"] = ReplyForm()
    return render(request, "linkage/push_detail.html", ctx)


# --- approval records --------------------------------------------------------------------------


def _require_bureau(request) -> None:
    if not request.user.can(Perm.APPROVAL_RECORD) and not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看办件")


@login_required
@require_GET
def record_list(request):
    """Approval records (办件) of the department, or those pushed to it."""
    _require_bureau(request)
    f = {k: request.GET.get(k) for k in ("case_number", "applicant", "state") if request.GET.get(k)}
    if request.GET.get("gap") == "1":
        f["supervision_gap"] = True
    qs = sel.record_list(user=request.user, filters=f)
    return render(
        request,
        "linkage/record_list.html",
        {
            "page": _page(request, qs),
            "filters": f,
            "states": RecordState.choices,
            "can_record": request.user.can(Perm.APPROVAL_RECORD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    """Register an approval record at the window (登记办件)."""
    if not request.user.can(Perm.APPROVAL_RECORD):
        raise PermissionDenied("forbidden", "无权登记办件")
    form = RecordForm(request.POST or None, items=_items(request.user))
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        complete = d.pop("complete", False)
        try:
            rec = svc.record_create(actor=request.user, data=d, complete=complete)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("办件已登记，已办结推送") if complete else _("办件已登记"))
            return redirect("linkage:record_detail", pk=rec.pk)
    return render(
        request,
        "linkage/record_form.html",
        {"form": form, "panels": hooks.panels_for("record_form", request, form)},
    )


@login_required
@require_GET
def record_detail(request, pk: int):
    """One record: applicant, decision, materials, its pushes and the actions left."""
    rec = sel.record_get(user=request.user, pk=pk)
    user = request.user
    shown = personal(
        request,
        rec,
        {
            "id_number": (rec.applicant_id_number, "id_number"),
            "contact_phone": (rec.contact_phone, "phone"),
        },
    )
    own = user.department_id == rec.department_id
    from .models import Push

    pushes = (
        Push.objects.restrict(user).filter(record_id=rec.pk).select_related("addressee_department")
    )
    ctx = {
        "rec": rec,
        "shown": shown,
        "materials": rec.materials.order_by("id"),
        "pushes": pushes,
        "licence": Licence.objects.restrict(user).filter(record_id=rec.pk).first(),
        "can_upload": own and rec.state == RecordState.DRAFT and user.can(Perm.APPROVAL_RECORD),
        "can_complete": own and rec.state == RecordState.DRAFT and user.can(Perm.APPROVAL_COMPLETE),
        "material_form": MaterialForm(),
        "suspensions": sel.suspension_list(user=user, record=rec),
        "panels": hooks.panels_for("record", request, rec),
        "timeline": sorted(hooks.timeline_entries(user=user, record=rec), key=lambda e: e["at"]),
    }
    if (
        own
        and rec.supervision_gap
        and (user.can(Perm.APPROVAL_COMPLETE) or user.can(Perm.CATALOG_MANAGE))
    ):
        ctx["route_form"] = RouteForm(
            regulators=_departments(
                user, [DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]
            ).filter(jurisdiction_id=rec.jurisdiction_id)
        )
    return render(request, "linkage/record_detail.html", ctx)


@login_required
@require_POST
def record_complete(request, pk: int):
    """Complete a record and push it (办结推送)."""
    rec = sel.record_get(user=request.user, pk=pk)
    try:
        pushes = svc.record_complete(actor=request.user, record=rec)
    except DomainError as exc:
        _error(request, exc)
    else:
        rec.refresh_from_db()
        if rec.supervision_gap:
            messages.warning(
                request, _("已办结，但该事项不在审管联动事项清单中（监管空白），请指定监管部门")
            )
        else:
            messages.success(request, _("已办结并推送至 %(n)d 个监管部门") % {"n": len(pushes)})
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_POST
def record_route(request, pk: int):
    """Route a supervision-gap record to a chosen regulator (人工指定监管部门)."""
    rec = sel.record_get(user=request.user, pk=pk)
    form = RouteForm(request.POST, regulators=_departments(request.user))
    if not form.is_valid():
        messages.error(request, _("请选择监管部门并填写说明"))
        return redirect("linkage:record_detail", pk=pk)
    try:
        svc.record_route_manually(
            actor=request.user,
            record=rec,
            regulator=form.cleaned_data["regulator"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已推送至指定的监管部门"))
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_POST
def material_upload(request, pk: int):
    """Attach a file to a draft record (上传材料)."""
    rec = sel.record_get(user=request.user, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择文件"))
        return redirect("linkage:record_detail", pk=pk)
    f = form.cleaned_data["file"]
    try:
        svc.material_add(
            actor=request.user,
            record=rec,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            filename=f.name,
            fileobj=f,
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("材料已上传"))
    return redirect("linkage:record_detail", pk=pk)


@login_required
@require_GET
def material_download(request, pk: int):
    """Download a material of a record the user may see."""
    m = sel.material_get(user=request.user, pk=pk)
    fh = svc.material_open(m)
    resp = FileResponse(fh, content_type=m.content_type, as_attachment=True, filename=m.filename)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def record_import(request):
    """Import approval records from a spreadsheet, all or nothing (批量导入办件)."""
    if not request.user.can(Perm.APPROVAL_RECORD):
        raise PermissionDenied("forbidden", "无权导入办件")
    if request.GET.get("template") == "1":
        resp = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = 'attachment; filename="approval-import-template.xlsx"'
        return resp
    form = ImportForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            report = records_import(
                actor=request.user,
                fileobj=f,
                filename=f.name,
                complete=form.cleaned_data["complete"],
            )
        except ErrorList as exc:
            problems = exc.problems
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
    return render(
        request,
        "linkage/record_import.html",
        {"form": form, "report": report, "problems": problems},
    )


# --- feedback ----------------------------------------------------------------------------------


@login_required
@require_GET
def feedback_list(request):
    """Supervision feedback sent or received (监管信息反馈)."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看监管信息")
    f = {k: request.GET.get(k) for k in ("kind", "state") if request.GET.get(k)}
    qs = sel.feedback_list(user=request.user, filters=f)
    return render(
        request,
        "linkage/feedback_list.html",
        {
            "page": _page(request, qs),
            "kinds": FeedbackKind.choices,
            "filters": f,
            "can_send": request.user.can(Perm.FEEDBACK_SEND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new(request):
    """Send supervision information to the bureau (报送监管信息)."""
    user = request.user
    if not user.can(Perm.FEEDBACK_SEND):
        raise PermissionDenied("forbidden", "无权发送监管信息")
    initial = {"published_on": timezone.localdate()}
    for k in ("record", "licence", "kind"):
        if request.GET.get(k):
            initial[k] = request.GET[k]
    form = FeedbackForm(request.POST or None, initial=initial)
    data = request.POST or initial
    record = licence = None
    if data.get("record"):
        record = sel.record_get(user=user, pk=data.get("record"))
    if data.get("licence"):
        licence = sel.licence_get(user=user, pk=data.get("licence"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        abnormal = {"1": True, "0": False}.get(d["abnormal"])
        try:
            fb = svc.feedback_create(
                actor=user,
                kind=d["kind"],
                title=d["title"],
                content=d["content"],
                published_on=d["published_on"],
                effective_on=d["effective_on"],
                document_number=d["document_number"],
                abnormal=abnormal,
                record=record,
                licence=licence,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("监管信息已登记：%(state)s") % {"state": fb.get_state_display()}
            )
            return redirect("linkage:feedback_detail", pk=fb.pk)
    return render(
        request,
        "linkage/feedback_form.html",
        {"form": form, "record": record, "licence": licence, "result_kinds": RESULT_KINDS},
    )


@login_required
@require_GET
def feedback_detail(request, pk: int):
    """One feedback with its pushes, disposal and answer."""
    fb = sel.feedback_get(user=request.user, pk=pk)
    user = request.user
    from .models import Push

    pushes = (
        Push.objects.restrict(user)
        .filter(feedback_id=fb.pk)
        .select_related("addressee_department", "sender_department")
    )
    mine = user.department_id == fb.addressee_department_id
    ctx = {"fb": fb, "pushes": pushes, "disposal": getattr(fb, "disposal", None)}
    if mine and user.can(Perm.DISPOSAL_RECORD) and fb.state == "pushed":
        if fb.kind == FeedbackKind.REVOCATION_OPINION and ctx["disposal"] is None:
            ctx["disposal_form"] = DisposalForm(initial={"decided_on": timezone.localdate()})
        if fb.kind == FeedbackKind.CORRECTION_REQUEST and fb.replied_at is None:
            ctx["reply_form"] = ReplyForm()
    return render(request, "linkage/feedback_detail.html", ctx)


def _feedback_action(request, pk: int, form_class, service, *, done: str, incomplete: str):
    """Run the bureau's answer to a feedback (a disposal or a correction reply) from its form and
    go back to the feedback's page with the outcome as a message."""
    fb = sel.feedback_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, feedback=fb, **form.cleaned_data)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, done)
    else:
        messages.error(request, incomplete)
    return _back(request, reverse("linkage:feedback_detail", args=[pk]))


@login_required
@require_POST
def feedback_dispose(request, pk: int):
    """Record the disposal of a revocation opinion (处置)."""
    return _feedback_action(
        request,
        pk,
        DisposalForm,
        svc.disposal_record,
        done=_("处置结果已登记并推送至监管部门"),
        incomplete=_("请完整填写处置结果和决定日期"),
    )


@login_required
@require_POST
def feedback_reply(request, pk: int):
    """Answer a correction request (纠错答复)."""
    return _feedback_action(
        request,
        pk,
        ReplyForm,
        svc.correction_reply,
        done=_("答复已推送至监管部门"),
        incomplete=_("请选择答复结果并填写答复内容"),
    )


# --- notices -----------------------------------------------------------------------------------


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
    from .models import Push

    pushes = (
        Push.objects.restrict(request.user)
        .with_claim()
        .filter(notice_id=n.pk)
        .select_related("addressee_department")
    )
    return render(request, "linkage/notice_detail.html", {"n": n, "pushes": pushes})


# --- licences ----------------------------------------------------------------------------------


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


# --- public ------------------------------------------------------------------------------------


@require_GET
def licence_verify(request):
    """Public licence verification by number (证照核验，无需登录): item, masked holder, state,
    validity."""
    form = VerifyForm(request.GET or None)
    results = None
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
    resp = render(request, "linkage/public_verify.html", {"form": form, "results": results})
    resp["Cache-Control"] = "no-store"
    return resp
