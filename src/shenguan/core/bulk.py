"""Bulk writes for large imports and batch services (批量写入).

Django's bulk_create costs ~0.2 ms per object in Python (instances, field preparation); an import
of 50,000 linkage rows writes five tables, so the importer writes plain tuples instead. Keys are
allocated first (`allocate_ids`), so rows can reference each other before they are written and
no INSERT needs RETURNING: PostgreSQL draws them from the table's sequence and receives the rows
by binary COPY; SQLite (whose writer holds the database lock for the whole transaction, Django's
`transaction_mode=IMMEDIATE`) continues after the largest key and takes multi-row INSERTs.

Foreign keys on PostgreSQL are checked by one trigger call per row and key (~5 µs each, 700,000
for a 50,000-row list: the largest single cost of an import). When the database role may set
`session_replication_role` (a superuser, or `GRANT SET ON PARAMETER session_replication_role`),
`skip_fk_triggers` turns those triggers off for the bulk writes and the checks are done here
instead, set-based: a key is either one this transaction allocated (and must then write: the
counts are compared in `restore_fk_triggers`) or a row that already exists, which is looked up
and locked FOR KEY SHARE once per chunk, as the trigger would have locked it (ADR 0013).

Values must be database-ready (`db_date`, `db_datetime`, `db_json`). Only for importers, inside
their transaction, after validation (ARCHITECTURE "Layering": the import service is the writer).

`insert_objects` writes unsaved model instances the same way (keys allocated, binary COPY on
PostgreSQL): the batch services (an approval batch writes eight tables, ADR 0014) keep their
instances but skip Django's per-value SQL compilation, which cost them more than the database.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
from collections.abc import Sequence

from django.db import IntegrityError, connection, transaction
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
            ids = [r[0] for r in cur.fetchall()]
            checks = _checks.get(_conn_key())
            if checks is not None:
                checks.allocated(opts.db_table, ids)
            return ids
        qn = connection.ops.quote_name
        cur.execute(f"SELECT COALESCE(MAX({qn(opts.pk.column)}), 0) FROM {qn(opts.db_table)}")  # noqa: S608
        top = cur.fetchone()[0]
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
        row = cur.fetchone()
        if row is not None:
            top = max(top, row[0])
    reserved = _sqlite_reserved.setdefault(_conn_key(), {})
    start = max(top, reserved.get(opts.db_table, 0)) + 1
    reserved[opts.db_table] = start + n - 1
    return list(range(start, start + n))


# keys handed out on SQLite but maybe not written yet, per connection and table
_sqlite_reserved: dict[int, dict[str, int]] = {}


def _conn_key() -> int:
    return id(transaction.get_connection())


# PostgreSQL type names for binary COPY, by the column's declared type (varchar is sent as text,
# jsonb as bytea holding jsonb's binary form: version 1, then the text)
_BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "text": "text",
    "character varying": "text",
    "jsonb": "bytea",
    "uuid": "uuid",
}
_copy_types: dict[tuple[str, tuple[str, ...]], list[str] | None] = {}


def _binary_types(cur, table: str, columns: list[str]) -> list[str] | None:
    """The binary COPY types of a table's columns, or None when one has no known binary form."""
    cache_key = (table, tuple(columns))
    if cache_key not in _copy_types:
        cur.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        declared = dict(cur.fetchall())
        types = [_BINARY_TYPES.get(declared.get(c, "")) for c in columns]
        _copy_types[cache_key] = None if None in types else types
    return _copy_types[cache_key]


