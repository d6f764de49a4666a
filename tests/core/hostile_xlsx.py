"""Hostile and oversized xlsx files built for real (no mocks): the shapes the trial uploaded.

Big parts are made of one block repeated: the block is deflated once with a full flush (which
resets the compressor, so every repetition deflates to the same bytes) and the pieces are
concatenated, so a 300 MB part is written in well under a second, as a valid zip member.
"""

from __future__ import annotations

import io
import struct
import zlib

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def col_letters(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class Part:
    """A zip member: head + block × times + tail, deflated."""

    def __init__(self, name: str, head: bytes, block: bytes = b"", times: int = 0, tail=b""):
        self.name = name
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        out = [c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)]
        crc = zlib.crc32(head)
        if times:
            piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
            out.append(piece * times)
            big = block * min(times, 64)
            left = times
            while left:
                k = min(left, 64)
                crc = zlib.crc32(big if k == 64 else block * k, crc)
                left -= k
        out.append(c.compress(tail) + c.flush())
        crc = zlib.crc32(tail, crc)
        self.data = b"".join(out)
        self.crc = crc
        self.size = len(head) + len(block) * times + len(tail)


def zip_parts(parts: list[Part], *, lie: dict[str, int] | None = None) -> bytes:
    """A zip archive of deflated parts; `lie` declares other uncompressed sizes for some."""
    lie = lie or {}
    out = io.BytesIO()
    central = []
    for p in parts:
        size = lie.get(p.name, p.size)
        name = p.name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, p.crc, len(p.data), size, len(name), 0
            )
        )
        out.write(name)
        out.write(p.data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                p.crc,
                len(p.data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for c in central:
        out.write(c)
    end = out.tell()
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), end - start, start, 0)
    )
    return out.getvalue()


def build(
    rows_block: str,
    rows_times: int = 1,
    *,
    strings_block: bytes = b"<si><t>x</t></si>",
    strings_times: int = 1,
    sheet_head: str = "",
    lie: dict[str, int] | None = None,
) -> bytes:
    """An xlsx whose sheet data is `rows_block` repeated and whose shared strings are
    `strings_block` repeated."""
    parts = [
        Part("[Content_Types].xml", _CT.encode()),
        Part("_rels/.rels", _RELS.encode()),
        Part("xl/workbook.xml", _WB.encode()),
        Part("xl/_rels/workbook.xml.rels", _WB_RELS.encode()),
        Part(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>{sheet_head}'
            f'<worksheet xmlns="{NS}"><sheetData>'.encode(),
            rows_block.encode(),
            rows_times,
            b"</sheetData></worksheet>",
        ),
        Part(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode(),
            strings_block,
            strings_times,
            b"</sst>",
        ),
    ]
    return zip_parts(parts, lie=lie)


def wide_file(rows: int = 5020, cols: int = 2000) -> bytes:
    """The trial's wide sheet: `rows` × `cols` numeric cells (5,020 × 2,000 by default), rows
    and cells written without references, as some generators do."""
    return build("<row>" + "<c><v>1</v></c>" * cols + "</row>", rows)


def shared_strings_bomb(megabytes: int = 314) -> bytes:
    """A one-cell sheet whose shared strings inflate to `megabytes` MB (the trial's 677 KB bomb
    expanded to 314 MB)."""
    block = b"<si><t>" + b"A" * ((1 << 20) - 15) + b"</t></si>"
    return build(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings_block=block,
        strings_times=megabytes,
    )


def with_entities(kind: str) -> bytes:
    """A sheet declaring a DTD: 'xxe' (an external entity) or 'laughs' (entity expansion)."""
    if kind == "xxe":
        dtd = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        text = "&xxe;"
    else:
        levels = ['<!ENTITY a0 "lol">'] + [
            f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
        ]
        dtd = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
        text = "&a9;"
    row = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return build(row, sheet_head=dtd)
