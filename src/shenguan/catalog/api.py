"""HTTP API of the catalogue (事项清单接口): items and their transfer history, who handles an item,
push routes, handover memos, supervision items, the linkage list and its published versions,
change notices, the gap report, import and export.

Reads go through selectors (another jurisdiction's object answers 404); writes through services,
which allow only the bureau's catalogue managers of the jurisdiction (others: 403). Regulators
read their jurisdiction's lists and acknowledge the notices addressed to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org.selectors import jurisdiction_get

from . import exports, importers, selectors, services
from .schemas import (
    AliasIn,
    AliasOut,
    CatalogImportOut,
    CatalogVersionOut,
    EntryFilters,
    EntryIn,
    EntryOut,
    EntryPatch,
    EntryRetireIn,
    GapsOut,
    HandlingOut,
    ImportErrorOut,
    ItemDetail,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatch,
    ItemRemoveIn,
    MemoAmendIn,
    MemoDetail,
    MemoFilters,
    MemoIn,
    MemoOut,
    MemoPatch,
    MemoSignIn,
    NoticeFilters,
    NoticeIn,
    NoticeOut,
    RouteOut,
    SupervisionFilters,
    SupervisionIn,
    SupervisionOut,
    SupervisionPatch,
    TransferIn,
    TransferOut,
    VersionIn,
)

router = Router(tags=["catalog"])

READ = error_responses()
DETAIL = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)
MAX_UPLOAD = 20 * 1024 * 1024


def _jurisdiction(request, jurisdiction_id: int | None):
    jid = jurisdiction_id or request.auth.jurisdiction_id
    if jid is None:
        raise ValidationFailed("jurisdiction_required", "请指定行政区划", "jurisdiction_id")
    return jurisdiction_get(user=request.auth, pk=jid)


def _present(data: dict) -> dict:
    """The fields a PATCH body actually sent."""
    return {k: v for k, v in data.items() if v is not None}


def handling_out(h, on_date: dt.date) -> dict:
    """A Handling as the API shows it."""
    return {
        "on_date": on_date,
        "department": h.department,
        "by_bureau": h.by_bureau,
        "status": h.status,
        "since": h.since,
        "memo_id": h.memo.pk if h.memo else None,
        "memo_required": h.memo_required,
        "waiting_for_memo": h.waiting_for_memo,
        "transition_months": h.transition_months,
        "transition_ends_on": h.transition_ends_on,
        "in_transition": h.in_transition,
        "hall_window": h.hall_window,
        "reason": h.reason,
    }


# --- licensing items -------------------------------------------------------------------------


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


# --- memos -----------------------------------------------------------------------------------


@router.get("/memos", response={200: Page[MemoOut], **READ}, summary="审管衔接备忘录列表")
def memo_list(request, filters: Query[MemoFilters], page: Query[PageParams]):
    """Memos the caller's department is party to (oversight roles: all)."""
    return paginate(selectors.memo_list(user=request.auth, filters=filters.dict()), page)


@router.get("/memos/{int:memo_id}", response={200: MemoDetail, **DETAIL}, summary="备忘录详情")
def memo_detail(request, memo_id: int):
    """One memo with its items and amendments."""
    return selectors.memo_get(user=request.auth, pk=memo_id)


def _memo_content(data: dict) -> dict:
    out = _present(
        {
            k: data.get(k)
            for k in (
                "number",
                "title",
                "duty_boundary",
                "feedback_arrangement",
                "technical_support",
                "from_signatory",
                "from_signatory_title",
                "to_signatory",
                "to_signatory_title",
            )
        }
    )
    if data.get("checklist") is not None:
        out["checklist"] = data["checklist"]
    return out


