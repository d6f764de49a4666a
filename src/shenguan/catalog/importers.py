"""Import of the linkage list, licensing items and supervision items from xlsx or csv (清单导入).

Real spreadsheets have title rows, repeated header rows (003's attachment repeats its header on
every page), merged cells, full-width characters and stray spaces. Every import first validates
the whole file and reports every problem with its row and column; nothing is written unless every
row passes (a dry run never writes). The linkage import streams: pass 1 parses and validates rows
into a temporary spool, pass 2 bulk-inserts from it, so memory does not grow with the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.bulk import (
    allocate_ids,
    db_date,
    db_datetime,
    db_json,
    insert_rows,
    release_reservations,
    restore_fk_triggers,
    skip_fk_triggers,
    update_column,
)
from shenguan.core.errors import DomainError, ValidationFailed
from shenguan.core.sheets import (
    Column,
    HeaderSheet,
    ImportReport,
    Problem,
    clean_name_text,
    key,
    read_rows,
)
from shenguan.core.sheets import blank as _blank
from shenguan.core.text import normalize_text
from shenguan.org.models import Department, Division, Jurisdiction
from shenguan.org.roles import DepartmentKind
from shenguan.org.validators import clean_phone

from . import services
from .handling import live_entries_q
from .models import (
    ChangeKind,
    DepartmentAlias,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    SupervisionItem,
    TransferRecord,
    TransferStatus,
)
from .validators import (
    clean_days,
    clean_item_code,
    clean_supervision_code,
    norm,
    parse_date,
    parse_flag,
    parse_power_type,
    parse_push_method,
    parse_stages,
    parse_transfer_status,
)

CHUNK = 2000


# --- column layouts ----------------------------------------------------------------------------

LINKAGE_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号",)),
    Column("approval_department", "行政审批部门", ("审批部门", "行政审批部门名称"), True),
    Column("item", "审批事项", ("审批事项名称", "行政审批事项", "事项名称"), True),
    Column("regulator", "行业主管部门", ("监管部门", "行业监管部门", "主管部门"), True),
    Column("sup_codes", "监管事项编码", ("监管编码",), True),
    Column("sup_names", "监管事项名称", ("监管事项",), True),
    # the extra columns of 002 §9
    Column("item_code", "审批事项编码", ("事项编码",)),
    Column("power_type", "权力类型", ()),
    Column("approval_division", "审批科室", ("审批科(股)室", "审批股室", "审批部门科室")),
    Column(
        "regulator_division", "监管科室", ("监管科(股)室", "监管股室", "监管部门科室", "责任科室")
    ),
    Column("responsible_person", "责任人", ("具体责任人员", "责任人员", "联系人")),
    Column("contact_phone", "联系电话", ("联系方式",)),
    Column("stages", "互动环节", ()),
    Column("approval_duties", "审批职责", ("审批部门职责",)),
    Column("supervision_duties", "监管职责", ("监管部门职责", "行业主管部门职责")),
    Column("push_method", "信息推送方式", ("推送方式",)),
    Column("note", "备注", ()),
)

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("code", "事项编码", ("审批事项编码",)),
    Column("name", "事项名称", ("审批事项", "审批事项名称", "行政许可事项名称"), True),
    Column("power_type", "权力类型", ()),
    Column("original_department", "原审批部门", ("实施部门", "原实施部门", "主管部门"), True),
    Column("statutory_days", "法定时限（工作日）", ("法定时限", "法定办结时限")),
    Column("promised_days", "承诺时限（工作日）", ("承诺时限", "承诺办结时限")),
    Column("needs_site_inspection", "现场勘察", ("现场勘验",)),
    Column("needs_expert_review", "专家评审", ()),
    Column("needs_hearing", "论证听证", ("听证论证",)),
    Column("needs_public_notice", "公示", ()),
    Column("regulator_issues_certificate", "监管部门配发证照", ("监管部门发证",)),
    Column("commitment_allowed", "告知承诺", ("可告知承诺",)),
    Column("accept_with_gaps_allowed", "容缺受理", ("可容缺受理",)),
    Column("main_code", "主项编码", ()),
    Column("main_name", "主项名称", ("所属主项",)),
    Column("transfer_status", "划转状态", ()),
    Column("effective_on", "生效日期", ("划转日期",)),
    Column("batch_name", "批次", ("划转批次",)),
    Column("planned_on", "计划划转日期", ()),
    Column("reason", "暂不划转原因", ("原因",)),
    Column("hall_window", "大厅窗口", ("进驻窗口",)),
    Column("note", "备注", ()),
)

SUPERVISION_COLUMNS: tuple[Column, ...] = (
    Column("code", "监管事项编码", ("编码",), True),
    Column("name", "监管事项名称", ("名称",), True),
    Column("regulator", "监管部门", ("行业主管部门", "主管部门"), True),
    Column("division", "监管科室", ("科室", "责任科室")),
)


_DEFAULT_POWER = parse_power_type("")
_DEFAULT_PUSH = parse_push_method("")


# --- splitting multi-value cells ---------------------------------------------------------------

_CODE_SPLIT = re.compile(r"[\s,，、;；/|]+")
_NUMBERED = re.compile(r"(?:^|(?<=\s)|(?<=[。；;,，]))[(（]?(\d{1,2})[)）]?\s*[、.．:：]\s*")


def split_codes(text: str) -> list[str]:
    """Codes in one cell, separated by spaces, new lines, commas or 、 (full-width made half)."""
    return [c for c in _CODE_SPLIT.split(norm(text)) if c] if text else []


def split_names(text: str, expected: int = 1) -> list[str]:
    """Names in one cell: numbered "1、… 2、…" (or 1. / (1)), else one per line when several are
    expected, else the whole cell."""
    raw = str(text or "").replace("\u3000", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not raw:
        return []
    matches = list(_NUMBERED.finditer(raw))
    numbers = [int(m.group(1)) for m in matches]
    if (
        matches
        and matches[0].start() == 0
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    ):
        parts = []
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(raw)
            parts.append(clean_name_text(raw[m.end() : end]))
        return [p for p in parts if p]
    lines = [clean_name_text(x) for x in raw.split("\n") if x.strip()]
    if expected > 1 and len(lines) == expected:
        return lines
    return [clean_name_text(raw)]


def _name_key(name: str) -> str:
    """Names compared without whitespace, full-width forms or trailing punctuation."""
    return key(name).rstrip("。.;；")


# --- reference data ------------------------------------------------------------------------


class _Refs:
    """Departments, divisions, items and supervision items of a jurisdiction, by key."""

    def __init__(self, jurisdiction_id: int):
        self.jid = jurisdiction_id
        self._memo: dict[str, int | None] = {}
        self.depts: dict[str, int] = {}
        self.dept_kind: dict[int, str] = {}
        self.dept_name: dict[int, str] = {}
        for d in Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True):
            self.dept_kind[d.pk] = d.kind
            self.dept_name[d.pk] = d.name
            for n in (d.name, d.short_name):
                if n:
                    self.depts.setdefault(key(n), d.pk)
        # "区经济合作局（政务管理服务局）" is also known by either of its two names
        for d in Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True):
            m = re.fullmatch(r"(.+?)\((.+)\)", key(d.name))
            if m:
                for part in m.groups():
                    self.depts.setdefault(part, d.pk)
        for a in DepartmentAlias.objects.filter(jurisdiction_id=jurisdiction_id):
            self.depts[key(a.alias)] = a.department_id
        self.divisions = {
            (dv.department_id, key(dv.name)): dv.pk
            for dv in Division.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
        }

    def dept(self, text: str) -> int | None:
        """The department a cell names, or None (memoised per import)."""
        if text in self._memo:
            return self._memo[text]
        found = self._dept(text)
        if len(self._memo) < 10_000:
            self._memo[text] = found
        return found

    def _dept(self, text: str) -> int | None:
        k = key(text)
        if k in self.depts:
            return self.depts[k]
        m = re.fullmatch(r"(.+?)\((.+)\)", k)
        if m:
            return self.depts.get(m.group(1)) or self.depts.get(m.group(2))
        return None


def _items_index(jurisdiction_id: int):
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, code, name in LicensingItem.objects.filter(
        jurisdiction_id=jurisdiction_id, active=True
    ).values_list("pk", "code", "name"):
        if code:
            by_code[code] = pk
        by_name.setdefault(key(name), []).append(pk)
    return by_code, by_name


# --- the linkage list ------------------------------------------------------------------------


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


def linkage_import(
    *,
    actor,
    jurisdiction: Jurisdiction,
    source,
    filename: str = "",
    dry_run: bool = True,
    mode: str = "append",
    valid_from: dt.date | None = None,
    create_missing_items: bool = True,
    notify: bool = True,
) -> ImportReport:
    """Import the linkage list (导入审管联动事项清单) in 003's layout plus 002 §9's columns.

    mode "append" adds entries; "replace" also ends every live entry on `valid_from`. Missing
    approval items are created (original department = the regulator of the row; recorded as
    transferred on `valid_from` when the approval department is the bureau) unless
    `create_missing_items` is False. Raises ErrorList (nothing written) when a row fails;
    a dry run returns the report without writing.
    """
    services._require_manage(actor, jurisdiction.pk)
    if mode not in ("append", "replace"):
        raise ValidationFailed("bad_mode", "导入方式须为 append（追加）或 replace（替换）", "mode")
    valid_from = valid_from or timezone.localdate()
    report = ImportReport(kind="linkage", dry_run=dry_run)
    scratch = _Scratch()
    try:
        _load_scratch(scratch, jurisdiction.pk, valid_from, mode)
        _linkage_validate(scratch, jurisdiction, source, filename, report, create_missing_items)
        if report.problems:
            if dry_run:
                return report
            raise report.error()
        report.created = {
            "entries": report.records,
            "items": scratch.one("SELECT COUNT(*) FROM new_item")[0],
            "supervision_items": scratch.one("SELECT COUNT(*) FROM sup WHERE id IS NULL")[0],
            "retired_entries": 0,
        }
        if dry_run:
            return report
        report.batch = uuid.uuid4().hex[:12]
        _linkage_write(actor, jurisdiction, scratch, report, mode, valid_from, notify, filename)
        return report
    finally:
        scratch.close()


def _linkage_validate(scratch, jurisdiction, source, filename, report, create_missing) -> None:
    """Pass 1: read every row, report every problem, keep the validated records on disk."""
    refs = _Refs(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), LINKAGE_COLUMNS, report)

    def item_lookup(name: str, code: str, row: int):
        """(item_ref, problem) — an existing id, a new item's key, or a problem."""
        if code:
            hit = scratch.item_by_code(code)
            if hit:
                return hit[0], None
        k = key(name)
        if not code:
            hit = scratch.item_by_key(k)
            if hit and hit[1] == 1:
                return hit[0], None
            if hit:
                return None, (
                    "ambiguous_item",
                    f"审批事项“{name}”在目录中有{hit[1]}项同名，请填写审批事项编码",
                )
        if not name:
            return None, ("required", "审批事项不能为空")
        if create_missing or scratch.is_new_item(k):
            return k, None
        return None, ("unknown_item", f"审批事项“{name}”不在事项目录中")

    def finalize(rec: _Record) -> None:
        before = len(report.problems)
        v = rec.values
        p = sheet.problem
        seq = None
        seq_text = v.get("seq", "")
        if not (seq_text.isascii() and seq_text.isdecimal()):  # "12" needs no normalising
            seq_text = norm(seq_text)
        if seq_text:
            if len(seq_text) <= 7 and seq_text.isdecimal():
                seq = int(seq_text)
            else:
                p(rec.row, "seq", "bad_seq", f"序号“{seq_text}”须为正整数")
        a_text, r_text = v.get("approval_department", ""), v.get("regulator", "")
        a_dept = None if _blank(a_text) else refs.dept(a_text)
        if _blank(a_text):
            p(rec.row, "approval_department", "required", "行政审批部门不能为空")
        elif a_dept is None:
            p(
                rec.row,
                "approval_department",
                "unknown_department",
                f"部门“{clean_name_text(a_text)}”不存在：请先建立该部门或登记部门别名",
            )
        reg = None if _blank(r_text) else refs.dept(r_text)
        if _blank(r_text):
            p(rec.row, "regulator", "required", "行业主管部门不能为空")
        elif reg is None:
            p(
                rec.row,
                "regulator",
                "unknown_department",
                f"部门“{clean_name_text(r_text)}”不存在：请先建立该部门或登记部门别名",
            )
        elif refs.dept_kind.get(reg) == DepartmentKind.BUREAU:
            p(rec.row, "regulator", "regulator_is_bureau", "行业主管部门不能是行政审批局")
        a_div = r_div = None
        for col, dept, label in (
            ("approval_division", a_dept, "审批科室"),
            ("regulator_division", reg, "监管科室"),
        ):
            t = v.get(col, "")
            if dept is not None and not _blank(t):
                t = key(t)
                dv = refs.divisions.get((dept, t))
                if dv is None:
                    p(
                        rec.row,
                        col,
                        "unknown_division",
                        f"{label}“{clean_name_text(v.get(col))}”不属于{refs.dept_name[dept]}",
                    )
                if col == "approval_division":
                    a_div = dv
                else:
                    r_div = dv
        item_name = clean_name_text(v.get("item", ""))[:200]
        code = ""
        try:
            code = clean_item_code(v.get("item_code", ""))
        except DomainError as exc:
            p(rec.row, "item_code", exc.code, exc.message)
        item_ref, problem = item_lookup(item_name, code, rec.row)
        if problem:
            p(rec.row, "item", *problem)
        # the optional columns of 002 §9 are often missing or empty: their defaults
        power, stages, push, phone, person = _DEFAULT_POWER, (), _DEFAULT_PUSH, "", ""
        if text := v.get("power_type"):
            try:
                power = parse_power_type(text)
            except DomainError as exc:
                p(rec.row, "power_type", exc.code, exc.message)
                power = ""
        if text := v.get("stages"):
            try:
                stages = tuple(parse_stages(text))
            except DomainError as exc:
                p(rec.row, "stages", exc.code, exc.message)
        if text := v.get("push_method"):
            try:
                push = parse_push_method(text)
            except DomainError as exc:
                p(rec.row, "push_method", exc.code, exc.message)
                push = ""
        if text := v.get("contact_phone"):
            try:
                phone = clean_phone(norm(text), required=False)
            except DomainError as exc:
                p(rec.row, "contact_phone", exc.code, exc.message)
        if text := v.get("responsible_person"):
            person = clean_name_text(text)[:50]
        codes: list[str] = []
        for seg_row, codes_text, names_text in rec.segments:
            seg_codes = split_codes(codes_text)
            seg_names = split_names(names_text, len(seg_codes))
            if not seg_codes:
                p(seg_row, "sup_codes", "required", "监管事项编码不能为空")
                continue
            if len(seg_names) != len(seg_codes):
                p(
                    seg_row,
                    "sup_names",
                    "count_mismatch",
                    f"监管事项编码有{len(seg_codes)}个，名称有{len(seg_names)}个，须一一对应",
                )
            for i, raw_code in enumerate(seg_codes):
                try:
                    c = clean_supervision_code(raw_code)
                except DomainError as exc:
                    p(seg_row, "sup_codes", exc.code, exc.message)
                    continue
                if c in codes:
                    p(seg_row, "sup_codes", "duplicate_code", f"监管事项编码 {c} 在本条中重复")
                    continue
                codes.append(c)
                name = seg_names[i] if i < len(seg_names) else ""
                if len(name) > 500:
                    p(seg_row, "sup_names", "too_long", "监管事项名称不得超过500个字符")
                known = scratch.sup(c)
                if known is not None:
                    nkey, kreg, first_row = known
                    if name and nkey != _name_key(name):
                        where = f"第{first_row}行" if first_row else "已登记的监管事项"
                        p(
                            seg_row,
                            "sup_names",
                            "name_mismatch",
                            f"监管事项编码 {c} 的名称与{where}不一致",
                        )
                    if reg is not None and kreg != reg:
                        p(
                            seg_row,
                            "sup_codes",
                            "regulator_mismatch",
                            f"监管事项编码 {c} 属于{refs.dept_name.get(kreg, '其他部门')}，"
                            "与本行行业主管部门不一致",
                        )
                elif reg is not None and name:
                    scratch.add_sup(c, _name_key(name), reg, r_div, seg_row, name[:500])
        if len(report.problems) > before:
            return
        report.records += 1
        record = (
            seq,
            item_ref,
            a_dept,
            a_div,
            reg,
            r_div,
            tuple(codes),
            person,
            phone,
            power,
            stages,
            clean_multiline(v.get("approval_duties")),
            clean_multiline(v.get("supervision_duties")),
            push,
            clean_name_text(v["note"])[:500] if v.get("note") else "",
            rec.row,
        )
        new_item = (
            (item_ref, item_name, code, reg, power, a_dept) if isinstance(item_ref, str) else None
        )
        duplicates(scratch.add_record(record, _sig(item_ref, reg, codes), rec.row, new_item))

    def duplicates(found: list[tuple[int, int | None]]) -> None:
        """Report the records the scratch found repeated (in the file or in the list)."""
        for row, first in found:
            report.records -= 1
            if first is None:
                sheet.problem(
                    row,
                    "item",
                    "duplicate_entry",
                    "清单中已有相同的联动事项（同一审批事项、部门与监管事项）",
                )
            else:
                sheet.problem(
                    row,
                    "item",
                    "duplicate_row",
                    f"与第{first}行重复（同一审批事项、部门与监管事项）",
                )

    current: _Record | None = None
    for row, values, merged in sheet.data_rows():
        report.rows_read += 1
        item_empty = _blank(values.get("item", "")) or "item" in merged
        seq_empty = _blank(values.get("seq", "")) or "seq" in merged
        has_sup = not _blank(values.get("sup_codes", "")) or not _blank(values.get("sup_names", ""))
        continuation = item_empty and seq_empty and has_sup and current is not None
        if continuation and not sheet.last_was_header:
            current.segments.append(
                (row.number, values.get("sup_codes", ""), values.get("sup_names", ""))
            )
            continue
        if continuation:
            sheet.problem(
                row.number,
                "item",
                "continuation_after_header",
                "审批事项为空（续行不能紧跟在表头之后）",
            )
            continue
        if current is not None:
            finalize(current)
        current = _Record(
            row.number,
            values,
            [(row.number, values.get("sup_codes", ""), values.get("sup_names", ""))],
        )
    if current is not None:
        finalize(current)
    duplicates(scratch.flush())
    report.problems.sort(key=lambda p: p.row)  # duplicates are found a batch later
    if report.header_row is not None and report.records == 0 and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))


