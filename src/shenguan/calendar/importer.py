"""Reading one year's calendar from a CSV or YAML transcription of the State Council notice.

Both formats are described in docs/calendar-import.md. `parse_calendar` reads and validates the
whole file and either returns an `ImportPlan` (the year, its source notice, the days and any
warnings) or raises `ErrorList` listing every problem with its line and field; nothing is written
here. The management command, the upload page and the API all call it, then hand the plan to
`services.calendar_import_year`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import yaml
from django.utils.translation import gettext_lazy

from shenguan.core.errors import ErrorList

from .models import DayKind
from .services import DayEntry
from .workdays import FIRST, LAST

MAX_BYTES = 256 * 1024
MAX_NAME = 50
MAX_SOURCE = 300
MAX_RANGE_DAYS = 15  # the longest holiday block so far is 9 days (Spring Festival 2026)
MAX_PROBLEMS = 200

CSV_COLUMNS = ("date", "kind", "name", "source")
CSV_COLUMN_ALIASES = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "source": "source",
    "依据": "source",
}
FIELD_TITLES = {
    "date": "日期",
    "kind": "类型",
    "name": "名称",
    "source": "依据",
    "year": "年度",
    "holidays": "节假日",
    "workdays": "调休上班日",
    "from": "起始日期",
    "to": "结束日期",
    "file": "文件",
    "header": "表头",
    "note": "备注",
}

HOLIDAY_WORDS = frozenset({"holiday", "休", "假", "放假", "休息", "节假日", "法定节假日"})
WORKDAY_WORDS = frozenset({"workday", "班", "上班", "补班", "调休上班", "调休"})
KNOWN_HOLIDAYS = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆", "抗日战争", "抗战")
_MAKEUP_SUFFIXES = ("调休上班", "调休", "补班", "上班")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_WEEKDAYS = "一二三四五六日"


@dataclass
class ImportPlan:
    """A validated year ready to import (待导入年度日历): days, source notice and warnings."""

    format: str
    year: int
    source: str
    entries: list[DayEntry]
    warnings: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def holidays(self) -> list[DayEntry]:
        """The holidays, in date order."""
        return [e for e in self.entries if e.kind == DayKind.HOLIDAY]

    @property
    def workdays(self) -> list[DayEntry]:
        """The make-up working days, in date order."""
        return [e for e in self.entries if e.kind == DayKind.WORKDAY]


class _Problems:
    """Collects problems (line, field, code, Chinese message) in file order."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, line: int | None, fld: str | None, code: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append({"line": line, "field": fld, "code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)


def describe(problem: dict) -> str:
    """One problem as a line of Chinese text: 第N行 字段“…”：message."""
    parts = []
    if problem.get("line"):
        parts.append(f"第{problem['line']}行")
    if problem.get("field"):
        parts.append(f"“{FIELD_TITLES.get(problem['field'], problem['field'])}”")
    prefix = " ".join(parts)
    return f"{prefix}：{problem['message']}" if prefix else problem["message"]


def weekday_zh(d: dt.date) -> str:
    """周一…周日."""
    return "周" + _WEEKDAYS[d.weekday()]


_WEEKDAY_NAMES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


def weekday_name(d: dt.date) -> str:
    """周一…周日 in the interface language (for pages; messages use weekday_zh)."""
    return str(_WEEKDAY_NAMES[d.weekday()])


def clean_text(value) -> str:
    """A cell as text, trimmed (ideographic spaces too); Chinese punctuation is kept."""
    if value is None:
        return ""
    return str(value).replace("\u3000", " ").strip()


def _ascii(value) -> str:
    """A date, kind, year or header cell: NFKC (full-width digits and signs to ASCII), trimmed."""
    return unicodedata.normalize("NFKC", clean_text(value)).strip()


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    """A date from YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日); else (None, Chinese reason)."""
    t = _ascii(text)
    if not t:
        return None, "日期不能为空"
    m = _DATE.match(t)
    if not m:
        return None, f"日期“{t}”格式无效，应为 YYYY-MM-DD"
    y, mo, d = (int(x) for x in m.groups())
    try:
        value = dt.date(y, mo, d)
    except ValueError:
        return None, f"日期“{t}”不存在"
    if value < FIRST or value > LAST:
        return None, f"日期“{t}”超出支持范围（{FIRST.year}–{LAST.year}年）"
    return value, None


