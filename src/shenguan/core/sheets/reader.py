"""Reading spreadsheets uploaded by people: xlsx through python-calamine, csv with the standard
library; rows come out one at a time as `SheetRow`s, merged cells filled from their top-left.

Every xlsx is first inspected against `SheetLimits` (limits.py) without parsing: the parser only
ever sees a file whose cells, extent and inflated size are bounded and which declares no DTD.
calamine (Rust) then reads the first sheet into its own grid — ~10× openpyxl's read-only mode,
ADR 0016 — and the rows are turned into text here: numbers without a trailing '.0', dates as ISO
(calamine reads the cell formats, built-in and custom, and the 1904 date system), booleans as
是/否, shared and inline strings, rich text joined and phonetic guides left out.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from shenguan.core.errors import BadRequest

from .limits import BAD_XLSX, DEFAULT_LIMITS, SheetLimits, check_file_size, inspect_xlsx, too_large


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
    if isinstance(value, str):
        return value
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


def _merge_fill(rows: Iterator[tuple[int, list[str]]], ranges) -> Iterator[SheetRow]:
    """Copy each merged range's top-left value into its other cells while rows stream by.
    `ranges` are (min_col, min_row, max_col, max_row), 1-based."""
    pending = sorted(ranges, key=lambda r: (r[1], r[0]), reverse=True)  # popped from the end
    active: list[list] = []  # [min_col, min_row, max_col, max_row, value]
    for number, cells in rows:
        while pending and pending[-1][1] <= number:
            r = pending.pop()
            active.append([r[0], r[1], r[2], r[3], None])
        if not active:
            yield SheetRow(number, tuple(cells), frozenset())
            continue
        merged: set[int] = set()
        still = []
        for rng in active:
            c0, r0, c1, r1, value = rng
            if number > r1:
                continue
            still.append(rng)
            if number < r0:
                continue
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


def iter_xlsx(fileobj, *, limits: SheetLimits = DEFAULT_LIMITS) -> Iterator[SheetRow]:
    """Rows of the first worksheet of an xlsx file, merged cells filled from their top-left.

    The file is inspected against `limits` first (BadRequest 413 naming the limit, or 400
    `bad_xlsx` for a damaged file or one declaring a DTD); only then is it parsed.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    inspect_xlsx(fileobj, limits)
    try:
        book = CalamineWorkbook.from_filelike(fileobj)
        sheet = book.get_sheet_by_index(0)
        merges = sheet.merged_cell_ranges or []
        start, end = sheet.start, sheet.end
    except (CalamineError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise BadRequest("bad_xlsx", BAD_XLSX, "file") from exc
    if start is None:
        return iter(())
    width = end[1] + 1
    height = end[0] + 1
    # merged ranges clipped to the cells the sheet has (a merge may span empty columns)
    ranges = [
        (c0 + 1, r0 + 1, min(c1, width - 1) + 1, min(r1, height - 1) + 1)
        for (r0, c0), (r1, c1) in merges
        if r0 < height and c0 < width and r0 <= r1 and c0 <= c1
    ]
    return _merge_fill(_calamine_rows(sheet, start[1], height), ranges)


def _calamine_rows(sheet, first_col: int, height: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) from calamine: its rows start at the sheet's first row and its
    columns at the first column holding data, so the columns before it are put back."""
    from python_calamine import CalamineError

    pad = [""] * first_col
    number = 0
    try:
        for values in sheet.iter_rows():
            number += 1
            cells = [v if type(v) is str else cell_text(v) for v in values]
            yield number, (pad + cells) if pad else cells
    except CalamineError as exc:
        raise BadRequest("bad_xlsx", BAD_XLSX, "file") from exc
    if number != height:  # calamine's row numbering is not what this reader assumes
        raise RuntimeError(f"calamine gave {number} rows for a sheet of {height}")


def iter_xlsx_openpyxl(fileobj) -> Iterator[SheetRow]:
    """The first worksheet read with openpyxl (the reference reader of the tests, slow)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(fileobj, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadRequest("bad_xlsx", BAD_XLSX, "file") from exc
    ws = wb.worksheets[0]
    ranges = [(r.min_col, r.min_row, r.max_col, r.max_row) for r in ws.merged_cells.ranges]
    rows = (
        (n, [cell_text(v) for v in values])
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
    )
    yield from _merge_fill(rows, ranges)


def iter_csv(fileobj, *, limits: SheetLimits = DEFAULT_LIMITS) -> Iterator[SheetRow]:
    """Rows of a CSV file in UTF-8 (with or without BOM) or GB18030 (Excel's Chinese default),
    streamed: the encoding and the delimiter are decided on the first 64 KB. The file size is
    checked first, rows and columns as they stream by (memory holds one row at a time)."""
    fileobj.seek(0, 2)
    check_file_size(fileobj.tell(), limits)
    fileobj.seek(0)
    head = fileobj.read(1 << 16)
    if isinstance(head, str):
        text_stream = io.StringIO(head + fileobj.read())
        sample = head
    else:
        final = len(head) < 1 << 16  # the whole file, or a sample that may end mid-character
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                sample = codecs.getincrementaldecoder(encoding)().decode(head, final=final)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise BadRequest(
                "bad_encoding", "CSV 文件编码无法识别，请使用 UTF-8 或 GB18030", "file"
            )
        fileobj.seek(0)
        text_stream = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        dialect = csv.Sniffer().sniff(sample[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        for number, row in enumerate(csv.reader(text_stream, dialect), start=1):
            if limits.max_rows and number > limits.max_rows:
                raise too_large("too_many_rows", f"表格行数过多：不得超过 {limits.max_rows:,} 行")
            if limits.max_columns and len(row) > limits.max_columns:
                raise too_large(
                    "too_many_columns", f"表格列数过多：每行不得超过 {limits.max_columns} 列"
                )
            yield SheetRow(number, tuple(row), frozenset())
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BadRequest("bad_csv", "CSV 文件格式或编码有误，无法读取", "file") from exc
    finally:
        if isinstance(text_stream, io.TextIOWrapper):
            text_stream.detach()  # leave the caller's file open


def iter_rows(
    fileobj, filename: str = "", *, limits: SheetLimits = DEFAULT_LIMITS
) -> Iterator[SheetRow]:
    """Rows of an uploaded spreadsheet, xlsx or csv (decided by its first bytes), held to
    `limits` before they are parsed."""
    head = fileobj.read(8)
    fileobj.seek(0)
    if sniff_kind(head, filename) == "xlsx":
        return iter_xlsx(fileobj, limits=limits)
    return iter_csv(fileobj, limits=limits)
