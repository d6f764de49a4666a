"""双公示 files in the national column order (xlsx / csv) for provinces that upload by hand."""

from __future__ import annotations

from django.http import HttpResponse

from shenguan.core.sheets.writer import write_csv, write_xlsx

from . import formats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_bytes(kind: str, records, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """(content, content type, file name) of the records of one kind."""
    rows = (formats.row(kind, r.data) for r in records.iterator(chunk_size=2000))
    name = "行政许可" if kind == "licence" else "行政处罚"
    if fmt == "csv":
        return (
            write_csv(formats.headers(kind), rows),
            "text/csv; charset=utf-8",
            f"双公示{name}.csv",
        )
    return (
        write_xlsx(formats.headers(kind), rows, sheet=f"{name}信息"),
        XLSX,
        f"双公示{name}.xlsx",
    )


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
