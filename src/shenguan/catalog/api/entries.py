"""API of the linkage list, its versions and department aliases (审管联动事项清单)."""

from __future__ import annotations

from ninja import Query, Status

from shenguan.core.pagination import Page, PageParams, paginate

from .. import selectors, services
from ..schemas import (
    AliasIn,
    AliasOut,
    CatalogVersionOut,
    EntryFilters,
    EntryIn,
    EntryOut,
    EntryPatch,
    EntryRetireIn,
    VersionIn,
)
from .common import DETAIL, READ, WRITE, _jurisdiction, router


@router.get("/entries", response={200: Page[EntryOut], **READ}, summary="审管联动事项清单")
def entry_list(request, filters: Query[EntryFilters], page: Query[PageParams]):
    """Entries live on a date (default today), filtered by department, item or code."""
    f = filters.dict()
    on_date, include_ended = f.pop("on_date"), f.pop("include_ended")
    qs = selectors.entry_list(
        user=request.auth, filters=f, on_date=on_date, include_ended=include_ended
    )
    return paginate(qs, page)


@router.get("/entries/{int:entry_id}", response={200: EntryOut, **DETAIL}, summary="联动事项详情")
def entry_detail(request, entry_id: int):
    """One linkage entry."""
    return selectors.entry_get(user=request.auth, pk=entry_id)


_ENTRY_MAP = {
    "item_id": "item",
    "regulator_id": "regulator",
    "supervision_item_ids": "supervision_items",
    "approval_department_id": "approval_department",
    "approval_division_id": "approval_division",
    "regulator_division_id": "regulator_division",
}


@router.post("/entries", response={201: EntryOut, **WRITE}, summary="新增审管联动事项")
def entry_create(request, payload: EntryIn):
    """Add an entry; the regulator is notified."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    data = payload.dict()
    data.pop("jurisdiction_id")
    fields = {_ENTRY_MAP.get(k, k): v for k, v in data.items()}
    if fields.get("seq") is None:
        fields.pop("seq", None)
    e = services.entry_create(actor=request.auth, jurisdiction=j, **fields)
    return Status(201, selectors.entry_get(user=request.auth, pk=e.pk))


@router.patch(
    "/entries/{int:entry_id}",
    response={200: EntryOut, **WRITE},
    summary="调整审管联动事项（已公布的条目自生效日起由新条目替代）",
)
def entry_update(request, entry_id: int, payload: EntryPatch):
    """Change an entry; answers the entry in force from the effective date."""
    entry = selectors.entry_get(user=request.auth, pk=entry_id)
    data = payload.dict(exclude_unset=True)
    effective_on = data.pop("effective_on", None)
    fields = {_ENTRY_MAP.get(k, k): v for k, v in data.items()}
    new = services.entry_update(
        actor=request.auth, entry=entry, effective_on=effective_on, **fields
    )
    return selectors.entry_get(user=request.auth, pk=new.pk)


@router.post(
    "/entries/{int:entry_id}/retire", response={200: EntryOut, **WRITE}, summary="删减审管联动事项"
)
def entry_retire(request, entry_id: int, payload: EntryRetireIn):
    """End an entry from a date; the regulator is notified."""
    entry = selectors.entry_get(user=request.auth, pk=entry_id)
    services.entry_retire(
        actor=request.auth, entry=entry, effective_on=payload.effective_on, reason=payload.reason
    )
    return selectors.entry_get(user=request.auth, pk=entry_id)


@router.get(
    "/versions", response={200: Page[CatalogVersionOut], **READ}, summary="清单发布版本列表"
)
def version_list(request, page: Query[PageParams], jurisdiction_id: int | None = None):
    """Published versions, newest first."""
    return paginate(
        selectors.version_list(user=request.auth, jurisdiction_id=jurisdiction_id), page
    )


@router.get(
    "/versions/{int:version_id}/entries",
    response={200: Page[EntryOut], **DETAIL},
    summary="某一发布版本的清单条目",
)
def version_entries(
    request, version_id: int, filters: Query[EntryFilters], page: Query[PageParams]
):
    """The entries as published in a version (old versions stay readable)."""
    version = selectors.version_get(user=request.auth, pk=version_id)
    f = filters.dict()
    f.pop("on_date")
    f.pop("include_ended")
    return paginate(selectors.version_entries(version, f), page)


@router.post(
    "/versions", response={201: CatalogVersionOut, **WRITE}, summary="公布清单（生成新版本）"
)
def version_publish(request, payload: VersionIn):
    """Publish the live list as a dated version."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    v = services.list_publish(
        actor=request.auth,
        jurisdiction=j,
        title=payload.title,
        published_on=payload.published_on,
        note=payload.note,
    )
    return Status(201, v)


@router.get("/aliases", response={200: list[AliasOut], **READ}, summary="部门别名列表")
def alias_list(request):
    """Other names of departments recognised by imports."""
    return list(selectors.alias_list(user=request.auth))


@router.post("/aliases", response={201: AliasOut, **WRITE}, summary="登记部门别名")
def alias_set(request, payload: AliasIn):
    """Record another name of a department for imports."""
    j = _jurisdiction(request, payload.jurisdiction_id)
    obj = services.department_alias_set(
        actor=request.auth, jurisdiction=j, alias=payload.alias, department=payload.department_id
    )
    return Status(201, obj)
