"""The import framework (导入框架): column layouts with accepted titles, a header finder that
skips title rows and repeated headers, and a report of every problem by row and column.

Real spreadsheets have title rows, the header repeated on every printed page (003's attachment),
merged cells, full-width characters and stray spaces. An import reads its rows through
`HeaderSheet.data_rows()`, records each problem with `HeaderSheet.problem(row, key, code,
message)`, and writes nothing unless `ImportReport.ok` (a dry run never writes).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from shenguan.core.errors import ErrorList
from shenguan.core.text import normalize_text

from .limits import DEFAULT_LIMITS, SheetLimits
from .progress import progress_hook
from .reader import SheetRow, iter_rows


def key(value) -> str:
    """A comparison key for names: NFKC (full-width → half-width), no whitespace."""
    if isinstance(value, str):
        if value.isascii():
            return "".join(value.split())
        return _key_str(value)
    return normalize_text(value).replace(" ", "")


@functools.lru_cache(maxsize=4096)
def _key_str(value: str) -> str:
    return normalize_text(value).replace(" ", "")


def blank(text: str) -> bool:
    """Whether a cell holds nothing but whitespace (what `key` would make empty)."""
    return not text or text.isspace()


def clean_name_text(value) -> str:
    """A name as given, whitespace collapsed (full-width punctuation of Chinese text is kept)."""
    return " ".join(str(value or "").replace("\u3000", " ").split())


# --- column layouts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a layout: key, the title written on export, accepted titles, required."""

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@functools.lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """A header cell compared without spaces, full-width forms or 'required' marks."""
    return key(text).replace("*", "").replace("(必填)", "").replace("（必填）", "")


def alias_table(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted title of a layout (by `header_key`) → the column's key."""
    table: dict[str, str] = {}
    for c in columns:
        for a in (c.title, *c.aliases):
            table[header_key(a)] = c.key
    return table


# --- the report --------------------------------------------------------------------------------


@dataclass
class Problem:
    """One problem found in a file: row, column title, stable code and a Chinese message."""

    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    """What an import found and did (导入结果)."""

    kind: str
    dry_run: bool
    header_row: int | None = None
    rows_read: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    batch: str = ""
    sha256: str = ""
    # names of what the import will create that the file did not find (issue 12 item 10: a
    # dry run lists them instead of creating them silently), by kind, with the first row
    to_create: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def error(self) -> ErrorList:
        """The refusal of a file with problems: every problem, nothing written."""
        return ErrorList(
            [p.as_dict() for p in self.problems],
            f"导入未通过校验，共{len(self.problems)}个问题，未写入任何数据",
        )

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "records": self.records,
            "problems": [p.as_dict() for p in self.problems],
            "created": dict(self.created),
            "batch": self.batch,
            "sha256": self.sha256,
            "to_create": {k: list(v) for k, v in self.to_create.items()},
        }


def read_rows(
    source, filename: str, report: ImportReport, *, limits: SheetLimits = DEFAULT_LIMITS
) -> Iterator[SheetRow]:
    """The rows of an uploaded file (held to `limits`), its SHA-256 recorded in the report."""
    h = hashlib.sha256()
    source.seek(0)
    while True:
        chunk = source.read(1 << 20)
        if not chunk:
            break
        h.update(chunk if isinstance(chunk, bytes) else chunk.encode())
    report.sha256 = h.hexdigest()
    source.seek(0)
    rows = iter_rows(source, filename, limits=limits)
    hook = progress_hook.get()
    return rows if hook is None else _reporting(rows, hook)


def _reporting(rows: Iterator[SheetRow], hook) -> Iterator[SheetRow]:
    """The rows, telling a running import job how far the reading has got."""
    for n, row in enumerate(rows, start=1):
        if n % 500 == 0:
            hook(n)
        yield row