def insert_rows(
    model: type[dj_models.Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Write rows (tuples in the order of `fields`, attnames such as 'id' or 'item_id')."""
    if not rows:
        return 0
    opts = model._meta
    qn = connection.ops.quote_name
    by_attname = {f.attname: f for f in opts.concrete_fields}
    columns = [by_attname[name].column for name in fields]
    table = qn(opts.db_table)
    quoted = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            checks = _checks.get(_conn_key())
            if checks is not None:
                checks.check(cur, model, fields, rows)
            elif len(rows) <= SMALL_BATCH:
                # a few rows (one step of one case): one INSERT is one round trip, where COPY
                # takes two (the COPY command, then the data) — issue 15
                row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
                cur.execute(
                    f"INSERT INTO {table} ({quoted}) VALUES "  # noqa: S608
                    + ", ".join([row_sql] * len(rows)),
                    [v for r in rows for v in r],
                )
                return len(rows)
            types = _binary_types(cur, opts.db_table, columns)
            if types is None:
                with cur.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return len(rows)
            json_at = [i for i, t in enumerate(types) if t == "bytea"]
            with cur.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                if json_at:
                    for row in rows:
                        row = list(row)
                        for i in json_at:
                            if row[i] is not None:
                                row[i] = b"\x01" + row[i].encode()
                        copy.write_row(row)
                else:
                    for row in rows:
                        copy.write_row(row)
            return len(rows)
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per = max(1, min(1000, (connection.features.max_query_params or 999) // len(fields)))
        # identifiers come from the model's metadata, values are bound parameters; the driver's
        # cursor, as for COPY: with DEBUG on, Django would keep the text of every bulk INSERT
        head = f"INSERT INTO {table} ({quoted}) VALUES "  # noqa: S608
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cur.cursor.execute(
                head + ", ".join([row_sql] * len(chunk)), [v for r in chunk for v in r]
            )
    return len(rows)


def insert_objects(objs: Sequence[dj_models.Model]) -> None:
    """Insert unsaved instances of one model, as `bulk_create` would (primary keys set on them,
    marked saved), by binary COPY on PostgreSQL; elsewhere through `bulk_create`. Field values
    must be plain Python values (no expressions; defaults are filled in when an instance is
    made, `auto_now` fields are not); JSON fields take JSON-compatible values."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(objs)
        return
    opts = model._meta
    fields = list(opts.concrete_fields)
    if (
        len(objs) <= SMALL_BATCH
        and isinstance(opts.pk, dj_models.AutoField)
        and _checks.get(_conn_key()) is None
        and all(o.pk is None for o in objs)
    ):
        _insert_returning(model, fields, objs)
        return
    if isinstance(opts.pk, dj_models.AutoField):  # also Big- and SmallAutoField
        unset = [o for o in objs if o.pk is None]
        for o, pk in zip(unset, allocate_ids(model, len(unset)), strict=True):
            o.pk = pk
    encoders = [_encoder(f) for f in fields]
    names = [f.attname for f in fields]
    pairs = list(zip(names, encoders, strict=True))
    rows = [
        [getattr(o, n) if enc is None else enc(getattr(o, n)) for n, enc in pairs] for o in objs
    ]
    insert_rows(model, names, rows)
    for o in objs:
        o._state.adding = False
        o._state.db = connection.alias


# Up to this many rows, PostgreSQL writes take one INSERT (keys by RETURNING) rather than a
# sequence call and a COPY: the interactive path writes one or two rows per table.
SMALL_BATCH = 8


def _insert_returning(model, fields: list, objs: Sequence[dj_models.Model]) -> None:
    """Insert a few instances in one statement, their keys returned (one round trip)."""
    if not connection.in_atomic_block:
        raise RuntimeError("insert_objects must run inside the service's transaction")
    opts = model._meta
    qn = connection.ops.quote_name
    cols = [f for f in fields if f is not opts.pk]
    pairs = [(f.attname, _encoder(f)) for f in cols]
    params = []
    for o in objs:
        for n, enc in pairs:
            v = getattr(o, n)
            params.append(v if enc is None else enc(v))
    row_sql = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in cols)}) "  # noqa: S608
        f"VALUES {', '.join([row_sql] * len(objs))} RETURNING {qn(opts.pk.column)}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        ids = [r[0] for r in cur.fetchall()]
    for o, pk in zip(objs, ids, strict=True):
        o.pk = pk
        o._state.adding = False
        o._state.db = connection.alias


def _encoder(field):
    """How a field's Python value becomes a COPY value (None: as it is)."""
    if isinstance(field, dj_models.JSONField):
        encoder = field.encoder

        def to_json(value):
            return None if value is None else json.dumps(value, cls=encoder, ensure_ascii=False)

        return to_json
    return None


def update_column(model: type[dj_models.Model], attname: str, pairs: Sequence[tuple]) -> None:
    """Set one column of rows written earlier in the transaction: (primary key, value) pairs."""
    if not pairs:
        return
    opts = model._meta
    qn = connection.ops.quote_name
    column = next(f.column for f in opts.concrete_fields if f.attname == attname)
    # identifiers come from the model's metadata, values are bound parameters
    sql = f"UPDATE {qn(opts.db_table)} SET {qn(column)} = %s WHERE {qn(opts.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cur:
        cur.executemany(sql, [(value, pk) for pk, value in pairs])


def release_reservations() -> None:
    """Forget SQLite key reservations and owed checks once the import's transaction has ended."""
    _sqlite_reserved.pop(_conn_key(), None)
    _checks.pop(_conn_key(), None)


# --- foreign keys checked set-based while the per-row triggers are off -------------------------


