"""API of supervision items (监管事项)."""

from __future__ import annotations

from ninja import Query, Status

from shenguan.core.pagination import Page, PageParams, paginate

from .. import selectors, services
from ..schemas import (
    SupervisionFilters,
    SupervisionIn,
    SupervisionOut,
    SupervisionPatch,
)
from .common import DETAIL, READ, WRITE, _jurisdiction, router


@router.get(
    "/supervision-items", response={200: Page[SupervisionOut], **READ}, summary="监管事项列表"
)
def supervision_list(request, filters: Query[SupervisionFilters], page: Query[PageParams]):
    """Supervision items of the caller's jurisdictions."""
    return paginate(selectors.supervision_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/supervision-items/{int:sid}", response={200: SupervisionOut, **DETAIL}, summary="监管事项详情"
)
def supervision_detail(request, sid: int):
    """One supervision item."""
    return selectors.supervision_get(user=request.auth, pk=sid)


@router.post("/supervision-items", response={201: SupervisionOut, **WRITE}, summary="登记监管事项")
def supervision_create(request, payload: SupervisionIn):
    """Register a supervision item (code unique in the jurisdiction)."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    obj = services.supervision_item_create(
        actor=request.auth,
        jurisdiction=j,
        code=payload.code,
        name=payload.name,
        regulator=payload.regulator_id,
        division=payload.division_id,
    )
    return Status(201, selectors.supervision_get(user=request.auth, pk=obj.pk))


@router.patch(
    "/supervision-items/{int:sid}", response={200: SupervisionOut, **WRITE}, summary="修改监管事项"
)
def supervision_update(request, sid: int, payload: SupervisionPatch):
    """Change a supervision item's name, regulator, division or active flag."""
    obj = selectors.supervision_get(user=request.auth, pk=sid)
    data = payload.dict(exclude_unset=True)
    changes = {}
    for src, dst in (
        ("name", "name"),
        ("regulator_id", "regulator"),
        ("division_id", "division"),
        ("active", "active"),
    ):
        if src in data:
            changes[dst] = data[src]
    services.supervision_item_update(actor=request.auth, supervision_item=obj, **changes)
    return selectors.supervision_get(user=request.auth, pk=sid)
