"""API of the gap report, import and export (监管空白、清单导入导出)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import File, Form, Status, UploadedFile

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ValidationFailed

from .. import exports, importers, selectors
from ..schemas import (
    CatalogImportOut,
    GapsOut,
    ImportErrorOut,
)
from .common import DETAIL, MAX_UPLOAD, _jurisdiction, router


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
