"""Limits checked on an uploaded spreadsheet before any parser sees it (上传表格的限制).

A spreadsheet is a zip of XML parts, and a small upload can expand a thousandfold: a 677 KB
shared-strings bomb became 314 MB, a 317 KB file of 5,020 × 2,000 cells ran past the web
server's timeout. `inspect_xlsx` therefore reads the package itself before python-calamine is
called: it refuses a part whose declared size passes the limit without inflating anything, then
inflates the parts the reader will use in bounded pieces (a part that inflates beyond its
declared size, or fails its CRC, is refused), refuses DTDs and entity declarations (XXE,
"billion laughs"), and counts the first sheet's cells, rows and columns as it goes, stopping at
the first limit passed. Each refusal is a 413 naming the limit in Chinese.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from xml.etree.ElementTree import ParseError, XMLPullParser

from shenguan.core.errors import BadRequest

BAD_XLSX = "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"
_MB = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """What an uploaded spreadsheet may hold (表格上传限制); 0 leaves a limit out."""

    max_file_bytes: int = 20 * _MB  # the upload as sent (compressed)
    max_xml_bytes: int = 100 * _MB  # the XML parts the reader uses, once inflated
    max_cells: int = 2_000_000  # cells written in the first sheet
    max_rows: int = 200_000  # the last row number of the first sheet
    max_columns: int = 256  # the last column of the first sheet (Excel allows 16,384)
    max_area: int = 5_000_000  # rows × columns of the sheet's extent (the reader's grid)

    def but(self, **changes) -> SheetLimits:
        """These limits with some changed, e.g. `DEFAULT_LIMITS.but(max_rows=5020)`."""
        return replace(self, **changes)


DEFAULT_LIMITS = SheetLimits()


@dataclass
class SheetStats:
    """What the inspection counted: upper bounds of the first sheet's extent, its cells, and
    the inflated size of the parts read."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    xml_bytes: int = 0


def too_large(code: str, message: str) -> BadRequest:
    """The refusal of an upload over a limit: 413 with the limit named."""
    return BadRequest(code, message, "file", status=413)


def _mb(n: int) -> str:
    return f"{n / _MB:.0f} MB" if n >= _MB else f"{n // 1024} KB"


def check_file_size(size: int, limits: SheetLimits) -> None:
    """Refuse an upload larger than `max_file_bytes`."""
    if limits.max_file_bytes and size > limits.max_file_bytes:
        raise too_large(
            "file_too_large", f"文件过大：上传文件不得超过 {_mb(limits.max_file_bytes)}"
        )


# --- reading members without trusting their headers ------------------------------------------


def _bad(exc: Exception | None = None) -> BadRequest:
    err = BadRequest("bad_xlsx", BAD_XLSX, "file")
    if exc is not None:
        err.__cause__ = exc
    return err


