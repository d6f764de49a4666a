"""HTTP API of the oversight app (电子监察接口): alerts with explanations and reviews, bulletins
(JSON and xlsx), the indicators of a period, supervision tasks and escalations — scoped like the
pages (oversight roles: their jurisdictions and those below; a department: its own)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import NotFound, ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org.roles import Perm

from . import selectors as sel
from . import services as svc
from .documents import XLSX, bulletin_xlsx, file_response
from .figures import period_bounds
from .indicators import period_indicators
from .schemas import (
    OversightAlertFilters,
    OversightAlertOut,
    OversightBulletinDetail,
    OversightBulletinFilters,
    OversightBulletinOut,
    OversightEscalationFilters,
    OversightEscalationOut,
    OversightExplainIn,
    OversightIndicatorFilters,
    OversightIndicatorsOut,
    OversightReviewIn,
    OversightStartIn,
    OversightSupervisionFilters,
    OversightSupervisionOut,
)

router = Router(tags=["oversight"])

READ = error_responses()
DETAIL = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)


@router.get("/alerts", response={200: Page[OversightAlertOut], **READ}, summary="监管预警列表")
def alert_list(request, filters: Query[OversightAlertFilters], page: Query[PageParams]):
    """Alerts the caller may see, newest first (departments: their own)."""
    f = filters.dict()
    f["open"] = f.get("open")
    return paginate(sel.alert_list(user=request.auth, filters=f), page)


@router.get(
    "/alerts/{int:alert_id}", response={200: OversightAlertOut, **DETAIL}, summary="预警详情"
)
def alert_detail(request, alert_id: int):
    """One alert (another department's answers 404)."""
    return sel.alert_get(user=request.auth, pk=alert_id)


@router.post(
    "/alerts/{int:alert_id}/explain",
    response={200: OversightAlertOut, **WRITE},
    summary="提交情况说明",
)
def alert_explain(request, alert_id: int, payload: OversightExplainIn):
    """The responsible department explains an alert (情况说明)."""
    a = sel.alert_get(user=request.auth, pk=alert_id)
    svc.alert_explain(actor=request.auth, alert=a, text=payload.explanation)
    return sel.alert_get(user=request.auth, pk=alert_id)


@router.post(
    "/alerts/{int:alert_id}/review", response={200: OversightAlertOut, **WRITE}, summary="核查预警"
)
def alert_review(request, alert_id: int, payload: OversightReviewIn):
    """An oversight role marks an alert verified, excused or referred (核查)."""
    a = sel.alert_get(user=request.auth, pk=alert_id)
    svc.alert_review(actor=request.auth, alert=a, review=payload.review, note=payload.note)
    return sel.alert_get(user=request.auth, pk=alert_id)


@router.get(
    "/bulletins", response={200: Page[OversightBulletinOut], **READ}, summary="定期通报列表"
)
def bulletin_list(request, filters: Query[OversightBulletinFilters], page: Query[PageParams]):
    """Bulletins the caller may see (departments: published ones)."""
    return paginate(sel.bulletin_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/bulletins/{int:bulletin_id}",
    response={200: OversightBulletinDetail, **DETAIL},
    summary="通报详情（全部数据）",
)
def bulletin_detail(request, bulletin_id: int):
    """One bulletin with every figure per department."""
    return sel.bulletin_get(user=request.auth, pk=bulletin_id)


@router.get(
    "/bulletins/{int:bulletin_id}/xlsx",
    response={200: None, **DETAIL},
    summary="通报 Excel 文件",
    openapi_extra={
        "responses": {
            200: {
                "description": "通报 Excel 文件（xlsx）",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def bulletin_file(request, bulletin_id: int):
    """The bulletin as an xlsx file (typed cells, frozen header, filters)."""
    b = sel.bulletin_get(user=request.auth, pk=bulletin_id)
    return file_response(bulletin_xlsx(b), f"{b.title}.xlsx", XLSX)


@router.get(
    "/indicators", response={200: OversightIndicatorsOut, **DETAIL}, summary="本期各部门指标"
)
def indicators(request, filters: Query[OversightIndicatorFilters]):
    """The indicators of a period, computed now: every department for oversight roles and the
    bureau head (监察看板), the caller's own department otherwise (administrators: none)."""
    user = request.auth
    jid = filters.jurisdiction_id or user.jurisdiction_id
    if jid is None or jid not in user.visible_jurisdiction_ids:
        raise NotFound()
    from shenguan.policy.selectors import params_for_jurisdiction

    today = timezone.localdate()
    default_start, _end = period_bounds(params_for_jurisdiction(jid)[0].bulletin_period, today)
    start = filters.period_start or default_start
    end = filters.period_end or today
    if end < start:
        raise ValidationFailed("bad_period", "截止日期不能早于起始日期", "period_end")
    if (end - start) > dt.timedelta(days=400):
        raise ValidationFailed("bad_period", "统计期间不得超过400天", "period_end")
    data = period_indicators(jid, start, end)
    rows = data["rows"]
    if not user.can(Perm.OVERSIGHT_DASHBOARD):
        own = user.department_id if user.can(Perm.PUSH_READ) else None
        rows = [r for r in rows if r["department_id"] == own]
    return {
        "jurisdiction_id": jid,
        "period_start": start,
        "period_end": end,
        "as_of": dt.datetime.fromisoformat(data["as_of"]),
        "rows": rows,
    }


@router.get(
    "/supervision", response={200: Page[OversightSupervisionOut], **READ}, summary="监管任务列表"
)
def supervision_list(request, filters: Query[OversightSupervisionFilters], page: Query[PageParams]):
    """Supervision tasks of the caller's department (oversight: all)."""
    return paginate(sel.supervision_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/supervision/{int:task_id}",
    response={200: OversightSupervisionOut, **DETAIL},
    summary="监管任务详情",
)
def supervision_detail(request, task_id: int):
    return sel.supervision_get(user=request.auth, pk=task_id)


@router.post(
    "/supervision/{int:task_id}/start",
    response={200: OversightSupervisionOut, **WRITE},
    summary="登记启动监管",
)
def supervision_start(request, task_id: int, payload: OversightStartIn):
    """Record that supervision started (first inspection, spot-check plan, or not to inspect)."""
    t = sel.supervision_get(user=request.auth, pk=task_id)
    svc.supervision_start(actor=request.auth, task=t, kind=payload.kind, note=payload.note)
    return sel.supervision_get(user=request.auth, pk=task_id)


@router.get(
    "/escalations", response={200: Page[OversightEscalationOut], **READ}, summary="督办列表"
)
def escalation_list(request, filters: Query[OversightEscalationFilters], page: Query[PageParams]):
    """Escalations the caller may see (oversight, the bureau, the department concerned)."""
    out = paginate(sel.escalation_list(user=request.auth, filters=filters.dict()), page)
    for e in out["items"]:
        e.visible_steps = list(sel.escalation_steps(user=request.auth, escalation=e))
    return out


@router.get(
    "/escalations/{int:escalation_id}",
    response={200: OversightEscalationOut, **DETAIL},
    summary="督办详情",
)
def escalation_detail(request, escalation_id: int):
    e = sel.escalation_get(user=request.auth, pk=escalation_id)
    e.visible_steps = list(sel.escalation_steps(user=request.auth, escalation=e))
    return e
