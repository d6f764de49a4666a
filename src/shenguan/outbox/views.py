"""Pages of the outbox: webhook endpoints, deliveries and dead letters for the system
administrator, and every signed-in user's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.core.errors import DomainError, PermissionDenied
from shenguan.core.masking import mask_document
from shenguan.org import selectors as org_selectors
from shenguan.org.roles import Perm

from . import selectors, services
from .forms import DeliveryFilterForm, DisableForm, EndpointForm
from .services import REPLAYABLE

PAGE_SIZE = 50


def _require_manage(request) -> None:
    if not request.user.can(Perm.WEBHOOK_MANAGE):
        raise PermissionDenied("forbidden", _("无权管理 Webhook 订阅"))


def _page(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page with its (capped) total and page numbers (core.paging)."""
    from shenguan.core.paging import paginate

    return paginate(request, qs, size)


def _departments(user):
    return org_selectors.department_list(user=user, filters={"active": True}).order_by(
        "jurisdiction__path", "sort_order", "id"
    )


def _secret_page(request, endpoint, *, rotated: bool):
    response = render(
        request,
        "outbox/endpoint_secret.html",
        {"endpoint": endpoint, "secret": endpoint.secret, "rotated": rotated},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- endpoints ---------------------------------------------------------------------------------


@login_required
def endpoint_list(request):
    """Webhook endpoints (Webhook 订阅) of the administrator's jurisdictions."""
    _require_manage(request)
    qs = selectors.webhook_endpoint_list(user=request.user).order_by(
        "jurisdiction__path", "department__sort_order", "id"
    )
    return render(request, "outbox/endpoint_list.html", {"page": _page(request, qs)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def endpoint_create(request):
    """Add an endpoint; the new signing secret is shown once on the answer page."""
    _require_manage(request)
    form = EndpointForm(request.POST or None, departments=_departments(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ep = services.webhook_endpoint_create(
                actor=request.user,
                department=d["department"],
                url=d["url"],
                event_types=d["event_types"],
                description=d["description"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _secret_page(request, ep, rotated=False)
    return render(request, "outbox/endpoint_form.html", {"form": form, "endpoint": None})


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request, pk: int):
    """Edit an endpoint, with its actions (test, rotate secret, stop, start) and last deliveries."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    initial = {
        "url": ep.url,
        "event_types": "\n".join(ep.event_types),
        "description": ep.description,
    }
    form = EndpointForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.webhook_endpoint_update(
                actor=request.user,
                endpoint=ep,
                url=d["url"],
                event_types=d["event_types"],
                description=d["description"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("outbox:endpoint_edit", pk=ep.pk)
    recent = selectors.delivery_list(user=request.user, filters={"endpoint_id": ep.pk})[:20]
    return render(
        request,
        "outbox/endpoint_form.html",
        {
            "form": form,
            "endpoint": ep,
            "recent": recent,
            "disable_form": DisableForm(),
        },
    )


@login_required
@require_POST
def endpoint_ping(request, pk: int):
    """Send a test event to the endpoint."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    try:
        delivery = services.webhook_ping(actor=request.user, endpoint=ep)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outbox:endpoint_edit", pk=ep.pk)
    messages.success(request, _("已加入投递队列：测试推送 #%(id)s") % {"id": delivery.pk})
    return redirect("outbox:delivery_detail", pk=delivery.pk)


@login_required
@never_cache
@require_POST
def endpoint_rotate(request, pk: int):
    """Issue a new signing secret and show it once."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    ep = services.webhook_endpoint_rotate_secret(actor=request.user, endpoint=ep)
    return _secret_page(request, ep, rotated=True)


@login_required
@require_POST
def endpoint_disable(request, pk: int):
    """Stop an endpoint; its pending deliveries are cancelled."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    form = DisableForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.webhook_endpoint_disable(actor=request.user, endpoint=ep, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用该订阅，待投递的消息已取消"))
    return redirect("outbox:endpoint_edit", pk=ep.pk)


@login_required
@require_POST
def endpoint_enable(request, pk: int):
    """Start a stopped endpoint again."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    try:
        services.webhook_endpoint_enable(actor=request.user, endpoint=ep)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已启用该订阅"))
    return redirect("outbox:endpoint_edit", pk=ep.pk)


# --- deliveries --------------------------------------------------------------------------------


def _delivery_page(request, *, dead_only: bool):
    _require_manage(request)
    form = DeliveryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = (selectors.dead_letter_list if dead_only else selectors.delivery_list)(
        user=request.user, filters=filters
    )
    return render(
        request,
        "outbox/delivery_list.html",
        {
            "form": form,
            "page": _page(request, qs),
            "dead_only": dead_only,
            "counts": selectors.delivery_counts(user=request.user),
            "sweeps": selectors.sweep_state_list(user=request.user) if not dead_only else [],
            "replayable": REPLAYABLE,
        },
    )


@login_required
def delivery_list(request):
    """Every delivery (投递记录) with filters."""
    return _delivery_page(request, dead_only=False)


@login_required
def dead_letters(request):
    """Deliveries that failed after the last attempt (死信), each with a replay button."""
    return _delivery_page(request, dead_only=True)


@login_required
def delivery_detail(request, pk: int):
    """One delivery with its event and every attempt."""
    _require_manage(request)
    d = selectors.delivery_get(user=request.user, pk=pk)
    return render(
        request,
        "outbox/delivery_detail.html",
        {
            "d": d,
            "payload": mask_document(d.event.payload),
            "target": mask_document(d.target),
            "attempts": list(d.tries.all()),
            "replayable": d.status in REPLAYABLE,
        },
    )


@login_required
@require_POST
def delivery_replay(request, pk: int):
    """Queue a dead or cancelled delivery again (重新投递)."""
    _require_manage(request)
    d = selectors.delivery_get(user=request.user, pk=pk)
    try:
        services.delivery_replay(actor=request.user, delivery=d)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新加入投递队列：#%(id)s") % {"id": d.pk})
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect("outbox:delivery_detail", pk=d.pk)


# --- notifications -----------------------------------------------------------------------------


@login_required
def notification_list(request):
    """The signed-in user's notifications (站内通知): unread first view, or all."""
    show_all = request.GET.get("all") == "1"
    qs = selectors.notification_list(user=request.user, unread_only=not show_all)
    return render(
        request,
        "outbox/notification_list.html",
        {
            "page": _page(request, qs),
            "show_all": show_all,
            "unread": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; go to its link if asked."""
    n = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=n)
    if request.POST.get("open") == "1" and n.link.startswith("/") and not n.link.startswith("//"):
        return redirect(n.link)
    return redirect(
        reverse("outbox:notification_list") + ("?all=1" if request.POST.get("all") else "")
    )


@login_required
@require_POST
def notification_read_all(request):
    """Mark every unread notification read."""
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条通知标记为已读") % {"n": count})
    return redirect("outbox:notification_list")