def clean_multiline(value) -> str:
    """Multi-line text with each line trimmed."""
    if not value:
        return ""
    lines = [" ".join(x.split()) for x in str(value or "").splitlines()]
    return "\n".join(x for x in lines if x)[:5000]


_ITEM_FIELDS = (
    "id",
    "jurisdiction_id",
    "code",
    "name",
    "power_type",
    "original_department_id",
    "statutory_days",
    "promised_days",
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
    "main_item_id",
    "transfer_status",
    "transfer_effective_on",
    "current_transfer_id",
    "active",
    "removed_on",
    "note",
    "created_at",
    "updated_at",
)
_TRANSFER_FIELDS = (
    "id",
    "jurisdiction_id",
    "item_id",
    "status",
    "effective_on",
    "receiving_department_id",
    "batch_name",
    "planned_on",
    "reason",
    "hall_window",
    "via_main_id",
    "memo_id",
    "note",
    "recorded_by_id",
    "recorded_at",
)
_ENTRY_FIELDS = (
    "id",
    "jurisdiction_id",
    "seq",
    "item_id",
    "approval_department_id",
    "approval_division_id",
    "regulator_id",
    "regulator_division_id",
    "responsible_person",
    "contact_phone",
    "power_type",
    "stages",
    "approval_duties",
    "supervision_duties",
    "push_method",
    "note",
    "valid_from",
    "valid_to",
    "replaces_id",
    "import_batch",
    "created_by_id",
    "created_at",
)


