"""The on-disk working state of a linkage-list import (导入暂存): lookups, duplicates, spool."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from shenguan.core.sheets import (
    key,
)

from ..handling import live_entries_q
from ..models import (
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    SupervisionItem,
)
from .common import CHUNK, _name_key


@dataclass
class _Record:
    row: int
    values: dict[str, str]
    segments: list[tuple[int, str, str]]  # (row, codes text, names text)


class _Scratch:
    """The working state of one linkage import in a temporary SQLite file (not in memory):
    the catalogue's items and supervision items by key, the items and codes the file adds,
    the signatures seen (duplicates) and the validated records (the spool of pass 2). Memory
    stays flat whatever the size of the file; SQLite's page cache is capped at 2 MB, and the
    rows waiting to be written or checked are flushed every `BATCH`."""

    BATCH = 1000

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="sg-import-")
        self.db = sqlite3.connect(os.path.join(self.dir, "scratch.db"), isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-2000",
            "temp_store=FILE",
            "locking_mode=EXCLUSIVE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(
            """
            CREATE TABLE item_key (key TEXT PRIMARY KEY, id INTEGER, n INTEGER) WITHOUT ROWID;
            CREATE TABLE item_code (code TEXT PRIMARY KEY, id INTEGER) WITHOUT ROWID;
            CREATE TABLE new_item (key TEXT PRIMARY KEY, name TEXT, code TEXT, dept INTEGER,
                                   power TEXT, a_dept INTEGER, id INTEGER);
            CREATE TABLE sup (code TEXT PRIMARY KEY, id INTEGER, name_key TEXT, reg INTEGER,
                              div INTEGER, first_row INTEGER, name TEXT) WITHOUT ROWID;
            CREATE TABLE seen (sig BLOB PRIMARY KEY, row INTEGER) WITHOUT ROWID;
            CREATE TABLE existing (sig BLOB PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE record (n INTEGER PRIMARY KEY, data BLOB);
            BEGIN;
            """
        )
        self.records = 0
        self._sups: dict[str, tuple] = {}
        # which lookup tables hold anything (an empty catalogue needs no lookups)
        self.has_item_keys = self.has_item_codes = self.has_existing = False
        self._records: list[tuple[int, bytes]] = []
        self._items: list[tuple] = []
        self._sigs: list[tuple[bytes, int, bool]] = []

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def one(self, sql: str, args=()):
        return self.db.execute(sql, args).fetchone()

    def item_by_code(self, code: str):
        """(id,) of the catalogue's item with this code, or None."""
        if not self.has_item_codes:
            return None
        return self.one("SELECT id FROM item_code WHERE code = ?", (code,))

    def item_by_key(self, k: str):
        """(id, how many items share the name) of the catalogue's item by name key, or None."""
        if not self.has_item_keys:
            return None
        return self.one("SELECT id, n FROM item_key WHERE key = ?", (k,))

    def is_new_item(self, k: str) -> bool:
        """Whether an earlier row of the file adds an item with this name key."""
        self._flush_writes()
        return self.one("SELECT 1 FROM new_item WHERE key = ?", (k,)) is not None

    def sup(self, code: str):
        """(name_key, regulator, first row) of a known supervision code, or None."""
        hit = self._sups.get(code)
        if hit is None:
            hit = self.one("SELECT name_key, reg, first_row FROM sup WHERE code = ?", (code,))
            if hit is not None:
                if len(self._sups) >= 8192:  # a bounded cache: memory stays flat
                    self._sups.clear()
                self._sups[code] = hit
        return hit

    def add_sup(self, code, name_key, reg, div, row, name) -> None:
        """A supervision code the file adds."""
        self.db.execute(
            "INSERT INTO sup VALUES (?, NULL, ?, ?, ?, ?, ?)", (code, name_key, reg, div, row, name)
        )
        self._sups.pop(code, None)

    def add_record(self, rec: tuple, sig: bytes, row: int, new_item: tuple | None) -> list:
        """Spool a validated record with its signature (and the item it adds); every `BATCH`
        records the signatures are checked, and the duplicates found so far are returned as
        (row, first row or None for an entry already in the list)."""
        self.records += 1
        self._records.append((self.records, marshal.dumps(rec)))
        if new_item is not None:
            self._items.append(new_item)
        self._sigs.append((sig, row, isinstance(rec[1], int) and self.has_existing))
        if len(self._sigs) >= self.BATCH:
            return self.flush()
        return []

    def _flush_writes(self) -> None:
        if self._records:
            self.db.executemany("INSERT INTO record VALUES (?, ?)", self._records)
            self._records = []
        if self._items:
            self.db.executemany(
                "INSERT OR IGNORE INTO new_item VALUES (?, ?, ?, ?, ?, ?, NULL)", self._items
            )
            self._items = []

    def flush(self) -> list[tuple[int, int | None]]:
        """Write what waits and check the waiting signatures, set-based: a record repeating an
        earlier row, or an entry already in the list, is returned as (row, first row | None)."""
        self._flush_writes()
        pending, self._sigs = self._sigs, []
        if not pending:
            return []
        dups: list[tuple[int, int | None]] = []
        first: dict[bytes, tuple[int, bool]] = {}  # signature -> (first row, check the list)
        for sig, row, check in pending:
            if sig in first:
                dups.append((row, first[sig][0]))
            else:
                first[sig] = (row, check)
        marks = ",".join("?" * len(first))
        sql = f"SELECT sig, row FROM seen WHERE sig IN ({marks})"  # noqa: S608
        earlier = dict(self.db.execute(sql, list(first)).fetchall())
        dups.extend((row, earlier[sig]) for sig, (row, _c) in first.items() if sig in earlier)
        self.db.executemany(
            "INSERT INTO seen VALUES (?, ?)",
            [(sig, row) for sig, (row, _c) in first.items() if sig not in earlier],
        )
        check = [sig for sig, (_row, c) in first.items() if c and sig not in earlier]
        if check:
            marks = ",".join("?" * len(check))
            sql = f"SELECT sig FROM existing WHERE sig IN ({marks})"  # noqa: S608
            listed = {r[0] for r in self.db.execute(sql, check).fetchall()}
            dups.extend((first[sig][0], None) for sig in check if sig in listed)
        return dups

    def iter_records(self, size: int) -> Iterator[list[tuple]]:
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT n, data FROM record WHERE n > ? ORDER BY n LIMIT ?", (last, size)
            ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [marshal.loads(data) for _n, data in rows]  # noqa: S302  (our own scratch)


def _sig(item_ref, reg, codes) -> bytes:
    """A 16-byte signature of (item, regulator, codes) for duplicate detection."""
    text = f"{item_ref!r}|{reg}|{'|'.join(sorted(codes))}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _load_scratch(scratch: _Scratch, jurisdiction_id: int, valid_from, mode: str) -> None:
    db = scratch.db
    items = LicensingItem.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    for chunk in _chunks(items.values_list("pk", "code", "name").iterator(chunk_size=CHUNK)):
        db.executemany(
            "INSERT INTO item_key VALUES (?, ?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
            [(key(name), pk) for pk, _code, name in chunk],
        )
        db.executemany(
            "INSERT OR IGNORE INTO item_code VALUES (?, ?)",
            [(code, pk) for pk, code, _name in chunk if code],
        )
        scratch.has_item_keys = True
        scratch.has_item_codes = scratch.has_item_codes or any(c[1] for c in chunk)
    sups = SupervisionItem.objects.filter(jurisdiction_id=jurisdiction_id).values_list(
        "pk", "code", "name", "regulator_id", "division_id"
    )
    for chunk in _chunks(sups.iterator(chunk_size=CHUNK)):
        db.executemany(
            "INSERT INTO sup VALUES (?, ?, ?, ?, ?, 0, NULL)",
            [(code, pk, _name_key(name), reg, div) for pk, code, name, reg, div in chunk],
        )
    if mode == "append":
        live = (
            LinkageEntry.objects.filter(jurisdiction_id=jurisdiction_id)
            .filter(live_entries_q(valid_from))
            .values_list("pk", "item_id", "regulator_id")
        )
        for chunk in _chunks(live.iterator(chunk_size=CHUNK)):
            codes: dict[int, list[str]] = {}
            for entry_id, code in LinkageEntrySupervision.objects.filter(
                entry_id__in=[c[0] for c in chunk]
            ).values_list("entry_id", "supervision_item__code"):
                codes.setdefault(entry_id, []).append(code)
            db.executemany(
                "INSERT OR IGNORE INTO existing VALUES (?)",
                [(_sig(item, reg, codes.get(pk, [])),) for pk, item, reg in chunk],
            )
            scratch.has_existing = True


def _chunks(iterable, size: int = CHUNK):
    chunk = []
    for x in iterable:
        chunk.append(x)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
