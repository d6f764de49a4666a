"""HTTP API of the public lists (公开信息接口), without authentication: the same rows as the
public pages — transferred items with today's handler, retained hall items, items planned for a
later batch, and the published linkage list (latest version, or ?version=N)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shenguan.catalog import selectors as catalog
from shenguan.catalog.models import PowerType, PushMethod, Stage, TransferStatus
from shenguan.core.api_errors import error_responses
from shenguan.core.errors import NotFound
from shenguan.core.pagination import Page, PageParams, paginate

router = Router(tags=["public"])


class PublicJurisdiction(Schema):
    """A jurisdiction with published lists."""

    code: str
    name: str


class PublicFilters(Schema):
    """Filters of the public lists."""

    department_id: int | None = Field(None, description="部门ID")
    item: str | None = Field(None, max_length=100, description="事项名称或编码包含")
    code: str | None = Field(None, max_length=40, description="监管事项编码包含（联动清单）")
    q: str | None = Field(None, max_length=100, description="关键词")


class PublicItem(Schema):
    """A catalogue item as published."""

    code: str
    name: str
    power_type: PowerType
    original_department: str
    main_item: str | None = Field(None, description="所属主项（关联事项）")
    status: TransferStatus
    status_effective_on: dt.date | None
    handler: str | None = Field(None, description="今日办理部门（已划转事项）")
    handler_since: dt.date | None = None
    transition_ends_on: dt.date | None = None
    reason: str = ""
    hall_window: str = ""
    batch_name: str = ""
    planned_on: dt.date | None = None


class PublicSupervision(Schema):
    """A supervision item on a published entry."""

    code: str
    name: str


class PublicEntry(Schema):
    """An entry of the published linkage list."""

    seq: int
    approval_department: str
    approval_division: str | None
    item: str
    item_code: str
    regulator: str
    regulator_division: str | None
    supervision_items: list[PublicSupervision]
    power_type: PowerType
    stages: list[Stage]
    approval_duties: str
    supervision_duties: str
    push_method: PushMethod


def _jurisdiction(code: str):
    return get_object_or_404(catalog.public_jurisdictions(), code=code)


def _items(code: str, status: str, f: PublicFilters, page: PageParams) -> dict:
    j = _jurisdiction(code)
    qs = catalog.public_items(j, status, {"q": f.q or f.item, "department_id": f.department_id})
    out = paginate(qs, page)
    handling = catalog.handling_bulk(out["items"], on_date=timezone.localdate())
    rows = []
    for it in out["items"]:
        rec = it.current_transfer
        h = handling[it.pk]
        rows.append(
            {
                "code": it.code,
                "name": it.name,
                "power_type": it.power_type,
                "original_department": it.original_department.name,
                "main_item": it.main_item.name if it.main_item_id else None,
                "status": it.transfer_status,
                "status_effective_on": it.transfer_effective_on,
                "handler": h.department.name if status == TransferStatus.TRANSFERRED else None,
                "handler_since": h.since if status == TransferStatus.TRANSFERRED else None,
                "transition_ends_on": h.transition_ends_on,
                "reason": rec.reason if rec else "",
                "hall_window": rec.hall_window if rec else "",
                "batch_name": rec.batch_name if rec else "",
                "planned_on": rec.planned_on if rec else None,
            }
        )
    out["items"] = rows
    return out


@router.get(
    "/jurisdictions", auth=None, response=list[PublicJurisdiction], summary="有公开清单的行政区划"
)
def jurisdictions(request):
    """Jurisdictions whose catalogue or linkage list is published."""
    return list(catalog.public_jurisdictions())


@router.get(
    "/{code}/transferred",
    auth=None,
    response={200: Page[PublicItem], **error_responses(404)},
    summary="已划转事项（含今日办理部门与划转日期）",
)
def transferred(request, code: str, f: Query[PublicFilters], page: Query[PageParams]):
    """Transferred items with the department handling them today and since when."""
    return _items(code, TransferStatus.TRANSFERRED, f, page)


@router.get(
    "/{code}/retained",
    auth=None,
    response={200: Page[PublicItem], **error_responses(404)},
    summary="暂不划转（进驻大厅）事项",
)
def retained(request, code: str, f: Query[PublicFilters], page: Query[PageParams]):
    """Items retained in the service hall, with reason and window."""
    return _items(code, TransferStatus.RETAINED, f, page)


@router.get(
    "/{code}/planned",
    auth=None,
    response={200: Page[PublicItem], **error_responses(404)},
    summary="分批划转事项",
)
def planned(request, code: str, f: Query[PublicFilters], page: Query[PageParams]):
    """Items to be transferred in a later batch."""
    return _items(code, TransferStatus.PLANNED, f, page)


@router.get(
    "/{code}/linkage",
    auth=None,
    response={200: Page[PublicEntry], **error_responses(404)},
    summary="审管联动事项清单（已公布版本）",
)
def linkage(
    request, code: str, f: Query[PublicFilters], page: Query[PageParams], version: int | None = None
):
    """The published linkage list: the latest version or a given version number."""
    j = _jurisdiction(code)
    versions = catalog.public_versions(j)
    v = versions.filter(number=version).first() if version else versions.first()
    if v is None:
        raise NotFound("该版本不存在或尚未公布清单", "version_not_found", "version")
    qs = catalog.version_entries(
        v, {"department_id": f.department_id, "item": f.item, "code": f.code, "q": f.q}
    )
    out = paginate(qs, page)
    out["items"] = [
        {
            "seq": e.seq,
            "approval_department": e.approval_department.name,
            "approval_division": e.approval_division.name if e.approval_division_id else None,
            "item": e.item.name,
            "item_code": e.item.code,
            "regulator": e.regulator.name,
            "regulator_division": e.regulator_division.name if e.regulator_division_id else None,
            "supervision_items": [link.supervision_item for link in e.links.all()],
            "power_type": e.power_type,
            "stages": e.stages or [],
            "approval_duties": e.approval_duties,
            "supervision_duties": e.supervision_duties,
            "push_method": e.push_method,
        }
        for e in out["items"]
    ]
    return out
