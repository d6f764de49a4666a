"""Pages of e-monitoring: the dashboard (监察看板), alerts with explanations and reviews, the
lists behind every number, and the annual scores."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shenguan.core.deadlines import deadline_kinds
from shenguan.core.errors import DomainError, NotFound, PermissionDenied
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import Perm

from .. import selectors as sel
from .. import services as svc
from ..indicators import FIGURE_LABELS
from ..models import AlertLevel, AlertReview
from ..scores import annual_scores
from ._common import back, date_param, flag_param, int_param, page_of, show_error

CHART_FIGURES = ("pushes_received", "claimed_on_time", "claimed_late", "auto_claimed")


@login_required
@require_GET
def dashboard(request):
    """The monitoring dashboard of a jurisdiction: charts, each with its table; every number
    links to the list that produced it."""
    j = sel.dashboard_jurisdiction(user=request.user, jurisdiction_id=request.GET.get("j"))
    data = sel.dashboard_data(user=request.user, jurisdiction=j)
    kinds = {k.code: str(k.label) for k in deadline_kinds()}
    by_kind = [
        {
            "code": code,
            "label": kinds.get(code, code),
            "yellow": v.get("yellow", 0),
            "red": v.get("red", 0),
        }
        for code, v in sorted(
            data["alerts"]["by_kind"].items(), key=lambda kv: kinds.get(kv[0], "")
        )
    ]
    rows = data["indicators"]["rows"]
    period = data["period"]
    charts = {
        "alerts_by_kind": {
            "type": "bar_stacked",
            "categories": [r["label"] for r in by_kind],
            "series": [
                {"name": _("黄灯"), "data": [r["yellow"] for r in by_kind], "color": "#d99a00"},
                {"name": _("红灯"), "data": [r["red"] for r in by_kind], "color": "#c0392b"},
            ],
        },
        "weekly": {
            "type": "bar_line",
            "categories": [w["week"][5:] for w in data["weeks"]],
            "series": [
                {"name": _("收到推送"), "data": [w["received"] for w in data["weeks"]]},
                {"name": _("按时认领"), "data": [w["on_time"] for w in data["weeks"]]},
                {
                    "name": _("按时认领率"),
                    "data": [
                        None if w["rate"] is None else round(w["rate"] * 100, 1)
                        for w in data["weeks"]
                    ],
                    "line": True,
                },
            ],
        },
        "departments": {
            "type": "bar_horizontal",
            "categories": [r["department"] for r in rows],
            "series": [
                {
                    "name": _("按时认领率"),
                    "data": [
                        None if r["on_time_rate"] is None else round(r["on_time_rate"] * 100, 1)
                        for r in rows
                    ],
                }
            ],
        },
    }
    children = Jurisdiction.objects.filter(pk__in=request.user.visible_jurisdiction_ids).order_by(
        "path"
    )
    return render(
        request,
        "oversight/dashboard.html",
        {
            "data": data,
            "j": j,
            "by_kind": by_kind,
            "rows": rows,
            "period": period,
            "charts": charts,
            "jurisdictions": children,
            "is_oversight": request.user.is_oversight,
            "labels": FIGURE_LABELS,
        },
    )


def _alert_filters(request) -> dict:
    g = request.GET
    level = g.get("level") if g.get("level") in AlertLevel.values else ""
    review = g.get("review") if g.get("review") in [*AlertReview.values, "none"] else ""
    return {
        "level": level,
        "kind": (g.get("kind") or "")[:48],
        "department_id": int_param(g.get("department")),
        "jurisdiction_id": int_param(g.get("j")),
        "open": flag_param(g.get("open")),
        "late": flag_param(g.get("late")),
        "review": review,
        "explained": flag_param(g.get("explained")),
        "raised_from": date_param(g.get("raised_from")),
        "raised_to": date_param(g.get("raised_to")),
    }


@login_required
@require_GET
def alert_list(request):
    """Alerts the user may see, filtered (every dashboard number links here)."""
    f = _alert_filters(request)
    qs = sel.alert_list(user=request.user, filters=f)
    page = page_of(request, qs)
    for a in page["items"]:
        a.kind_label = sel.kind_label(a.kind)
        a.link = sel.alert_url(a)
    depts = Department.objects.restrict(request.user).order_by("jurisdiction__path", "sort_order")
    if not request.user.is_oversight:
        depts = depts.filter(pk=request.user.department_id)
    return render(
        request,
        "oversight/alert_list.html",
        {
            "page": page,
            "filters": f,
            "kinds": [(k.code, str(k.label)) for k in deadline_kinds()],
            "levels": AlertLevel.choices,
            "reviews": AlertReview.choices[1:],
            "departments": depts,
        },
    )


@login_required
@require_GET
def alert_detail(request, pk: int):
    """One alert: the deadline, its closing, the explanation, the review."""
    a = sel.alert_get(user=request.user, pk=pk)
    a.kind_label = sel.kind_label(a.kind)
    a.link = sel.alert_url(a)
    user = request.user
    return render(
        request,
        "oversight/alert_detail.html",
        {
            "a": a,
            "can_explain": user.can(Perm.ALERT_EXPLAIN)
            and user.department_id == a.department_id
            and not a.review,
            "can_review": user.can(Perm.ALERT_REVIEW) and not a.review,
            "reviews": AlertReview.choices[1:],
        },
    )


@login_required
@require_POST
def alert_explain(request, pk: int):
    a = sel.alert_get(user=request.user, pk=pk)
    try:
        svc.alert_explain(actor=request.user, alert=a, text=request.POST.get("explanation", ""))
        messages.success(request, _("情况说明已提交"))
    except DomainError as exc:
        show_error(request, exc)
    return back(request, f"/oversight/alerts/{a.pk}/")


@login_required
@require_POST
def alert_review(request, pk: int):
    a = sel.alert_get(user=request.user, pk=pk)
    try:
        svc.alert_review(
            actor=request.user,
            alert=a,
            review=request.POST.get("review", ""),
            note=request.POST.get("review_note", ""),
        )
        messages.success(request, _("核查结论已记录"))
    except DomainError as exc:
        show_error(request, exc)
    return back(request, f"/oversight/alerts/{a.pk}/")


STATUS_LABELS = {
    "": "全部",
    "on_time": "按时认领",
    "late": "逾期人工认领",
    "timeout": "超时自动认领",
    "open": "未认领",
}


@login_required
@require_GET
def claim_list(request):
    """The pushes behind a claim figure (department, period, status)."""
    dept = int_param(request.GET.get("department"))
    start = date_param(request.GET.get("from"))
    end = date_param(request.GET.get("to"))
    if dept is None or start is None or end is None or end < start:
        raise NotFound()
    if not (request.user.is_oversight or request.user.can(Perm.OVERSIGHT_DASHBOARD)):
        raise PermissionDenied("forbidden", "无权查看")
    department = (
        Department.objects.filter(
            pk=dept, jurisdiction_id__in=request.user.visible_jurisdiction_ids
        )
        .select_related("jurisdiction")
        .first()
    )
    if department is None:
        raise NotFound()
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    overdue = flag_param(request.GET.get("overdue"))
    qs = sel.claim_pushes(
        user=request.user,
        department_id=dept,
        start=start,
        end=end,
        status=status,
        overdue=overdue,
    )
    return render(
        request,
        "oversight/claim_list.html",
        {
            "page": page_of(request, qs),
            "department": department,
            "start": start,
            "end": end,
            "status_label": _(STATUS_LABELS[status]),
            "overdue": overdue,
        },
    )


@login_required
@require_GET
def scores(request):
    """The annual assessment scores of a jurisdiction, line by line (年度绩效考核)."""
    j = sel.dashboard_jurisdiction(user=request.user, jurisdiction_id=request.GET.get("j"))
    year = int_param(request.GET.get("year")) or timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    result = annual_scores(j.pk, year)
    return render(
        request,
        "oversight/scores.html",
        {
            "result": result,
            "j": j,
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            "jurisdictions": Jurisdiction.objects.filter(
                pk__in=request.user.visible_jurisdiction_ids
            ).order_by("path"),
            "today": dt.date.today(),
        },
    )
