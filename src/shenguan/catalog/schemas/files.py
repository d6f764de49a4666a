"""API schemas of the gap report and of imports (监管空白、清单导入)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .common import DeptRef, ItemRef


class GapEntryOut(Schema):
    """An entry whose regulator has no current liaison person."""

    id: int
    seq: int
    item: ItemRef
    regulator: DeptRef


class GapSupervisionOut(Schema):
    """A supervision item used by no live entry."""

    id: int
    code: str
    name: str
    regulator: DeptRef


class GapsOut(Schema):
    """The gap report (监管空白报告)."""

    jurisdiction_id: int
    on_date: dt.date
    total: int
    items_without_entry: list[ItemRef]
    entries_without_liaison: list[GapEntryOut]
    unused_supervision_items: list[GapSupervisionOut]

    @staticmethod
    def resolve_jurisdiction_id(obj) -> int:
        return obj.jurisdiction.pk


class CatalogProblemOut(Schema):
    """One problem of an imported file."""

    row: int = Field(description="表格中的行号（从1开始；0表示整个文件）")
    column: str
    code: str
    message: str


class CatalogImportOut(Schema):
    """The result of an import or a dry run."""

    kind: str
    dry_run: bool
    ok: bool
    header_row: int | None
    rows_read: int
    records: int
    problems: list[CatalogProblemOut]
    created: dict
    batch: str
    sha256: str


class ImportErrorOut(Schema):
    """A refused import: every problem with its row and column."""

    code: str
    message: str
    field: str | None = None
    problems: list[CatalogProblemOut]
