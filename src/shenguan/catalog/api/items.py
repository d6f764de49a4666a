"""API of licensing items: list, detail, writes, transfers, handler and routes (行政许可事项)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Status

from shenguan.core.pagination import Page, PageParams, paginate

from .. import selectors, services
from ..schemas import (
    HandlingOut,
    ItemDetail,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatch,
    ItemRemoveIn,
    RouteOut,
    TransferIn,
    TransferOut,
)
from .common import DETAIL, READ, WRITE, _jurisdiction, handling_out, router


@router.get("/items", response={200: Page[ItemOut], **READ}, summary="行政许可事项列表")
def item_list(request, filters: Query[ItemFilters], page: Query[PageParams]):
    """The catalogue of the caller's jurisdictions, filtered."""
    return paginate(selectors.item_list(user=request.auth, filters=filters.dict()), page)


def _item_detail(request, pk: int):
    item = selectors.item_get(user=request.auth, pk=pk)
    today = timezone.localdate()
    item.related_items_list = list(item.related_items.filter(active=True).order_by("id"))
    item.transfers_list = list(selectors.transfer_list(user=request.auth, item=item))
    item.handling_out = handling_out(selectors.item_handling(item=item, on_date=today), today)
    return {
        **ItemOut.from_orm(item).dict(),
        "related_items": item.related_items_list,
        "transfers": item.transfers_list,
        "handling": item.handling_out,
    }


@router.get("/items/{int:item_id}", response={200: ItemDetail, **DETAIL}, summary="事项详情")
def item_detail(request, item_id: int):
    """One item with related items, transfer history and who handles it today."""
    return _item_detail(request, item_id)


@router.post("/items", response={201: ItemDetail, **WRITE}, summary="新增审批事项")
def item_create(request, payload: ItemIn):
    """Add an item; the affected regulator receives a change notice (002 §20)."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    data = payload.dict()
    for k in ("jurisdiction_id",):
        data.pop(k)
    data["original_department"] = data.pop("original_department_id")
    data["main_item"] = data.pop("main_item_id")
    item = services.item_create(actor=request.auth, jurisdiction=j, **data)
    return Status(201, _item_detail(request, item.pk))


@router.patch("/items/{int:item_id}", response={200: ItemDetail, **WRITE}, summary="调整审批事项")
def item_update(request, item_id: int, payload: ItemPatch):
    """Change an item's data; regulators are notified with the effective date."""
    item = selectors.item_get(user=request.auth, pk=item_id)
    data = payload.dict(exclude_unset=True)
    effective_on = data.pop("effective_on", None)
    if "original_department_id" in data:
        data["original_department"] = data.pop("original_department_id")
    if "main_item_id" in data:
        data["main_item"] = data.pop("main_item_id")
    services.item_update(actor=request.auth, item=item, effective_on=effective_on, **data)
    return _item_detail(request, item_id)


@router.post(
    "/items/{int:item_id}/remove", response={200: ItemDetail, **WRITE}, summary="删减审批事项"
)
def item_remove(request, item_id: int, payload: ItemRemoveIn):
    """Remove an item from a date; its live linkage entries end that day."""
    item = selectors.item_get(user=request.auth, pk=item_id)
    services.item_remove(
        actor=request.auth, item=item, effective_on=payload.effective_on, reason=payload.reason
    )
    return _item_detail(request, item_id)


@router.post(
    "/items/{int:item_id}/transfers",
    response={201: TransferOut, **WRITE},
    summary="登记划转状态变更（关联事项随主项）",
)
def transfer_record(request, item_id: int, payload: TransferIn):
    """Record a dated transfer status; related items move with a main item unless excluded."""
    item = selectors.item_get(user=request.auth, pk=item_id)
    data = payload.dict()
    data["receiving_department"] = data.pop("receiving_department_id")
    rec = services.transfer_record(actor=request.auth, item=item, **data)
    return Status(201, rec)


@router.get(
    "/items/{int:item_id}/handler",
    response={200: HandlingOut, **DETAIL},
    summary="某日的办理部门（备忘录签订之日起由审批局办理）",
)
def item_handler(request, item_id: int, on_date: dt.date | None = None):
    """Who handles the item on a date (004 三(三)2), with the transition period."""
    item = selectors.item_get(user=request.auth, pk=item_id)
    day = on_date or timezone.localdate()
    return handling_out(selectors.item_handling(item=item, on_date=day), day)


@router.get(
    "/items/{int:item_id}/routes",
    response={200: list[RouteOut], **DETAIL},
    summary="审批结果推送路由（空列表即监管空白）",
)
def item_routes(request, item_id: int, on_date: dt.date | None = None):
    """The regulators a completed approval of the item goes to, by the live linkage list."""
    item = selectors.item_get(user=request.auth, pk=item_id)
    return [
        {
            "entry_id": r.entry_id,
            "regulator": r.regulator,
            "regulator_division": r.regulator_division,
            "approval_department": r.approval_department,
            "supervision_items": list(r.supervision_items),
            "push_method": r.push_method,
            "stages": list(r.stages),
            "via_main": r.via_main,
        }
        for r in selectors.linkage_routes(item=item, on_date=on_date)
    ]
