"""Multi-row INSERTs for large imports, without building model instances (批量写入).

Django's bulk_create costs ~0.2 ms per object in Python (instances, field preparation); an
import of 50,000 linkage rows writes five tables, so the importer writes plain tuples with one
multi-row INSERT … RETURNING id per chunk instead. Values must already be database-ready: use
`db_date` / `db_datetime` / `db_json` for those types. Only for importers, inside their
transaction, after validation (ARCHITECTURE "Layering": the import service is the writer).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.db import models as dj_models


def db_date(value: dt.date | None):
    """A date as the driver wants it."""
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value: dt.datetime | None):
    """An aware datetime as the driver wants it."""
    return connection.ops.adapt_datetimefield_value(value)


def db_json(value) -> str:
    """A JSON value as text (PostgreSQL's COPY and SQLite both take JSON as text)."""
    return json.dumps(value, ensure_ascii=False)


def insert_rows(
    model: type[dj_models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    returning: bool = True,
) -> list[int]:
    """INSERT rows (tuples in the order of `fields`, attnames like 'item_id') and return the
    new primary keys in row order when `returning`.

    PostgreSQL: the keys are drawn from the table's sequence first and the rows sent with COPY.
    SQLite: multi-row INSERT … RETURNING (its rows come back in insertion order).
    """
    if not rows:
        return []
    opts = model._meta
    qn = connection.ops.quote_name
    columns = []
    for name in fields:
        f = next(x for x in opts.concrete_fields if x.attname == name)
        columns.append(qn(f.column))
    if connection.vendor == "postgresql":
        return _copy_rows(opts, columns, rows, returning)
    placeholders = ["%s"] * len(fields)
    row_sql = "(" + ", ".join(placeholders) + ")"
    per = max(1, min(1000, (connection.features.max_query_params or 999) // len(fields)))
    # identifiers come from the model's metadata, values are bound parameters
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(columns)}) VALUES "  # noqa: S608
    tail = f" RETURNING {qn(opts.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cur:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            params = [v for row in chunk for v in row]
            cur.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            if returning:
                ids.extend(r[0] for r in cur.fetchall())
    return ids


def _copy_rows(opts, columns: list[str], rows: Sequence[Sequence], returning: bool) -> list[int]:
    """COPY rows into a PostgreSQL table, with keys drawn from its sequence when asked."""
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    ids: list[int] = []
    with connection.cursor() as cur:
        if returning:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(rows)],
            )
            ids = [r[0] for r in cur.fetchall()]
            columns = [qn(opts.pk.column), *columns]
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cur.cursor.copy(sql) as copy:
            if returning:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
            else:
                for row in rows:
                    copy.write_row(row)
    return ids