def member_chunks(raw, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The inflated bytes of one zip member in pieces of at most 1 MB, read from the raw file:
    never more than its declared size (a member that inflates further, is truncated, or fails
    its CRC is refused); only stored and deflated members (all Excel writes) are read."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _bad()
    raw.seek(info.header_offset)
    head = raw.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise _bad()
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    out = crc = 0
    try:
        while left > 0:
            chunk = raw.read(min(left, 1 << 16))
            if not chunk:
                raise _bad()
            left -= len(chunk)
            while chunk:
                if inflater is None:
                    data, chunk = chunk, b""
                else:
                    data = inflater.decompress(chunk, _MB)
                    chunk = inflater.unconsumed_tail
                out += len(data)
                if out > info.file_size:
                    raise _bad()  # inflates beyond what its header declares
                crc = zlib.crc32(data, crc)
                if data:
                    yield data
        if inflater is not None:
            data = inflater.flush()
            out += len(data)
            if out > info.file_size or not inflater.eof:
                raise _bad()
            crc = zlib.crc32(data, crc)
            if data:
                yield data
    except zlib.error as exc:
        raise _bad(exc) from exc
    if out != info.file_size or crc != info.CRC:
        raise _bad()


# --- which parts the reader uses ------------------------------------------------------------

_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _parse_small(raw, info: zipfile.ZipInfo):
    """Elements of a small part (workbook, its relationships), DTD refused."""
    parser = XMLPullParser(events=("end",))
    for data in member_chunks(raw, info):
        if b"<!" in data:
            raise _bad()
        parser.feed(data)
        yield from (el for _ev, el in parser.read_events())
    parser.close()
    yield from (el for _ev, el in parser.read_events())


def first_sheet_path(archive: zipfile.ZipFile, raw) -> str:
    """The path of the first worksheet in workbook order (the one every import reads)."""
    names = {i.filename: i for i in archive.infolist()}
    wb, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None or max(wb.file_size, rels.file_size) > 8 * _MB:
        raise _bad()
    try:
        first_rid = next(
            (el.get(f"{_NS_REL}id") for el in _parse_small(raw, wb) if el.tag.endswith("}sheet")),
            None,
        )
        target = next(
            (
                el.get("Target")
                for el in _parse_small(raw, rels)
                if el.tag == f"{_NS_PKG_REL}Relationship" and el.get("Id") == first_rid
            ),
            None,
        )
    except ParseError as exc:
        raise _bad(exc) from exc
    if not first_rid or not target:
        raise _bad()
    path = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return path.replace("xl/./", "xl/")


def _used_parts(archive: zipfile.ZipFile, sheet: str) -> list[zipfile.ZipInfo]:
    """The XML parts the reader may parse: every .xml/.rels part but the other sheets (and the
    drawings, charts and other sheets' relationships it never opens)."""
    out = []
    for info in archive.infolist():
        name = info.filename
        if not name.endswith((".xml", ".rels")) or name == sheet:
            continue
        if name.startswith(("xl/worksheets/", "xl/chartsheets/", "xl/drawings/", "xl/charts/")):
            continue
        out.append(info)
    return out


# --- the inspection ---------------------------------------------------------------------------

# Any element prefix (calamine matches elements by local name); the general patterns.
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_C_TAG = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
# a cell tag with a reference anywhere among its attributes (counted), and any reference-like
# attribute at all (a superset, so the furthest one found bounds whatever the tag holds)
_C_REF = re.compile(rb"""<""" + _PREFIX + rb"""c(?=\s)[^>]*?\sr\s*=\s*["'][A-Z]+[0-9]+["']""")
_ANY_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]+)([0-9]+)["']""")
_ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_ROW_REF = re.compile(rb"""<""" + _PREFIX + rb"""row(?=\s)[^>]*?\sr\s*=\s*["']([0-9]+)["']""")
_ROW_EMPTY = re.compile(rb"<" + _PREFIX + rb"row(?:\s[^>]*)?/>")
_ROW_CLOSE = re.compile(rb"</" + _PREFIX + rb"row\s*>")
# The shape Excel, WPS, openpyxl and xlsxwriter write (no prefix, the reference first), found
# several times faster (a literal start); a block that has anything else takes the general ones.
_F_C_TAG = re.compile(rb"<c[\s/>]")
_F_C_COL = re.compile(rb'<c r="([A-Z]+)[0-9]')
_F_C_ROW = re.compile(rb'<c r="[A-Z]+([0-9]+)"')
_F_ROW_TAG = re.compile(rb"<row[\s/>]")
_F_ROW_REF = re.compile(rb'<row r="([0-9]+)"')
_F_ROW_EMPTY = re.compile(rb"<row(?:\s[^>]*)?/>")
_F_ROW_CLOSE = re.compile(rb"</row>")
_PREFIXED = re.compile(rb":(?:c[\s/>]|row)")


def _furthest(values: list[bytes]) -> bytes:
    """The largest of column letters or digit strings (longer is larger; same length: text),
    without a Python call per value."""
    longest = max(map(len, values))
    if min(map(len, values)) == longest:
        return max(values)
    return max([v for v in values if len(v) == longest])


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


