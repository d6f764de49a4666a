"""Writing spreadsheets (xlsx streamed through openpyxl's write-only mode, csv for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook


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