class HeaderSheet:
    """Finds the header, skips title rows and repeated headers, reports misplaced headers."""

    def __init__(self, rows: Iterator[SheetRow], columns: tuple[Column, ...], report: ImportReport):
        self.rows = rows
        self.columns = columns
        self.by_key = {c.key: c for c in columns}
        self.aliases = alias_table(columns)
        self.report = report
        self.mapping: dict[int, str] | None = None  # column index -> key
        self.titles: dict[str, str] = {}  # key -> title as written in the file
        self.last_was_header = False
        # the first characters titles can start with, and a memo of cells' first characters
        self._initials = {a[0] for a in self.aliases if a}
        self._may_be_title: dict[str, bool] = {}

    def _hits(self, cells) -> dict[int, str]:
        out = {}
        memo = self._may_be_title
        for i, c in enumerate(cells):
            # titles are short: long cells (names, duties) cannot be one; nor can a cell whose
            # first character starts no title (most data cells, checked without normalising)
            if not c or len(c) > 30:
                continue
            may = memo.get(c[0])
            if may is None:
                may = self._may_start_title(c[0])
                if len(memo) < 10_000:
                    memo[c[0]] = may
            if may:
                k = self.aliases.get(header_key(c))
                if k is not None:
                    out[i] = k
        return out

    def _may_start_title(self, ch: str) -> bool:
        """Whether a cell starting with `ch` may normalise to a title (spaces, marks such as
        '*' and '(必填)' and full-width forms are dropped or folded by `header_key`)."""
        folded = header_key(ch)
        return not folded or folded[0] in self._initials or ch in "(（*＊"

    def problem(self, row: int, column_key: str | None, code: str, message: str) -> None:
        """Record a problem of a row (and column, by its key) in the report."""
        col = self.titles.get(column_key or "", "") or (
            self.by_key[column_key].title if column_key in self.by_key else ""
        )
        where = f"第{row}行" + (f"“{col}”" if col else "")
        self.report.problems.append(Problem(row, col, code, f"{where}：{message}"))

    def data_rows(self) -> Iterator[tuple[SheetRow, dict[str, str], set[str]]]:
        """(row, {key: text}, keys filled from a merged range) for every data row."""
        for row in self.rows:
            cells = row.cells
            if all(blank(c) for c in cells):
                continue
            hits = self._hits(cells)
            distinct = set(hits.values())
            if self.mapping is None:
                if len(distinct) >= 3:
                    self._set_header(row, cells, hits)
                    if self.report.problems:
                        return
                continue
            if len(distinct) >= 3:
                if hits == self.mapping and not row.merged:
                    self.last_was_header = True  # a repeated header (003 repeats it per page)
                else:
                    self.problem(
                        row.number,
                        None,
                        "misplaced_header",
                        f"重复的表头与第{self.report.header_row}行的表头不一致（列的位置不同或位于"
                        "合并单元格中间），请删除或改正该行",
                    )
                    self.last_was_header = True
                continue
            values = {}
            merged = set()
            for i, k in self.mapping.items():
                v = cells[i] if i < len(cells) else ""
                values[k] = "" if v is None else str(v)
                if i in row.merged:
                    merged.add(k)
            if self._is_note(values, cells):
                continue
            yield row, values, merged
            self.last_was_header = False
        if self.mapping is None:
            titles = "、".join(c.title for c in self.columns if c.required)
            self.report.problems.append(
                Problem(0, "", "header_not_found", f"未找到表头：文件中须有包含“{titles}”的表头行")
            )

    def _set_header(self, row: SheetRow, cells, hits: dict[int, str]) -> None:
        self.report.header_row = row.number
        seen: dict[str, int] = {}
        for i, k in hits.items():
            if k in seen:
                self.report.problems.append(
                    Problem(
                        row.number,
                        str(cells[i]),
                        "duplicate_column",
                        f"第{row.number}行表头：列“{cells[i]}”与第{seen[k] + 1}列重复",
                    )
                )
            seen[k] = i
            self.titles[k] = normalize_text(cells[i])
        for c in self.columns:
            if c.required and c.key not in seen:
                self.report.problems.append(
                    Problem(
                        row.number,
                        c.title,
                        "missing_column",
                        f"第{row.number}行表头：缺少必填列“{c.title}”",
                    )
                )
        self.mapping = hits
        self.last_was_header = True

    @staticmethod
    def _is_note(values: dict[str, str], cells) -> bool:
        """A trailing remark row such as '注：…' or '备注：…' in the first cell only."""
        filled = [c for c in cells if not blank(c)]
        return (
            len(filled) == 1
            and re.match(r"^(注|备注|说明|填表说明)[:：]", filled[0].strip()) is not None
        )