def parse_kind(text: str) -> str | None:
    """holiday / workday from the English or Chinese word, or None if unknown."""
    t = _ascii(text).lower()
    if t in HOLIDAY_WORDS:
        return DayKind.HOLIDAY
    if t in WORKDAY_WORDS:
        return DayKind.WORKDAY
    return None


def _decode(content: bytes | str, problems: _Problems) -> str | None:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    if len(content) > MAX_BYTES:
        problems.add(None, "file", "file_too_large", f"文件过大：不得超过 {MAX_BYTES // 1024} KB")
        return None
    if b"\x00" in content[:4096]:
        problems.add(
            None, "file", "not_text", "文件不是文本文件（请上传 CSV 或 YAML，不要上传 Excel 文件）"
        )
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(enc)
        except UnicodeDecodeError:
            continue
    problems.add(None, "file", "bad_encoding", "无法识别文件编码，请保存为 UTF-8")
    return None


def detect_format(filename: str | None, text: str) -> str | None:
    """'csv' or 'yaml' from the file name, else from the content; None if neither."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name and "." in name.rsplit("/", 1)[-1]:
        return None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line == "---":
            continue
        return "yaml" if re.match(r"^(year|source|holidays|workdays)\s*:", line) else "csv"
    return None


def parse_calendar(
    content: bytes | str,
    *,
    filename: str | None = None,
    fmt: str | None = None,
    expected_year: int | None = None,
) -> ImportPlan:
    """Read and validate one year's calendar; raise ErrorList with every problem found."""
    problems = _Problems()
    text = _decode(content, problems)
    if text is None:
        raise ErrorList(problems.items)
    if not text.strip():
        raise ErrorList(
            [{"line": None, "field": "file", "code": "empty_file", "message": "文件为空"}]
        )
    fmt = fmt or detect_format(filename, text)
    if fmt == "csv":
        raw = _read_csv(text, problems)
    elif fmt == "yaml":
        raw = _read_yaml(text, problems)
    else:
        raise ErrorList(
            [
                {
                    "line": None,
                    "field": "file",
                    "code": "unknown_format",
                    "message": "无法识别文件格式：仅支持 .csv、.yaml、.yml 文件",
                }
            ]
        )
    if raw is None:
        raise ErrorList(problems.items)
    plan = _check(fmt, raw, problems, expected_year)
    if problems:
        raise ErrorList(sorted(problems.items, key=lambda p: p["line"] or 0))
    return plan


# --- the two readers: both produce the same raw rows ---------------------------------------------


@dataclass
class _Row:
    line: int
    date: dt.date | None
    kind: str | None
    name: str
    source: str = ""
    date_field: str = "date"


@dataclass
class _Raw:
    year: int | None
    year_line: int | None
    source: str
    rows: list[_Row]
    note: str = ""