_TRANSFERRED = TransferStatus.TRANSFERRED.value
_UNDECIDED = TransferStatus.UNDECIDED.value


def _new_item_row(jid, item_id, name, code, dept, power, moved, day, record_id, now) -> tuple:
    """A LicensingItem row in the order of _ITEM_FIELDS."""
    status = _TRANSFERRED if moved else _UNDECIDED
    flags = (False,) * 7
    return (
        item_id,
        jid,
        code,
        name,
        power or "licensing",
        dept,
        None,
        None,
        *flags,
        None,
        status,
        day if moved else None,
        record_id,
        True,
        None,
        "",
        now,
        now,
    )


def _linkage_write(actor, jurisdiction, scratch, report, mode, valid_from, notify, filename):
    """Pass 2: write the validated records in one transaction (keys allocated first, rows sent
    by COPY or multi-row INSERT, foreign keys checked set-based where possible: core/bulk.py)."""
    jid = jurisdiction.pk
    db = scratch.db
    user_id = actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None
    now = db_datetime(timezone.now())
    day = db_date(valid_from)
    bureau_ids = set(
        Department.objects.filter(jurisdiction_id=jid, kind=DepartmentKind.BUREAU).values_list(
            "pk", flat=True
        )
    )
    note = f"随审管联动事项清单导入登记（批次{report.batch}）"
    try:
        with transaction.atomic():
            retired_regs: list[int] = []
            if mode == "replace":
                live = LinkageEntry.objects.filter(jurisdiction_id=jid).filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
                )
                retired_regs = list(live.values_list("regulator_id", flat=True).distinct())
                report.created["retired_entries"] = live.update(valid_to=valid_from)
            # the foreign keys of the bulk writes are checked set-based where the role may
            # turn the per-row triggers off (core/bulk.py)
            skip_fk_triggers()
            # new supervision items
            last = ""
            while chunk := db.execute(
                "SELECT code, name, reg, div FROM sup WHERE id IS NULL AND code > ? "
                "ORDER BY code LIMIT ?",
                (last, CHUNK),
            ).fetchall():
                last = chunk[-1][0]
                ids = allocate_ids(SupervisionItem, len(chunk))
                insert_rows(
                    SupervisionItem,
                    (
                        "id",
                        "jurisdiction_id",
                        "code",
                        "name",
                        "regulator_id",
                        "division_id",
                        "active",
                        "created_at",
                        "updated_at",
                    ),
                    [
                        (pk, jid, c, n, r, d, True, now, now)
                        for pk, (c, n, r, d) in zip(ids, chunk, strict=True)
                    ],
                )
                db.executemany(
                    "UPDATE sup SET id = ? WHERE code = ?",
                    [(pk, c[0]) for pk, c in zip(ids, chunk, strict=True)],
                )
            # new approval items, recorded as transferred when the bureau approves them
            link_later = connection.vendor == "sqlite"
            last_rowid = 0
            while chunk := db.execute(
                "SELECT rowid, name, code, dept, power, a_dept FROM new_item WHERE rowid > ? "
                "ORDER BY rowid LIMIT ?",
                (last_rowid, CHUNK),
            ).fetchall():
                last_rowid = chunk[-1][0]
                ids = allocate_ids(LicensingItem, len(chunk))
                moved = [c[5] in bureau_ids for c in chunk]
                rec_ids = iter(allocate_ids(TransferRecord, sum(moved)))
                items, records = [], []
                for pk, (_rid, name, code, dept, power, a_dept), mv in zip(
                    ids, chunk, moved, strict=True
                ):
                    rec_id = next(rec_ids) if mv else None
                    # SQLite checks a pending (deferred) key by scanning the referencing table,
                    # and nothing indexes current_transfer: link the record once it exists
                    link = None if link_later else rec_id
                    items.append(
                        _new_item_row(jid, pk, name, code, dept, power, mv, day, link, now)
                    )
                    if mv:
                        records.append(
                            (
                                rec_id,
                                jid,
                                pk,
                                _TRANSFERRED,
                                day,
                                a_dept,
                                "",
                                None,
                                "",
                                "",
                                None,
                                None,
                                note,
                                user_id,
                                now,
                            )
                        )
                insert_rows(LicensingItem, _ITEM_FIELDS, items)
                insert_rows(TransferRecord, _TRANSFER_FIELDS, records)
                if link_later:
                    update_column(
                        LicensingItem, "current_transfer_id", [(r[2], r[0]) for r in records]
                    )
                db.executemany(
                    "UPDATE new_item SET id = ? WHERE rowid = ?",
                    [(pk, c[0]) for pk, c in zip(ids, chunk, strict=True)],
                )
            next_seq = (
                LinkageEntry.objects.filter(jurisdiction_id=jid, valid_to__isnull=True).aggregate(
                    m=Max("seq")
                )["m"]
                or 0
            ) + 1
            regulators: set[int] = set(retired_regs)
            stages_json: dict[tuple, str] = {}  # a few combinations of stages, as JSON
            for batch in scratch.iter_records(CHUNK):
                new_keys = sorted({r[1] for r in batch if isinstance(r[1], str)})
                item_ids = {}
                if new_keys:
                    marks = ",".join("?" * len(new_keys))
                    sql = f"SELECT key, id FROM new_item WHERE key IN ({marks})"  # noqa: S608
                    item_ids = dict(db.execute(sql, new_keys).fetchall())
                codes = sorted({c for r in batch for c in r[6]})
                marks = ",".join("?" * len(codes))
                sql = f"SELECT code, id FROM sup WHERE code IN ({marks})"  # noqa: S608
                sup_ids = dict(db.execute(sql, codes).fetchall())
                entry_ids = allocate_ids(LinkageEntry, len(batch))
                rows, links = [], []
                for entry_id, rec in zip(entry_ids, batch, strict=True):
                    (
                        seq,
                        item_ref,
                        a_dept,
                        a_div,
                        reg,
                        r_div,
                        codes_,
                        person,
                        phone,
                        power,
                        stages,
                        a_duties,
                        s_duties,
                        push,
                        note_,
                        _row,
                    ) = rec
                    if seq is None:
                        seq = next_seq
                        next_seq += 1
                    item_id = item_ref if isinstance(item_ref, int) else item_ids[item_ref]
                    rows.append(
                        (
                            entry_id,
                            jid,
                            seq,
                            item_id,
                            a_dept,
                            a_div,
                            reg,
                            r_div,
                            person,
                            phone,
                            power,
                            stages_json.get(stages)
                            or stages_json.setdefault(stages, db_json(list(stages))),
                            a_duties,
                            s_duties,
                            push,
                            note_,
                            day,
                            None,
                            None,
                            report.batch,
                            user_id,
                            now,
                        )
                    )
                    links.extend(
                        (jid, entry_id, sup_ids[c], pos) for pos, c in enumerate(codes_, start=1)
                    )
                    regulators.add(reg)
                insert_rows(LinkageEntry, _ENTRY_FIELDS, rows)
                insert_rows(
                    LinkageEntrySupervision,
                    ("jurisdiction_id", "entry_id", "supervision_item_id", "position"),
                    links,
                )
            restore_fk_triggers()
            if notify:
                services._notice(
                    actor=actor,
                    jurisdiction_id=jid,
                    kind=ChangeKind.LIST_IMPORT,
                    summary=f"导入审管联动事项清单{report.records}条（{filename or '上传文件'}）"
                    + ("，并替换原清单" if mode == "replace" else ""),
                    effective_on=valid_from,
                    department_ids=services._regulator_ids(regulators),
                )
            audit_record(
                actor=actor,
                action="catalog.linkage.import",
                obj=("catalog.linkageimport", report.batch),
                jurisdiction_id=jid,
                after={
                    "file": filename,
                    "sha256": report.sha256,
                    "mode": mode,
                    "valid_from": valid_from,
                    **report.created,
                },
            )
    finally:
        release_reservations()