class _Checks:
    """The foreign-key checks one transaction owes while its triggers are off: the keys it
    allocated (as sorted spans, not one by one: memory stays flat), how many of them it wrote,
    and a bounded memo of existing rows already found and locked."""

    MEMO = 10_000

    def __init__(self) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self.starts: dict[str, list[int]] = {}
        self.counts: dict[str, list[int]] = {}  # table -> [allocated, written]
        self.memo: dict[str, set] = {}

    def allocated(self, table: str, ids: list[int]) -> None:
        spans = self.spans.setdefault(table, [])
        for k in sorted(ids):
            if spans and k == spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], k)
            else:
                spans.append((k, k))
        spans.sort()
        self.starts[table] = [s[0] for s in spans]
        self.counts.setdefault(table, [0, 0])[0] += len(ids)

    def own(self, table: str, key) -> bool:
        """Whether `key` was allocated to this transaction for `table`."""
        starts = self.starts.get(table)
        if not starts or not isinstance(key, int):
            return False
        i = bisect.bisect_right(starts, key) - 1
        return i >= 0 and key <= self.spans[table][i][1]

    def not_own(self, table: str, keys) -> list:
        """The keys not allocated here for `table` (all of them at once when they fall within
        one span, as the keys of a chunk usually do)."""
        if not keys:
            return []
        spans = self.spans.get(table)
        if spans:
            lo, hi = min(keys), max(keys)
            if isinstance(lo, int) and isinstance(hi, int):
                i = bisect.bisect_right(self.starts[table], lo) - 1
                if i >= 0 and hi <= spans[i][1]:
                    return []
        return [k for k in keys if not self.own(table, k)]

    def check(self, cur, model, fields: Sequence[str], rows: Sequence[Sequence]) -> None:
        """Check the keys of rows about to be written: their own key was allocated here, every
        reference is to a key allocated here or to an existing row (found and locked)."""
        opts = model._meta
        table = opts.db_table
        if opts.pk.attname in fields:
            i = fields.index(opts.pk.attname)
            strays = self.not_own(table, [r[i] for r in rows])
            if strays:
                raise IntegrityError(f"{table}: keys not allocated by this import {strays[:5]}")
            self.counts.setdefault(table, [0, 0])[1] += len(rows)
        for i, f in _foreign_keys(model, tuple(fields)):
            target = f.target_field
            ref_table = target.model._meta.db_table
            memo = self.memo.setdefault(ref_table, set())
            keys = {r[i] for r in rows}
            keys.discard(None)
            outside = {k for k in self.not_own(ref_table, keys) if k not in memo}
            if not outside:
                continue
            qn = connection.ops.quote_name
            col = qn(target.column)
            # the same lock as the trigger's: the row cannot be deleted before this commits
            cur.execute(
                f"SELECT {col} FROM {qn(ref_table)} WHERE {col} = ANY(%s) FOR KEY SHARE",  # noqa: S608
                [list(outside)],
            )
            found = {r[0] for r in cur.fetchall()}
            missing = outside - found
            if missing:
                raise IntegrityError(
                    f"{table}.{f.column} refers to missing {ref_table} keys {sorted(missing)[:5]}"
                )
            if len(memo) + len(found) <= self.MEMO:
                memo |= found

    def finish(self) -> None:
        """Every key allocated here was written (so every reference to one is satisfied)."""
        for table, (allocated, written) in self.counts.items():
            if allocated != written:
                raise IntegrityError(f"{table}: {allocated} keys allocated, {written} written")


_checks: dict[int, _Checks] = {}


@functools.lru_cache(maxsize=64)
def _foreign_keys(model, fields: tuple[str, ...]) -> list[tuple[int, dj_models.Field]]:
    """(position, field) of the constrained foreign keys among `fields`."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    out = []
    for i, name in enumerate(fields):
        f = by_attname[name]
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.db_constraint:
            out.append((i, f))
    return out


def skip_fk_triggers() -> bool:
    """Turn the per-row foreign-key triggers off for the rest of this transaction, if the role
    may (PostgreSQL 15+); the keys written meanwhile are checked by `insert_rows` and
    `restore_fk_triggers`. Returns False (triggers stay on) when not possible."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    if connection.pg_version < 150000:
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        if not cur.fetchone()[0]:
            return False
        cur.execute("SET LOCAL session_replication_role = replica")
    _checks[_conn_key()] = _Checks()
    return True


def restore_fk_triggers() -> None:
    """Turn the triggers back on, after checking that every allocated key was written."""
    checks = _checks.pop(_conn_key(), None)
    if checks is None:
        return
    checks.finish()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = origin")