def _read_csv(text: str, problems: _Problems) -> _Raw | None:
    lines = [
        (i, raw)
        for i, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not raw.lstrip().startswith("#")
    ]
    if not lines:
        problems.add(None, "file", "empty_file", "文件中没有数据")
        return None
    header_line, header_text = lines[0]
    header = [_ascii(c).lower() for c in next(csv.reader([header_text]))]
    columns: dict[str, int] = {}
    for idx, col in enumerate(header):
        key = CSV_COLUMN_ALIASES.get(col)
        if key is None:
            problems.add(
                header_line,
                "header",
                "unknown_column",
                f"未知的列“{col}”：表头须为 date,kind,name,source（或 日期,类型,名称,依据）",
            )
        elif key in columns:
            problems.add(header_line, key, "duplicate_column", f"列“{col}”重复")
        else:
            columns[key] = idx
    for key in CSV_COLUMNS:
        if key not in columns:
            problems.add(
                header_line,
                key,
                "missing_column",
                f"缺少列“{key}”（{FIELD_TITLES[key]}）：表头须为 date,kind,name,source",
            )
    if problems:
        return None
    rows: list[_Row] = []
    last_source = ""
    for line_no, raw in lines[1:]:
        cells = next(csv.reader([raw]))
        if len(cells) != len(header):
            problems.add(
                line_no,
                None,
                "wrong_cell_count",
                f"本行有 {len(cells)} 列，表头有 {len(header)} 列",
            )
            continue
        get = lambda k, cells=cells: clean_text(cells[columns[k]])  # noqa: E731
        d, why = parse_date(get("date"))
        if why:
            problems.add(line_no, "date", "bad_date", why)
        kind_text = get("kind")
        kind = parse_kind(kind_text)
        if kind is None:
            problems.add(
                line_no,
                "kind",
                "bad_kind",
                f"类型“{kind_text}”无效：应为 holiday/休 或 workday/班"
                if kind_text
                else "类型不能为空：应为 holiday/休 或 workday/班",
            )
        source = get("source") or last_source
        if not source:
            problems.add(
                line_no,
                "source",
                "source_required",
                "第一条数据须填写依据（国务院办公厅通知名称及文号）",
            )
        last_source = source
        rows.append(_Row(line_no, d, kind, get("name"), source))
    sources = list(dict.fromkeys(r.source for r in rows if r.source))
    joined = "；".join(sources)
    if len(sources) > 1 and len(joined) > MAX_SOURCE:
        joined = sources[0][: MAX_SOURCE - 1] + "等"
    return _Raw(year=None, year_line=None, source=joined, rows=rows)


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader whose scalars stay strings (dates are parsed here, with Chinese errors)."""


_NoAliasLoader.yaml_implicit_resolvers = {}


def _yaml_line(node) -> int:
    return node.start_mark.line + 1


def _scalar(node, key: str, problems: _Problems) -> str | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        problems.add(
            _yaml_line(node), key, "not_scalar", f"“{FIELD_TITLES.get(key, key)}”须为单个值"
        )
        return None
    return clean_text(node.value)


def _mapping(node, where: str, allowed: tuple[str, ...], problems: _Problems) -> dict | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            _yaml_line(node),
            where,
            "not_mapping",
            f"“{FIELD_TITLES.get(where, where)}”的每一项须为键值对",
        )
        return None
    out: dict[str, tuple] = {}
    for k, v in node.value:
        key = clean_text(k.value) if isinstance(k, yaml.ScalarNode) else ""
        if key not in allowed:
            problems.add(
                _yaml_line(k),
                where,
                "unknown_key",
                f"未知的键“{key}”：此处只允许 {', '.join(allowed)}",
            )
            continue
        if key in out:
            problems.add(_yaml_line(k), key, "duplicate_key", f"键“{key}”重复")
            continue
        out[key] = (k, v)
    return out


def _read_yaml(text: str, problems: _Problems) -> _Raw | None:
    try:
        for event in yaml.parse(text, Loader=_NoAliasLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.add(
                    event.start_mark.line + 1,
                    None,
                    "yaml_alias",
                    "不支持 YAML 锚点和别名（& 与 *）",
                )
                return None
        root = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(
            mark.line + 1 if mark else None,
            "file",
            "yaml_syntax",
            f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}",
        )
        return None
    if root is None:
        problems.add(None, "file", "empty_file", "文件中没有数据")
        return None
    top = _mapping(root, "file", ("year", "source", "note", "holidays", "workdays"), problems)
    if top is None:
        return None
    year, year_line = None, None
    if "year" not in top:
        problems.add(1, "year", "year_required", "缺少“year”（年度）")
    else:
        _k, v = top["year"]
        year_line = _yaml_line(v)
        t = _scalar(v, "year", problems)
        t = _ascii(t) if t is not None else None
        if t is not None:
            if re.fullmatch(r"\d{4}", t):
                year = int(t)
            else:
                problems.add(year_line, "year", "bad_year", f"年度“{t}”无效，应为四位数字")
    source = ""
    if "source" not in top:
        problems.add(
            1, "source", "source_required", "缺少“source”（依据：国务院办公厅通知名称及文号）"
        )
    else:
        source = _scalar(top["source"][1], "source", problems) or ""
        if not source:
            problems.add(
                _yaml_line(top["source"][1]),
                "source",
                "source_required",
                "请填写依据（国务院办公厅通知名称及文号）",
            )
    note = ""
    if "note" in top:
        note = _scalar(top["note"][1], "note", problems) or ""
    rows: list[_Row] = []
    for section, kind in (("holidays", DayKind.HOLIDAY), ("workdays", DayKind.WORKDAY)):
        if section not in top:
            if section == "holidays":
                problems.add(1, "holidays", "holidays_required", "缺少“holidays”（节假日）")
            continue
        _key, seq = top[section]
        if isinstance(seq, yaml.ScalarNode) and seq.value in ("", "~", "null"):
            continue  # an explicitly empty list
        if not isinstance(seq, yaml.SequenceNode):
            problems.add(
                _yaml_line(seq), section, "not_list", f"“{section}”须为列表（每项以 - 开头）"
            )
            continue
        for item in seq.value:
            if kind == DayKind.HOLIDAY:
                rows.extend(_yaml_holiday(item, problems))
            else:
                rows.extend(_yaml_workday(item, problems))
    return _Raw(year=year, year_line=year_line, source=source, rows=rows, note=note)


def _yaml_date(parts: dict, key: str, item, problems: _Problems) -> tuple[dt.date | None, int]:
    if key not in parts:
        line = _yaml_line(item)
        problems.add(line, key, f"{key}_required", f"缺少“{key}”（{FIELD_TITLES[key]}）")
        return None, line
    node = parts[key][1]
    text = _scalar(node, key, problems)
    if text is None:
        return None, _yaml_line(node)
    d, why = parse_date(text)
    if why:
        problems.add(_yaml_line(node), key, "bad_date", why)
    return d, _yaml_line(node)


def _yaml_name(parts: dict, item, problems: _Problems) -> str:
    if "name" not in parts:
        return ""
    return _scalar(parts["name"][1], "name", problems) or ""


def _yaml_holiday(item, problems: _Problems) -> list[_Row]:
    parts = _mapping(item, "holidays", ("name", "from", "to"), problems)
    if parts is None:
        return []
    name = _yaml_name(parts, item, problems)
    start, start_line = _yaml_date(parts, "from", item, problems)
    if "to" in parts:
        end, end_line = _yaml_date(parts, "to", item, problems)
    else:
        end, end_line = start, start_line
    if start is None or end is None:
        return [_Row(start_line, None, DayKind.HOLIDAY, name, date_field="from")]
    if end < start:
        problems.add(end_line, "to", "range_reversed", f"结束日期 {end} 早于起始日期 {start}")
        return []
    days = (end - start).days + 1
    if days > MAX_RANGE_DAYS:
        problems.add(
            end_line,
            "to",
            "range_too_long",
            f"假期 {start} 至 {end} 共 {days} 天，超过 {MAX_RANGE_DAYS} 天，请检查起止日期",
        )
        return []
    out = []
    for i in range(days):
        d = start + dt.timedelta(days=i)
        out.append(_Row(start_line, d, DayKind.HOLIDAY, name, date_field="from"))
    return out


def _yaml_workday(item, problems: _Problems) -> list[_Row]:
    parts = _mapping(item, "workdays", ("date", "name"), problems)
    if parts is None:
        return []
    name = _yaml_name(parts, item, problems)
    d, line = _yaml_date(parts, "date", item, problems)
    return [_Row(line, d, DayKind.WORKDAY, name)]


# --- the checks both formats share -----------------------------------------------------------


def _base_name(name: str) -> str:
    for suffix in _MAKEUP_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _check(fmt: str, raw: _Raw, problems: _Problems, expected_year: int | None) -> ImportPlan:
    rows = raw.rows
    year = raw.year
    if year is None and fmt == "csv":
        years = [r.date.year for r in rows if r.date]
        if expected_year is not None:
            year = expected_year
        elif years:
            year = max(set(years), key=lambda y: (years.count(y), -y))
    if year is not None and not FIRST.year <= year <= LAST.year:
        problems.add(
            raw.year_line,
            "year",
            "year_out_of_range",
            f"年度 {year} 超出支持范围（{FIRST.year}–{LAST.year}）",
        )
        year = None
    if expected_year is not None and year is not None and year != expected_year:
        problems.add(
            raw.year_line,
            "year",
            "unexpected_year",
            f"文件年度为 {year} 年，与指定的 {expected_year} 年不符",
        )
    if fmt == "yaml" and len(raw.source) > MAX_SOURCE:
        problems.add(
            raw.year_line or 1, "source", "source_too_long", f"依据过长：不得超过 {MAX_SOURCE} 字"
        )
    if not rows and not problems:
        problems.add(None, "holidays", "no_days", "文件中没有任何节假日或调休上班日")

    seen: dict[dt.date, _Row] = {}
    entries: list[DayEntry] = []
    for r in rows:
        if not r.name:
            problems.add(
                r.line,
                "name",
                "name_required",
                "请填写名称（如 元旦、春节；调休上班日如 春节调休）",
            )
        elif len(r.name) > MAX_NAME:
            problems.add(r.line, "name", "name_too_long", f"名称过长：不得超过 {MAX_NAME} 字")
        if len(r.source) > MAX_SOURCE:
            problems.add(r.line, "source", "source_too_long", f"依据过长：不得超过 {MAX_SOURCE} 字")
        if r.date is None or r.kind is None:
            continue
        if year is not None and r.date.year != year:
            hint = ""
            if r.kind == DayKind.WORKDAY and r.date.year == year - 1:
                hint = f"；上一年的调休上班日请在 {r.date.year} 年日历中单独修改该日"
            problems.add(
                r.line, r.date_field, "wrong_year", f"日期 {r.date} 不属于 {year} 年{hint}"
            )
            continue
        if r.date in seen:
            first = seen[r.date]
            problems.add(
                r.line,
                r.date_field,
                "duplicate_date",
                f"日期 {r.date} 重复（第{first.line}行已列出）",
            )
            continue
        seen[r.date] = r
        if r.kind == DayKind.WORKDAY and r.date.weekday() < 5:
            problems.add(
                r.line,
                r.date_field,
                "workday_on_weekday",
                f"调休上班日 {r.date} 是{weekday_zh(r.date)}，调休上班日只能是周六或周日",
            )
            continue
        entries.append(
            DayEntry(date=r.date, kind=r.kind, name=r.name, source=r.source or raw.source)
        )
    entries.sort(key=lambda e: e.date)
    plan = ImportPlan(format=fmt, year=year or 0, source=raw.source, entries=entries, note=raw.note)
    if not any(e.kind == DayKind.HOLIDAY for e in entries) and not problems:
        problems.add(None, "holidays", "no_holidays", "文件中没有任何节假日")
    if not problems:
        plan.warnings = _warnings(plan, seen)
    return plan


def _warnings(plan: ImportPlan, seen: dict[dt.date, _Row]) -> list[dict]:
    """Things a clerk may have got wrong that are not impossible: shown in the preview."""
    out: list[dict] = []
    holidays = plan.holidays
    holiday_names = {e.name for e in holidays}
    warned: set[str] = set()
    for e in holidays:
        if e.name not in warned and not any(k in e.name for k in KNOWN_HOLIDAYS):
            warned.add(e.name)
            out.append(
                {
                    "line": seen[e.date].line,
                    "field": "name",
                    "code": "unusual_name",
                    "message": f"节假日名称“{e.name}”不是常见的法定节日名称，请核对",
                }
            )
    for e in plan.workdays:
        base = _base_name(e.name)
        if not any(base in h or h in base for h in holiday_names):
            out.append(
                {
                    "line": seen[e.date].line,
                    "field": "name",
                    "code": "makeup_unmatched",
                    "message": f"调休上班日 {e.date} 的名称“{e.name}”与任何节假日名称都不对应",
                }
            )
        # The last days of December may be make-up days for next year's New Year (2006-12-30).
        at_year_end = e.date.month == 12 and e.date.day >= 24
        if holidays and not at_year_end:
            gap = min(abs((h.date - e.date).days) for h in holidays)
            if gap > 31:
                out.append(
                    {
                        "line": seen[e.date].line,
                        "field": "date",
                        "code": "makeup_far",
                        "message": f"调休上班日 {e.date} 距最近的节假日 {gap} 天，请核对日期",
                    }
                )
    off_weekdays = sum(1 for e in holidays if e.date.weekday() < 5)
    if off_weekdays > len(plan.workdays) + 13:
        out.append(
            {
                "line": None,
                "field": "holidays",
                "code": "many_days_off",
                "message": f"工作日放假 {off_weekdays} 天，多于法定假日与调休天数之和，请核对",
            }
        )
    return out