# --- supervision items -----------------------------------------------------------------------


def supervision_import(
    *, actor, jurisdiction: Jurisdiction, source, filename: str = "", dry_run: bool = True
) -> ImportReport:
    """Import supervision items (导入监管事项): new codes are added, known codes updated."""
    services._require_manage(actor, jurisdiction.pk)
    report = ImportReport(kind="supervision", dry_run=dry_run)
    refs = _Refs(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), SUPERVISION_COLUMNS, report)
    existing = {s.code: s for s in SupervisionItem.objects.filter(jurisdiction=jurisdiction)}
    rows: list[tuple[int, str, str, int, int | None]] = []
    first_row: dict[str, int] = {}
    for row, v, _merged in sheet.data_rows():
        report.rows_read += 1
        before = len(report.problems)
        try:
            code = clean_supervision_code(v.get("code", ""))
        except DomainError as exc:
            sheet.problem(row.number, "code", exc.code, exc.message)
            code = ""
        name = clean_name_text(v.get("name", ""))
        if not name:
            sheet.problem(row.number, "name", "required", "监管事项名称不能为空")
        elif len(name) > 500:
            sheet.problem(row.number, "name", "too_long", "监管事项名称不得超过500个字符")
        reg = refs.dept(v.get("regulator", "")) if key(v.get("regulator", "")) else None
        if reg is None:
            sheet.problem(
                row.number,
                "regulator",
                "unknown_department",
                f"部门“{clean_name_text(v.get('regulator', ''))}”不存在"
                if key(v.get("regulator", ""))
                else "监管部门不能为空",
            )
        div = None
        if key(v.get("division", "")) and reg is not None:
            div = refs.divisions.get((reg, key(v["division"])))
            if div is None:
                sheet.problem(
                    row.number,
                    "division",
                    "unknown_division",
                    f"监管科室“{clean_name_text(v['division'])}”不属于{refs.dept_name[reg]}",
                )
        if code and code in first_row:
            sheet.problem(
                row.number,
                "code",
                "duplicate_code",
                f"监管事项编码 {code} 与第{first_row[code]}行重复",
            )
        if len(report.problems) == before:
            first_row[code] = row.number
            rows.append((row.number, code, name, reg, div))
    report.records = len(rows)
    if report.header_row is not None and not rows and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))
    if report.problems:
        if dry_run:
            return report
        raise report.error()
    new = [r for r in rows if r[1] not in existing]
    changed = [
        r
        for r in rows
        if r[1] in existing
        and (existing[r[1]].name, existing[r[1]].regulator_id, existing[r[1]].division_id) != r[2:]
    ]
    report.created = {"supervision_items": len(new), "updated": len(changed)}
    if dry_run:
        return report
    with transaction.atomic():
        for _n, code, name, reg, div in new:
            services.supervision_item_create(
                actor=actor,
                jurisdiction=jurisdiction,
                code=code,
                name=name,
                regulator=reg,
                division=div,
            )
        for _n, code, name, reg, div in changed:
            services.supervision_item_update(
                actor=actor, supervision_item=existing[code], name=name, regulator=reg, division=div
            )
    return report


