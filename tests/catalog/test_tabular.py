"""The xlsx reader (python-calamine) against openpyxl (the reference), and csv."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from shenguan.catalog.seed003 import build_xlsx
from shenguan.core.errors import BadRequest
from shenguan.core.sheets.reader import iter_csv, iter_rows, iter_xlsx, iter_xlsx_openpyxl


def _trim(rows):
    """Rows without trailing empty cells (openpyxl pads rows to the sheet width)."""
    out = []
    for n, cells, merged in rows:
        cells = tuple(c.rstrip() for c in cells)
        last = max([i + 1 for i, c in enumerate(cells) if c] or [0])
        if last:
            out.append((n, cells[:last], merged))
    return out


def _both(data: bytes):
    fast = [(r.number, r.cells, r.merged) for r in iter_xlsx(io.BytesIO(data))]
    ref = [(r.number, r.cells, r.merged) for r in iter_xlsx_openpyxl(io.BytesIO(data))]
    return _trim(fast), _trim(ref)


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT_OVERRIDE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_SS_REL = (
    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def _to_shared_strings(data: bytes) -> bytes:
    """Rewrite openpyxl's inline strings as a shared string table (as Excel saves files), with a
    rich-text entry and a phonetic guide."""
    src = zipfile.ZipFile(io.BytesIO(data))
    strings: list[str] = []

    def repl(m):
        ref, style, text = m.group(1), m.group(2) or "", m.group(3)
        strings.append(text)
        return f'<c r="{ref}" t="s"{style}><v>{len(strings) - 1}</v></c>'

    sheet = src.read("xl/worksheets/sheet1.xml").decode()
    inline = r'<c r="([A-Z]+\d+)" t="inlineStr"( s="\d+")?><is><t[^>]*>(.*?)</t></is></c>'
    sheet = re.sub(inline, repl, sheet)
    # as Excel writes them: xml:space="preserve" on text with leading or trailing spaces
    sis = "".join(
        f'<si><t xml:space="preserve">{t}</t></si>' if t != t.strip() else f"<si><t>{t}</t></si>"
        for t in strings
    )
    sis += '<si><r><t>富</t></r><r><t>文本</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si>'
    sheet = sheet.replace(
        "</sheetData>", f'<row r="99"><c r="A99" t="s"><v>{len(strings)}</v></c></row></sheetData>'
    )
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}">{sis}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = sheet.encode()
            elif info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    _CT_OVERRIDE,
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    _SS_REL,
                )
            dst.writestr(info, body)
        dst.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def test_fixture_reads_the_same_with_both_readers():
    fast, ref = _both(build_xlsx())
    assert fast == ref
    assert len(fast) == 16  # title, header, 12 rows, 2 repeated headers
    # the merged approval department is copied down and flagged
    row4 = next(r for r in fast if r[0] == 4)
    assert row4[1][1] == "区经济合作局 (政务管理服务局)" and 1 in row4[2]


def test_shared_strings_numbers_booleans_and_dates():
    wb = Workbook()  # the normal (not write-only) writer stores shared strings
    ws = wb.active
    ws.append(
        ["文本", 12, 3.5, True, dt.date(2023, 10, 16), dt.datetime(2024, 1, 2, 8, 30), None, "尾"]
    )
    ws.append(["  全角　空格 ", 1e20, -7, False])
    ws["C3"] = dt.date(1999, 12, 31)
    ws["C3"].number_format = "yyyy年m月d日"
    ws.merge_cells("A4:B5")
    ws["A4"] = "合并"
    buf = io.BytesIO()
    wb.save(buf)
    data = _to_shared_strings(buf.getvalue())
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    fast, ref = _both(data)
    assert fast == ref
    first = fast[0][1]
    assert first[:6] == ("文本", "12", "3.5", "是", "2023-10-16", "2024-01-02 08:30:00")
    assert fast[2][1][2] == "1999-12-31"
    assert fast[3][1][:2] == ("合并", "合并") and fast[4][1][:2] == ("合并", "合并")
    assert fast[-1][1] == ("富文本",)  # rich text runs joined, the phonetic guide left out


def test_a_part_with_a_dtd_is_refused():
    data = build_xlsx()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1
                )
            dst.writestr(info, body)
    with pytest.raises(BadRequest) as exc:
        list(iter_xlsx(io.BytesIO(out.getvalue())))
    assert exc.value.code == "bad_xlsx"


def test_not_an_xlsx_is_a_400():
    with pytest.raises(BadRequest):
        list(iter_xlsx(io.BytesIO(b"PK\x03\x04 not really a zip")))
    with pytest.raises(BadRequest) as exc:
        list(iter_rows(io.BytesIO(b"\xd0\xcf\x11\xe0"), "old.xls"))
    assert exc.value.code == "xls_unsupported"


def test_csv_encodings_and_delimiters():
    text = "序号;审批事项\n1;甲\n"
    assert [r.cells for r in iter_csv(io.BytesIO(text.encode("utf-8-sig")))] == [
        ("序号", "审批事项"),
        ("1", "甲"),
    ]
    assert [r.cells for r in iter_csv(io.BytesIO(text.encode("gb18030")))][1] == ("1", "甲")


def test_committed_fixture_matches_the_generator():
    """tests/data/catalog_003_linkage.xlsx is the generator's output, kept for people to open."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "catalog_003_linkage.xlsx"
    with path.open("rb") as fh:
        committed = [(r.number, r.cells, r.merged) for r in iter_xlsx(fh)]
    fresh = [(r.number, r.cells, r.merged) for r in iter_xlsx(io.BytesIO(build_xlsx()))]
    assert committed == fresh


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_large_csv_streams_across_the_sample_boundary(encoding):
    rows = [("序号", "审批事项", "监管事项名称")] + [
        (str(i), f"审批事项甲乙丙{i}", f"1、对“{i}”号的监督检查，含逗号") for i in range(1, 4001)
    ]
    buf = io.StringIO()
    import csv

    csv.writer(buf).writerows(rows)
    data = buf.getvalue().encode(encoding)
    assert len(data) > 1 << 16
    got = [r.cells for r in iter_csv(io.BytesIO(data))]
    assert got == rows


