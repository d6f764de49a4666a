"""The audit viewer (审计日志) for the audit administrator: filtered list, detail with before and
after side by side, chain verification, the chain head, and a CSV export of the filtered list."""

from __future__ import annotations

import json

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from shenguan.core.sheets import CSV_TYPE, content_disposition, csv_lines
from shenguan.org.roles import Perm
from shenguan.org.views import page_of, require_perm

from . import labels, selectors
from .models import Outcome
from .schemas import mask_personal, selector_filters, verify_message
from .services import audit_record

EXPORT_LIMIT = 200_000


class AuditFilterForm(forms.Form):
    """Filters of the audit viewer."""

    action = forms.CharField(
        required=False, max_length=64, label=_lazy("动作前缀"), help_text=_lazy("如 org.user、auth")
    )
    actor = forms.CharField(required=False, max_length=150, label=_lazy("操作者"))
    object_type = forms.CharField(required=False, max_length=64, label=_lazy("对象类型"))
    object_id = forms.CharField(required=False, max_length=64, label=_lazy("对象ID"))
    outcome = forms.ChoiceField(
        choices=[("", _lazy("全部")), *list(Outcome.choices)], required=False, label=_lazy("结果")
    )
    since = forms.DateField(
        required=False, label=_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label=_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> dict:
        """Selector filters for the valid part of the input (dates as UTC instants)."""
        if not self.is_valid():
            return {"_invalid": True}
        return selector_filters(self.cleaned_data)


def _events(request):
    form = AuditFilterForm(request.GET or None)
    f = form.filters() if request.GET else {}
    if f.pop("_invalid", False):
        return form, selectors.audit_event_list(user=request.user).none()
    return form, selectors.audit_event_list(user=request.user, filters=f)


def _side_by_side(before, after) -> list[dict]:
    before = mask_personal(before) if isinstance(before, dict) else before
    after = mask_personal(after) if isinstance(after, dict) else after
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    b, a = before or {}, after or {}
    rows = []
    for k in sorted(set(b) | set(a)):
        bv, av = b.get(k), a.get(k)
        rows.append(
            {
                "key": k,
                "before": "—" if k not in b else json.dumps(bv, ensure_ascii=False),
                "after": "—" if k not in a else json.dumps(av, ensure_ascii=False),
                "changed": bv != av,
            }
        )
    return rows


@require_perm(Perm.AUDIT_VIEW)
def event_list(request):
    """Audit events of the auditor's jurisdictions, newest first, with filters."""
    form, qs = _events(request)
    query = request.GET.copy()
    query.pop("page", None)
    page = page_of(request, qs)
    labels.annotate(page["items"])
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "head": selectors.audit_head(),
            "export_query": query.urlencode(),
        },
    )


@require_perm(Perm.AUDIT_VIEW)
def event_detail(request, seq: int):
    """One event: who, when, what, and the before/after snapshots side by side."""
    ev = selectors.audit_event_get(user=request.user, seq=seq)
    labels.annotate([ev])
    return render(
        request,
        "audit/event_detail.html",
        {
            "ev": ev,
            "rows": _side_by_side(ev.before, ev.after),
        },
    )


@require_perm(Perm.AUDIT_VIEW)
@require_POST
def verify(request):
    """Re-walk the whole chain: OK, or the first broken link. The check itself is audited."""
    result = selectors.audit_verify()
    audit_record(
        actor=request.user,
        action="audit.verify",
        after={"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq},
    )
    template = "audit/_verify_result.html" if request.htmx else "audit/verify.html"
    return render(request, template, {"result": result, "message": verify_message(result)})


@require_perm(Perm.AUDIT_VIEW)
def export_csv(request):
    """The filtered list as CSV (UTF-8 with BOM for spreadsheet programs); audited."""
    _form, qs = _events(request)
    audit_record(
        actor=request.user,
        action="audit.export",
        after={"filters": {k: v for k, v in request.GET.items() if v}},
    )
    tz = timezone.get_default_timezone()

    header = [
        _("序号"),
        _("时间"),
        _("操作者类型"),
        _("操作者"),
        _("部门ID"),
        _("行政区划ID"),
        _("动作"),
        _("对象类型"),
        _("对象ID"),
        _("结果"),
        _("请求ID"),
        _("地址"),
        _("变更前"),
        _("变更后"),
        _("哈希"),
    ]

    def data():
        for ev in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                ev.seq,
                ev.at.astimezone(tz).replace(tzinfo=None),
                ev.actor_kind,
                ev.actor_name,
                ev.department_id or "",
                ev.jurisdiction_id or "",
                ev.action,
                ev.object_type,
                ev.object_id,
                ev.get_outcome_display(),
                ev.request_id,
                ev.ip,
                _json(ev.before),
                _json(ev.after),
                ev.hash,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # through the one formula-safe writer (ADR 0043): actor names and JSON are user data
    response = StreamingHttpResponse(csv_lines(header, data()), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{_('审计日志')}-{stamp}.csv", f"audit-{stamp}.csv"
    )
    response["Cache-Control"] = "no-store"
    return response


def _json(value) -> str:
    if value is None:
        return ""
    return json.dumps(mask_personal(value), ensure_ascii=False, sort_keys=True)
