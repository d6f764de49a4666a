"""Streaming readers and writers of spreadsheets (xlsx via openpyxl read-only/write-only, csv).

Rows come out one at a time, so memory does not grow with the file. Merged cells are resolved
while streaming: openpyxl's read-only mode does not expose merged ranges, so they are read from
the sheet XML with an incremental parser and the top-left value is copied into the other cells.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import iterparse

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries

from shenguan.core.errors import BadRequest

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class SheetRow:
    """One row of a sheet: its 1-based number, cell texts, and which cells came from a merge."""

    number: int
    cells: tuple[str, ...]
    merged: frozenset[int]  # 0-based column indexes filled from a merged range (not top-left)


def cell_text(value) -> str:
    """A cell value as text: integers without '.0', dates as ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sniff_kind(head: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv', from the first bytes (a zip archive is xlsx) or the file name."""
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".xls"):
        raise BadRequest("xls_unsupported", "不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv", "file")
    return "csv"


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, read incrementally."""
    out = []
    with archive.open(sheet_path) as src:
        for _event, elem in iterparse(src, events=("end",)):  # noqa: S314
            tag = elem.tag
            if tag == f"{_NS_MAIN}mergeCell":
                ref = elem.get("ref")
                if ref:
                    with contextlib.suppress(ValueError):
                        out.append(range_boundaries(ref))
            if tag in (f"{_NS_MAIN}row", f"{_NS_MAIN}mergeCell", f"{_NS_MAIN}c"):
                elem.clear()
    return out


def iter_xlsx(fileobj) -> Iterator[SheetRow]:
    """Rows of the first worksheet of an xlsx file, merged cells filled from their top-left."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadRequest(
            "bad_xlsx", "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式", "file"
        ) from exc
    try:
        ws = wb.worksheets[0]
        ranges: list[tuple[int, int, int, int]] = []
        path = getattr(ws, "_worksheet_path", None)
        archive = getattr(wb, "_archive", None)
        if path and archive is not None:
            ranges = _merged_ranges(archive, path)
        ranges.sort(key=lambda r: (r[1], r[0]))
        ws.reset_dimensions()
        pending = list(ranges)  # not started yet (sorted by first row)
        active: list[list] = []  # [min_col, min_row, max_col, max_row, value]
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            while pending and pending[0][1] <= number:
                r = pending.pop(0)
                active.append([r[0], r[1], r[2], r[3], None])
            merged: set[int] = set()
            still = []
            for rng in active:
                c0, r0, c1, r1, value = rng
                if number > r1:
                    continue
                still.append(rng)
                if len(cells) < c1:
                    cells.extend([""] * (c1 - len(cells)))
                if number == r0:
                    rng[4] = value = cells[c0 - 1]
                for col in range(c0, c1 + 1):
                    if number == r0 and col == c0:
                        continue
                    cells[col - 1] = value or ""
                    merged.add(col - 1)
            active = still
            yield SheetRow(number, tuple(cells), frozenset(merged))
    finally:
        wb.close()


def iter_csv(fileobj) -> Iterator[SheetRow]:
    """Rows of a CSV file in UTF-8 (with or without BOM) or GB18030 (Excel's Chinese default)."""
    raw = fileobj.read()
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise BadRequest(
                    "bad_encoding", "CSV 文件编码无法识别，请使用 UTF-8 或 GB18030", "file"
                ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield SheetRow(number, tuple(row), frozenset())


def iter_rows(fileobj, filename: str = "") -> Iterator[SheetRow]:
    """Rows of an uploaded spreadsheet, xlsx or csv (decided by its first bytes)."""
    head = fileobj.read(8)
    fileobj.seek(0)
    if sniff_kind(head, filename) == "xlsx":
        return iter_xlsx(fileobj)
    return iter_csv(fileobj)


# --- writers ---------------------------------------------------------------------------------


def write_xlsx(
    headers: list[str], rows: Iterable[list], *, title: str = "", sheet: str = "Sheet1"
) -> bytes:
    """An xlsx file (write-only, streamed) with an optional title row, a header and the rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """A CSV file in UTF-8 with BOM (so Excel opens Chinese text correctly)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
