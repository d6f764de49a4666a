"""Spreadsheets in and out (表格读写): the one reader, writer and import framework of every app.

Reading — `iter_rows(fileobj, filename, limits=...)` yields `SheetRow(number, cells, merged)`
for the first sheet of an xlsx (python-calamine) or a csv (UTF-8 or GB18030), one row at a time:
cells are text (integers without '.0', dates ISO, booleans 是/否), merged cells carry their
top-left value and are flagged in `merged`. Before any parsing the file is held to
`SheetLimits` (file size, inflated size, cells, rows, columns, extent) and refused with a 413
naming the limit, or a 400 `bad_xlsx` for a damaged file or one declaring a DTD (XXE, entity
expansion). `inspect_xlsx` runs that check alone and returns the counts (e.g. to decide whether
an import runs in the worker).

Importing — describe the layout as `Column`s (key, title, accepted aliases, required), read
rows with `HeaderSheet(read_rows(source, filename, report), columns, report).data_rows()`, which
finds the header under title rows, skips repeated headers and '注：' lines, and yields
`(row, {key: text}, merged keys)`; record problems with `HeaderSheet.problem(...)`; when
`report.problems` is not empty raise `report.error()` (an ErrorList: 422, every problem, nothing
written). `key()` compares names without full-width forms or spaces.

Writing — `write_xlsx(headers, rows, title=, sheet=)` and `write_csv(headers, rows)` return
bytes; `sheet_response(fmt, name, headers, rows)` answers a download with a Chinese file name.
Every export goes through them: text is never a formula (xlsx string cells, csv apostrophe),
numbers and dates are typed, the header is frozen with an autofilter (ADR 0043).

    from shenguan.core import sheets

    report = sheets.ImportReport(kind="departments", dry_run=True)
    sheet = sheets.HeaderSheet(sheets.read_rows(fh, name, report), COLUMNS, report)
    for row, values, _merged in sheet.data_rows():
        ...
    if report.problems:
        raise report.error()
"""

from .limits import (
    DEFAULT_LIMITS,
    SheetLimits,
    SheetStats,
    check_file_size,
    inspect_xlsx,
    too_large,
)
from .reader import SheetRow, cell_text, iter_csv, iter_rows, iter_xlsx, sniff_kind
from .report import (
    Column,
    HeaderSheet,
    ImportReport,
    Problem,
    alias_table,
    blank,
    clean_name_text,
    header_key,
    key,
    read_rows,
)
from .writer import (
    CSV_TYPE,
    XLSX_TYPE,
    content_disposition,
    csv_field,
    csv_lines,
    download_response,
    set_cell,
    sheet_response,
    write_csv,
    write_xlsx,
)

__all__ = [
    "CSV_TYPE",
    "DEFAULT_LIMITS",
    "XLSX_TYPE",
    "Column",
    "HeaderSheet",
    "ImportReport",
    "Problem",
    "SheetLimits",
    "SheetRow",
    "SheetStats",
    "alias_table",
    "blank",
    "cell_text",
    "check_file_size",
    "clean_name_text",
    "content_disposition",
    "csv_field",
    "csv_lines",
    "download_response",
    "header_key",
    "inspect_xlsx",
    "iter_csv",
    "iter_rows",
    "iter_xlsx",
    "key",
    "read_rows",
    "set_cell",
    "sheet_response",
    "sniff_kind",
    "too_large",
    "write_csv",
    "write_xlsx",
]