def _with_sheet(sheet_xml: str) -> bytes:
    """A workbook whose first sheet part is replaced by `sheet_xml`."""
    wb = Workbook()
    wb.active.append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = sheet_xml.encode()
            dst.writestr(info, body)
    return out.getvalue()


_ODD_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<x:worksheet xmlns:x="{_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships"><x:sheetPr/><x:sheetData>\r\n'
    "<x:row r='1' spans=\"1:4\"><x:c t='inlineStr' r='A1'><x:is><x:r><x:t xml:space=\"preserve\""
    '>富 </x:t></x:r><x:r><x:t>文本</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ふ</x:t></x:rPh></x:is>'
    '</x:c><x:c r="B1" t="str"><x:f>A1&amp;"x"</x:f><x:v>a &amp; b &lt;c&gt; &#20013;&#x6587;'
    '</x:v></x:c><x:c r="D1" ><x:v>3.5</x:v></x:c></x:row>\n'
    '<x:row r="3"><x:c r="A3"/><x:c r="B3" t="b"><x:v>1</x:v></x:c>'
    '<x:c r="C3" t="inlineStr"><x:is><x:t>第一行\r\n第二行</x:t></x:is></x:c></x:row>'
    '<x:row r="4"/>'
    '<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>合并</x:t></x:is></x:c></x:row>'
    '<x:row r="6"><x:c r="C6"><x:v>7</x:v></x:c></x:row>'
    "</x:sheetData>"
    '<x:mergeCells count="1"><x:mergeCell ref="A5:B6"/></x:mergeCells></x:worksheet>'
)


def test_reader_takes_prefixes_quotes_formulas_references_and_rich_text():
    data = _with_sheet(_ODD_SHEET)
    fast, ref = _both(data)
    assert fast == ref
    assert fast[0][1] == ("富 文本", "a & b <c> 中文", "", "3.5")
    assert fast[1][1] == ("", "是", "第一行\n第二行")
    assert fast[2][1][:2] == ("合并", "合并") and fast[3][1] == ("合并", "合并", "7")


def test_a_part_with_a_comment_reads_the_same():
    odd = _ODD_SHEET.replace('<x:row r="3">', '<!-- </x:row> --><x:row r="3">')
    data = _with_sheet(odd)
    fast, ref = _both(data)
    assert fast == ref == _both(_with_sheet(_ODD_SHEET))[0]


@pytest.mark.parametrize(
    "broken",
    [
        ('<x:c r="D1" ><x:v>3.5</x:v></x:c>', '<x:c r="D1" ><x:v>3.5</x:v>'),  # cell not closed
        ('</x:row><x:row r="4"/>', '<x:row r="4"/>'),  # row not closed
        ("&amp; b", "&nbsp; b"),  # not an XML entity
    ],
)
def test_a_malformed_sheet_is_refused_not_cut_short(broken):
    data = _with_sheet(_ODD_SHEET.replace(*broken))
    with pytest.raises(BadRequest) as exc:
        list(iter_xlsx(io.BytesIO(data)))
    assert exc.value.code == "bad_xlsx"
