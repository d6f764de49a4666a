"""Bulk writes for large imports, without building model instances (批量写入).

Django's bulk_create costs ~0.2 ms per object in Python (instances, field preparation); an import
of 50,000 linkage rows writes five tables, so the importer writes plain tuples instead. Keys are
allocated first (`allocate_ids`), so rows can reference each other before they are written and
no INSERT needs RETURNING: PostgreSQL draws them from the table's sequence and receives the rows
by COPY; SQLite (whose writer holds the database lock for the whole transaction, Django's
`transaction_mode=IMMEDIATE`) continues after the largest key and takes multi-row INSERTs.

Values must be database-ready (`db_date`, `db_datetime`, `db_json`). Only for importers, inside
their transaction, after validation (ARCHITECTURE "Layering": the import service is the writer).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection, transaction
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


def allocate_ids(model: type[dj_models.Model], n: int) -> list[int]:
    """n new primary keys for a table, reserved for this transaction."""
    if n <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("allocate_ids must run inside the import's transaction")
    opts = model._meta
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, n],
            )
            return [r[0] for r in cur.fetchall()]
        qn = connection.ops.quote_name
        cur.execute(f"SELECT COALESCE(MAX({qn(opts.pk.column)}), 0) FROM {qn(opts.db_table)}")  # noqa: S608
        top = cur.fetchone()[0]
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
        row = cur.fetchone()
        if row is not None:
            top = max(top, row[0])
    reserved = _sqlite_reserved.setdefault(id(transaction.get_connection()), {})
    start = max(top, reserved.get(opts.db_table, 0)) + 1
    reserved[opts.db_table] = start + n - 1
    return list(range(start, start + n))


# keys handed out on SQLite but maybe not written yet, per connection and table
_sqlite_reserved: dict[int, dict[str, int]] = {}


def insert_rows(
    model: type[dj_models.Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Write rows (tuples in the order of `fields`, attnames such as 'id' or 'item_id')."""
    if not rows:
        return 0
    opts = model._meta
    qn = connection.ops.quote_name
    columns = []
    for name in fields:
        f = next(x for x in opts.concrete_fields if x.attname == name)
        columns.append(qn(f.column))
    table = qn(opts.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per = max(1, min(1000, (connection.features.max_query_params or 999) // len(fields)))
        # identifiers come from the model's metadata, values are bound parameters
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cur.execute(head + ", ".join([row_sql] * len(chunk)), [v for r in chunk for v in r])
    return len(rows)


def release_reservations() -> None:
    """Forget SQLite key reservations once the import's transaction has ended."""
    _sqlite_reserved.pop(id(transaction.get_connection()), None)