class _Counter:
    """Counts a sheet part's cells and the furthest row and column they reach."""

    def __init__(self, limits: SheetLimits, stats: SheetStats):
        self.limits = limits
        self.stats = stats
        self.cells = self.cell_refs = 0
        self.rows = self.row_refs = self.rows_closed = 0
        self.max_col = self.max_row = 0

    def feed(self, data: bytes) -> None:
        lim = self.limits
        fast = _PREFIXED.search(data) is None
        n = len((_F_C_TAG if fast else _C_TAG).findall(data))
        self.cells += n
        if lim.max_cells and self.cells > lim.max_cells:
            raise too_large(
                "too_many_cells", f"表格单元格过多：第一个工作表不得超过 {lim.max_cells:,} 个单元格"
            )
        if n:
            cols = _F_C_COL.findall(data) if fast else []
            nums = _F_C_ROW.findall(data) if len(cols) == n else []
            if len(nums) == n:
                self.cell_refs += n
            else:  # references elsewhere in the tag, or cells without one
                self.cell_refs += len(_C_REF.findall(data))
                refs = _ANY_REF.findall(data)
                cols, nums = [r[0] for r in refs], [r[1] for r in refs]
            if cols:
                self.max_col = max(self.max_col, _col_number(_furthest(cols)))
                self.max_row = max(self.max_row, int(_furthest(nums)))
        rows = len((_F_ROW_TAG if fast else _ROW_TAG).findall(data))
        if rows:
            self.rows += rows
            refs = _F_ROW_REF.findall(data) if fast else None
            if refs is None or len(refs) != rows:
                refs = _ROW_REF.findall(data)
            self.row_refs += len(refs)
            if refs:
                self.max_row = max(self.max_row, int(_furthest(refs)))
            self.rows_closed += len((_F_ROW_EMPTY if fast else _ROW_EMPTY).findall(data))
        self.rows_closed += len((_F_ROW_CLOSE if fast else _ROW_CLOSE).findall(data))
        self.check()

    def check(self) -> None:
        """Refuse as soon as a bound passes a limit. Cells and rows without a reference take
        the next position, so they can reach at most one further each."""
        lim, st = self.limits, self.stats
        st.cells = self.cells
        st.columns = self.max_col + (self.cells - self.cell_refs)
        st.rows = self.max_row + (self.rows - self.row_refs)
        if lim.max_rows and st.rows > lim.max_rows:
            raise too_large(
                "too_many_rows", f"表格行数过多：第一个工作表不得超过 {lim.max_rows:,} 行"
            )
        if lim.max_columns and st.columns > lim.max_columns:
            raise too_large(
                "too_many_columns", f"表格列数过多：第一个工作表不得超过 {lim.max_columns} 列"
            )
        if lim.max_area and st.rows * st.columns > lim.max_area:
            raise too_large(
                "sheet_too_large",
                f"表格范围过大：第一个工作表的行数乘列数不得超过 {lim.max_area:,}"
                "（请删除远离数据区的空单元格或格式）",
            )


_SECTION = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)
_SECTION_OPEN = re.compile(rb"<!--|<!\[CDATA\[")


def _drop_sections(block: bytes) -> tuple[bytes, bytes]:
    """A block without its comments and CDATA sections, and an unfinished one at its end (to
    be read with the next block)."""
    block = _SECTION.sub(b"", block)
    m = _SECTION_OPEN.search(block)
    if m is None:
        return block, b""
    return block[: m.start()], block[m.start() :]


def _scan(raw, info: zipfile.ZipInfo, counter: _Counter | None) -> int:
    """Inflate one part (bounded), refuse DTDs and entity declarations, count its cells; the
    number of bytes inflated."""
    size = 0
    tail = b""
    for data in member_chunks(raw, info):
        size += len(data)
        data = tail + data
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            block, tail = data, b""  # no tag cut in two
        else:
            block, tail = data[:cut], data[cut:]
            if len(tail) > 1 << 16:  # a tag longer than 64 KB: no real part has one
                raise _bad()
        if b"<!DOCTYPE" in block or b"<!ENTITY" in block:
            raise _bad()
        if b"<!" in block:  # a comment or CDATA section: what it holds is no markup
            block, rest = _drop_sections(block)
            tail = rest + tail
        if counter is not None:
            counter.feed(block)
    if tail:
        tail = _drop_sections(tail)[0]
        if b"<!DOCTYPE" in tail or b"<!ENTITY" in tail:
            raise _bad()
        if counter is not None:
            counter.feed(tail)
    if counter is not None and counter.rows != counter.rows_closed:
        raise _bad()  # a row opened and never closed: refused, not read in part
    return size


def inspect_xlsx(fileobj, limits: SheetLimits = DEFAULT_LIMITS) -> SheetStats:
    """Check an xlsx upload against `limits` without parsing its cells (see the module text);
    raises BadRequest (413 over a limit, 400 for a damaged or hostile file), else returns what
    was counted. The file position is left at the start."""
    stats = SheetStats()
    try:
        fileobj.seek(0, 2)
        check_file_size(fileobj.tell(), limits)
        fileobj.seek(0)
        archive = zipfile.ZipFile(fileobj)
        sheet_path = first_sheet_path(archive, fileobj)
        names = {i.filename: i for i in archive.infolist()}
        sheet = names.get(sheet_path)
        if sheet is None:
            raise _bad()
        parts = [*_used_parts(archive, sheet_path), sheet]
        declared = sum(i.file_size for i in parts)
        if limits.max_xml_bytes and declared > limits.max_xml_bytes:
            raise too_large(
                "xml_too_large",
                f"文件解压后过大：表格内容解压后不得超过 {_mb(limits.max_xml_bytes)}"
                f"（本文件为 {_mb(declared)}）",
            )
        for info in parts:
            counter = _Counter(limits, stats) if info is sheet else None
            stats.xml_bytes += _scan(fileobj, info, counter)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError) as exc:
        raise _bad(exc) from exc
    finally:
        fileobj.seek(0)
    return stats
