"""Writing spreadsheets: the one formula-safe writer of every export (ADR 0043).

* xlsx (openpyxl write-only, streamed): every ``str`` is written as a *string cell* — never a
  formula, whatever it starts with; ``int``/``float``/``Decimal`` are number cells, ``date``
  and ``datetime`` real date cells (local time, no zone), ``bool`` 是/否. The header is bold and
  frozen, has an autofilter, and columns get widths from the header and the first rows.
* csv (UTF-8 with BOM for Excel): every text field starting with ``= + - @``, tab or CR is
  prefixed with an apostrophe (OWASP "CSV injection"); numbers stay numbers, dates are ISO.
* `sheet_response` / `download_response` answer with a Chinese file name (RFC 6266
  ``filename*``) and an ASCII fallback.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import itertools
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# What spreadsheet programs read as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_CELL = 32767
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_WIDTH_SAMPLE = 200  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def plain_value(value):
    """The value as written: None → "", bool → 是/否, aware datetimes in local time, other
    objects (lazy strings, choices) as text; numbers and dates kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, (int, float, decimal.Decimal, dt.date)):
        return value
    return str(value)


def text_width(value) -> int:
    """Display width in Excel's character units (CJK and full-width count two)."""
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    s = str(value)
    longest = max((line for line in s.split("\n")), key=len, default="")
    return sum(2 if ord(c) > 0x2E7F else 1 for c in longest)


def xlsx_cell(ws, value, *, bold: bool = False) -> WriteOnlyCell:
    """A write-only cell: text as a string cell (never a formula), numbers and dates typed."""
    v = plain_value(value)
    c = WriteOnlyCell(ws)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)[:EXCEL_MAX_CELL]
        c.value = v
        c.data_type = "s"  # openpyxl would make "=..." a formula
    else:
        c.value = v
        if isinstance(v, dt.datetime):
            c.number_format = DATETIME_FORMAT
        elif isinstance(v, dt.date):
            c.number_format = DATE_FORMAT
    if bold:
        c.font = Font(bold=True)
    return c


def set_cell(ws, row: int, col: int, value, number_format: str | None = None):
    """The same rule for a cell of an ordinary (not write-only) worksheet."""
    v = plain_value(value)
    c = ws.cell(row=row, column=col)
    if isinstance(v, str):
        c.value = ILLEGAL_CHARACTERS_RE.sub("", v)[:EXCEL_MAX_CELL] or None
        c.data_type = "s"
    else:
        c.value = v
        if isinstance(v, dt.datetime):
            c.number_format = DATETIME_FORMAT
        elif isinstance(v, dt.date):
            c.number_format = DATE_FORMAT
    if number_format:
        c.number_format = number_format
    return c


def write_xlsx(
    headers: list[str],
    rows: Iterable[list],
    *,
    title: str = "",
    sheet: str = "Sheet1",
    widths: list[int] | None = None,
) -> bytes:
    """An xlsx file (write-only, streamed): optional title row, a bold frozen header with an
    autofilter, typed formula-safe cells, column widths from the header and the first rows."""
    headers = [str(h) for h in headers]
    rows = iter(rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_name(sheet))
    n = max([len(headers)] + [len(r) for r in sample]) if (headers or sample) else 0
    for i in range(n):
        if widths and i < len(widths) and widths[i]:
            w = widths[i]
        else:
            col = [headers[i] if i < len(headers) else ""]
            col += [plain_value(r[i]) for r in sample if i < len(r)]
            w = max(text_width(v) for v in col) + 2
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(w, _MIN_WIDTH), _MAX_WIDTH)
    header_row = 2 if title else 1
    if headers:
        ws.freeze_panes = f"A{header_row + 1}"
    if title:
        c = xlsx_cell(ws, title, bold=True)
        c.font = Font(bold=True, size=13)
        ws.append([c])
    if headers:
        cells = []
        for h in headers:
            c = xlsx_cell(ws, h, bold=True)
            c.alignment = Alignment(vertical="center")
            cells.append(c)
        ws.append(cells)
    last = header_row
    for row in itertools.chain(sample, rows):
        ws.append([xlsx_cell(ws, v) for v in row])
        last += 1
    if headers and n:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{last}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    bad = "[]:*?/\\"
    return "".join(c for c in str(name) if c not in bad)[:31] or "Sheet1"


def csv_field(value) -> str:
    """A CSV field: text starting with = + - @ tab or CR prefixed with an apostrophe; numbers as
    numbers, dates ISO, datetimes local 'YYYY-MM-DD HH:MM:SS'."""
    v = plain_value(value)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, float, decimal.Decimal)):
        return str(v)
    return "'" + v if v.startswith(FORMULA_START) else v


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV as lines (the first with the BOM), for a streaming response."""
    w = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + w.writerow([csv_field(h) for h in headers])
    for row in rows:
        yield w.writerow([csv_field(v) for v in row])


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """A CSV file in UTF-8 with BOM (so Excel opens Chinese text correctly), formula-safe."""
    return "".join(csv_lines(headers, rows)).encode("utf-8")


def content_disposition(filename: str, fallback: str = "") -> str:
    """attachment with the (Chinese) name as filename* and an ASCII fallback."""
    ext = filename.rsplit(".", 1)[-1] if "." in filename else ""
    ascii_name = fallback or (f"export.{ext}" if ext else "export")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def download_response(body: bytes, filename: str, content_type: str, *, fallback: str = ""):
    """A download response with a Chinese file name."""
    from django.http import HttpResponse

    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = content_disposition(filename, fallback)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def sheet_response(
    fmt: str,
    name: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    title: str = "",
    sheet: str = "",
    stamp: bool = True,
):
    """An export in xlsx (default) or csv named "<name>-<YYYYMMDD>.<ext>" (Chinese name)."""
    from django.utils import timezone

    day = timezone.localdate().strftime("%Y%m%d")
    base = f"{name}-{day}" if stamp else name
    if fmt == "csv":
        return download_response(
            write_csv(headers, rows), f"{base}.csv", CSV_TYPE, fallback=f"export-{day}.csv"
        )
    body = write_xlsx(headers, rows, title=title, sheet=sheet or name)
    return download_response(body, f"{base}.xlsx", XLSX_TYPE, fallback=f"export-{day}.xlsx")