# --- licensing items -------------------------------------------------------------------------

_FLAG_KEYS = (
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
)


def item_import(
    *,
    actor,
    jurisdiction: Jurisdiction,
    source,
    filename: str = "",
    dry_run: bool = True,
    effective_on: dt.date | None = None,
) -> ImportReport:
    """Import licensing items with their transfer status (导入行政许可事项目录): new items are
    added, known ones (by code, else by name) updated; a changed status adds a dated record."""
    services._require_manage(actor, jurisdiction.pk)
    effective_on = effective_on or timezone.localdate()
    report = ImportReport(kind="items", dry_run=dry_run)
    refs = _Refs(jurisdiction.pk)
    by_code, by_name = _items_index(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), ITEM_COLUMNS, report)
    parsed: list[dict] = []
    file_codes: dict[str, int] = {}
    file_names: dict[str, int] = {}
    for row, v, _merged in sheet.data_rows():
        report.rows_read += 1
        before = len(report.problems)
        p = sheet.problem
        n = row.number
        d: dict = {"row": n}
        try:
            d["code"] = clean_item_code(v.get("code", ""))
        except DomainError as exc:
            p(n, "code", exc.code, exc.message)
        d["name"] = clean_name_text(v.get("name", ""))[:200]
        if not d["name"]:
            p(n, "name", "required", "事项名称不能为空")
        dept_text = v.get("original_department", "")
        d["original_department"] = refs.dept(dept_text) if key(dept_text) else None
        if d["original_department"] is None:
            p(
                n,
                "original_department",
                "unknown_department",
                f"部门“{clean_name_text(dept_text)}”不存在"
                if key(dept_text)
                else "原审批部门不能为空",
            )
        for col, fn in (
            ("power_type", lambda x: parse_power_type(x)),
            ("statutory_days", lambda x: clean_days(x, "statutory_days", "法定时限")),
            ("promised_days", lambda x: clean_days(x, "promised_days", "承诺时限")),
            ("transfer_status", lambda x: parse_transfer_status(x)),
            ("effective_on", lambda x: parse_date(x, "effective_on", "生效日期")),
            ("planned_on", lambda x: parse_date(x, "planned_on", "计划划转日期")),
        ):
            try:
                d[col] = fn(v.get(col, ""))
            except DomainError as exc:
                p(n, col, exc.code, exc.message)
        for col in _FLAG_KEYS:
            try:
                d[col] = parse_flag(v.get(col, ""), col, sheet.by_key[col].title)
            except DomainError as exc:
                p(n, col, exc.code, exc.message)
        for col in ("batch_name", "reason", "hall_window", "note"):
            d[col] = clean_name_text(v.get(col, ""))
        main_code = normalize_text(v.get("main_code", "")).replace(" ", "")
        main_name = clean_name_text(v.get("main_name", ""))
        d["main"] = (main_code, main_name) if (main_code or main_name) else None
        if d.get("code"):
            if d["code"] in file_codes:
                p(n, "code", "duplicate_code", f"事项编码与第{file_codes[d['code']]}行重复")
            file_codes.setdefault(d["code"], n)
        elif d["name"]:
            if key(d["name"]) in file_names:
                p(n, "name", "duplicate_name", f"事项名称与第{file_names[key(d['name'])]}行重复")
            file_names.setdefault(key(d["name"]), n)
        if d.get("transfer_status") == TransferStatus.PLANNED and not (
            d["batch_name"] or d.get("planned_on")
        ):
            p(n, "batch_name", "batch_required", "分批划转须填写批次或计划划转日期")
        if (
            d.get("transfer_status") in (TransferStatus.RETAINED, TransferStatus.TAKEN_BACK)
            and not d["reason"]
        ):
            p(n, "reason", "reason_required", "暂不划转或收回须填写原因")
        if len(report.problems) == before:
            parsed.append(d)
    # main items must exist in the catalogue or earlier in the file
    known_codes = set(by_code) | {d["code"] for d in parsed if d.get("code")}
    known_names = set(by_name) | {key(d["name"]) for d in parsed}
    for d in parsed:
        if d["main"]:
            mc, mn = d["main"]
            if (mc and mc not in known_codes) or (not mc and key(mn) not in known_names):
                sheet.problem(
                    d["row"],
                    "main_code" if mc else "main_name",
                    "unknown_main",
                    f"主项“{mc or mn}”不在目录或本文件中",
                )
    report.records = len(parsed)
    if report.header_row is not None and not parsed and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))
    if report.problems:
        if dry_run:
            return report
        raise report.error()
    report.created = {
        "items": sum(1 for d in parsed if not _find_item(d, by_code, by_name)),
        "updated": sum(1 for d in parsed if _find_item(d, by_code, by_name)),
    }
    if dry_run:
        return report
    with transaction.atomic():
        resolved: dict[str, LicensingItem] = {}
        # main items first, so related items can point at them
        for d in sorted(parsed, key=lambda d: d["main"] is not None):
            fields = {
                k: d[k]
                for k in (
                    "name",
                    "power_type",
                    "statutory_days",
                    "promised_days",
                    "note",
                    *_FLAG_KEYS,
                )
                if k in d
            }
            fields["original_department"] = d["original_department"]
            if d.get("code"):
                fields["code"] = d["code"]
            if d["main"]:
                mc, mn = d["main"]
                main = (
                    resolved.get(mc)
                    or resolved.get(key(mn))
                    or LicensingItem.objects.filter(
                        Q(code=mc) if mc else Q(name=mn), jurisdiction=jurisdiction, active=True
                    ).first()
                )
                fields["main_item"] = main
            pk = _find_item(d, by_code, by_name)
            if pk:
                item = services.item_update(
                    actor=actor,
                    item=LicensingItem.objects.get(pk=pk),
                    effective_on=effective_on,
                    **fields,
                )
            else:
                name = fields.pop("name")
                dept = fields.pop("original_department")
                item = services.item_create(
                    actor=actor,
                    jurisdiction=jurisdiction,
                    name=name,
                    original_department=dept,
                    effective_on=effective_on,
                    **fields,
                )
            if item.code:
                resolved[item.code] = item
            resolved[key(item.name)] = item
            status = d.get("transfer_status")
            when = d.get("effective_on") or effective_on
            if status and (status != item.transfer_status or when != item.transfer_effective_on):
                services.transfer_record(
                    actor=actor,
                    item=item,
                    status=status,
                    effective_on=when,
                    batch_name=d["batch_name"],
                    planned_on=d.get("planned_on"),
                    reason=d["reason"],
                    hall_window=d["hall_window"],
                    exclude_related=list(item.related_items.values_list("pk", flat=True)),
                )
    return report


def _find_item(d: dict, by_code, by_name) -> int | None:
    if d.get("code") and d["code"] in by_code:
        return by_code[d["code"]]
    ids = by_name.get(key(d["name"]), [])
    if len(ids) == 1 and (not d.get("code")):
        return ids[0]
    return None