@router.post("/memos", response={201: MemoDetail, **WRITE}, summary="起草审管衔接备忘录")
def memo_create(request, payload: MemoIn):
    """Draft a memo for items of one original department (related items included)."""
    data = payload.dict()
    memo = services.memo_create(
        actor=request.auth,
        from_department=data["from_department_id"],
        to_department=data["to_department_id"],
        items=data["item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return Status(201, selectors.memo_get(user=request.auth, pk=memo.pk))


@router.patch("/memos/{int:memo_id}", response={200: MemoDetail, **WRITE}, summary="修改备忘录草稿")
def memo_update(request, memo_id: int, payload: MemoPatch):
    """Edit a draft memo."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    data = payload.dict()
    services.memo_update(
        actor=request.auth,
        memo=memo,
        items=data["item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return selectors.memo_get(user=request.auth, pk=memo_id)


@router.post(
    "/memos/{int:memo_id}/sign",
    response={200: MemoDetail, **WRITE},
    summary="登记备忘录签订（自签订之日起由审批局办理）",
)
def memo_sign(request, memo_id: int, payload: MemoSignIn):
    """Record the signing; both departments are notified."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    services.memo_sign(actor=request.auth, memo=memo, **payload.dict())
    return selectors.memo_get(user=request.auth, pk=memo_id)


@router.post(
    "/memos/{int:memo_id}/amendments", response={201: MemoDetail, **WRITE}, summary="修订备忘录"
)
def memo_amend(request, memo_id: int, payload: MemoAmendIn):
    """Amend a signed memo; the previous text is kept."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    data = payload.dict()
    services.memo_amend(
        actor=request.auth,
        memo=memo,
        signed_on=data["signed_on"],
        reason=data["reason"],
        add_items=data["add_item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return Status(201, selectors.memo_get(user=request.auth, pk=memo_id))


# --- supervision items -----------------------------------------------------------------------


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


# --- linkage entries -------------------------------------------------------------------------


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


# --- change notices --------------------------------------------------------------------------


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


# --- gaps, import and export -----------------------------------------------------------------


@router.get("/gaps", response={200: GapsOut, **DETAIL}, summary="监管空白报告")
def gaps(request, jurisdiction_id: int | None = None, on_date: dt.date | None = None):
    """Approval items without entry, entries without liaison, unused supervision items."""
    jid = jurisdiction_id or request.auth.jurisdiction_id
    return selectors.gap_report(user=request.auth, jurisdiction_id=jid, on_date=on_date)


@router.post(
    "/import/{kind}",
    response={
        200: CatalogImportOut,
        201: CatalogImportOut,
        422: ImportErrorOut,
        **error_responses(400, 403, 404, 413),
    },
    summary="导入清单（xlsx/csv；先试运行，全部通过才写入）",
)
def import_file(
    request,
    kind: Literal["linkage", "items", "supervision"],
    file: Annotated[UploadedFile, File(description="xlsx 或 csv 文件")],
    dry_run: Annotated[bool, Form(description="只校验，不写入")] = True,
    mode: Annotated[
        Literal["append", "replace"], Form(description="联动清单：追加或替换")
    ] = "append",
    valid_from: Annotated[dt.date | None, Form(description="生效日期，默认今天")] = None,
    jurisdiction_id: Annotated[int | None, Form()] = None,
):
    """Validate a file (every problem with its row and column); write only if all rows pass."""
    j = _jurisdiction(request, jurisdiction_id)
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationFailed("file_too_large", "文件过大：不得超过 20 MB", "file")
    common = {"actor": request.auth, "jurisdiction": j, "source": file, "filename": file.name or ""}
    if kind == "linkage":
        report = importers.linkage_import(
            **common, dry_run=dry_run, mode=mode, valid_from=valid_from
        )
    elif kind == "items":
        report = importers.item_import(**common, dry_run=dry_run, effective_on=valid_from)
    else:
        report = importers.supervision_import(**common, dry_run=dry_run)
    return Status(200 if dry_run else 201, report.as_dict())


@router.get(
    "/export/{kind}",
    response={200: None, **error_responses(404)},
    summary="导出清单（xlsx 或 csv）",
)
def export_file(
    request,
    kind: Literal["linkage", "items", "supervision"],
    format: Literal["xlsx", "csv"] = "xlsx",
    jurisdiction_id: int | None = None,
    q: str | None = None,
    department_id: int | None = None,
    item: str | None = None,
    code: str | None = None,
    status: str | None = None,
):
    """The list as a file in the layout the importer reads (phones masked)."""
    actor = request.auth
    if kind == "linkage":
        f = {
            "jurisdiction_id": jurisdiction_id,
            "q": q,
            "department_id": department_id,
            "item": item,
            "code": code,
        }
        rows = exports.linkage_rows(
            selectors.entry_list(user=actor, filters=f).iterator(chunk_size=2000)
        )
        return exports.file_response(format, "审管联动事项清单", exports.LINKAGE_HEADERS, rows)
    if kind == "items":
        f = {
            "jurisdiction_id": jurisdiction_id,
            "q": q,
            "department_id": department_id,
            "status": status,
            "active": True,
        }
        rows = exports.item_rows(
            selectors.item_list(user=actor, filters=f).iterator(chunk_size=2000)
        )
        return exports.file_response(format, "行政许可事项目录", exports.ITEM_HEADERS, rows)
    f = {"jurisdiction_id": jurisdiction_id, "q": q, "regulator_id": department_id}
    rows = exports.supervision_rows(
        selectors.supervision_list(user=actor, filters=f).iterator(chunk_size=2000)
    )
    return exports.file_response(format, "监管事项目录", exports.SUPERVISION_HEADERS, rows)
