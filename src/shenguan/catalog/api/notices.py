"""API of change notices (变更函告)."""

from __future__ import annotations

from ninja import Query, Status

from shenguan.core.pagination import Page, PageParams, paginate

from .. import selectors, services
from ..schemas import (
    NoticeFilters,
    NoticeIn,
    NoticeOut,
)
from .common import DETAIL, READ, WRITE, _jurisdiction, router


@router.get("/notices", response={200: Page[NoticeOut], **READ}, summary="变更函告列表")
def notice_list(request, filters: Query[NoticeFilters], page: Query[PageParams]):
    """Notices sent by or addressed to the caller's department."""
    return paginate(selectors.notice_list(user=request.auth, filters=filters.dict()), page)


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, **DETAIL}, summary="函告详情")
def notice_detail(request, notice_id: int):
    """One change notice with its recipients."""
    return selectors.notice_get(user=request.auth, pk=notice_id)


@router.post("/notices", response={201: NoticeOut, **WRITE}, summary="发出变更函告")
def notice_create(request, payload: NoticeIn):
    """Pre-notify regulators of a planned change by hand (002 §20)."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    n = services.change_notice_create(
        actor=request.auth,
        jurisdiction=j,
        kind=payload.kind,
        summary=payload.summary,
        effective_on=payload.effective_on,
        departments=payload.department_ids,
        item=payload.item_id,
    )
    return Status(201, selectors.notice_get(user=request.auth, pk=n.pk))


@router.post(
    "/notices/{int:notice_id}/acknowledge",
    response={200: NoticeOut, **WRITE},
    summary="确认收到函告",
)
def notice_acknowledge(request, notice_id: int):
    """A regulator confirms it has read a notice addressed to it."""
    notice = selectors.notice_get(user=request.auth, pk=notice_id)
    services.change_notice_acknowledge(actor=request.auth, notice=notice)
    return selectors.notice_get(user=request.auth, pk=notice_id)
