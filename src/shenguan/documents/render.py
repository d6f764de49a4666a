"""The licence PDF (电子证照版式文件): A4 portrait, Chinese text in the embedded Noto Sans SC
subset (extractable through its ToUnicode map), the round red seal and a QR code to the public
verification page. Pure function of its input: no database."""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class LicenceSheet:
    """Everything printed on the licence."""

    title: str
    number: str
    holder_name: str
    holder_code_label: str
    holder_code: str
    legal_representative: str
    item_name: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date | None
    issuer: str
    issued_on: dt.date
    decision_number: str
    verify_url: str
    seal_text: str
    version: int = 1
    seal_image: bytes = b""  # an uploaded seal image (PNG); empty: draw the standard layout
    note: str = ""


def _cn_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "长期"


def draw_seal(c, cx: float, cy: float, r: float, text: str, *, font: str) -> None:
    """The standard round official seal (公章) in red: a ring, a five-pointed star in the middle
    and the organisation's name along the upper arc (GA 241-2000 layout, simplified)."""
    red = (0.86, 0.08, 0.1)
    c.saveState()
    c.setStrokeColorRGB(*red)
    c.setFillColorRGB(*red)
    c.setLineWidth(r * 0.06)
    c.circle(cx, cy, r * 0.95, stroke=1, fill=0)
    # the star
    pts = []
    for i in range(10):
        ang = math.pi / 2 + i * math.pi / 5
        rad = r * 0.28 if i % 2 == 0 else r * 0.11
        pts.append((cx + rad * math.cos(ang), cy + rad * math.sin(ang)))
    p = c.beginPath()
    p.moveTo(*pts[0])
    for pt in pts[1:]:
        p.lineTo(*pt)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    # the name along the arc, from lower left over the top to lower right
    chars = list(text)[:24]
    n = len(chars)
    if n:
        size = min(r * 0.26, r * 4.2 / max(n, 1))
        span = min(math.radians(250), math.radians(14) * n * (size / (r * 0.2)))
        start = math.pi / 2 + span / 2
        step = span / max(n - 1, 1)
        rr = r * 0.72
        c.setFont(font, size)
        for i, ch in enumerate(chars):
            ang = start - i * step if n > 1 else math.pi / 2
            x, y = cx + rr * math.cos(ang), cy + rr * math.sin(ang)
            c.saveState()
            c.translate(x, y)
            c.rotate(math.degrees(ang) - 90)
            c.drawCentredString(0, -size * 0.35, ch)
            c.restoreState()
    c.restoreState()


def qr_png(url: str) -> bytes:
    """The QR code of a URL as a PNG (error correction M, 4-module quiet zone; a fixed mask
    skips segno's scoring of all eight, which costs more than the rest of the page)."""
    import segno

    buf = io.BytesIO()
    segno.make_qr(url, error="m", mask=4).save(buf, kind="png", scale=6, border=4)
    return buf.getvalue()


def licence_pdf(s: LicenceSheet) -> bytes:
    """Render the licence (unsigned)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph
    from reportlab.platypus.tables import Table, TableStyle

    from shenguan.core.fonts import register_reportlab

    regular, bold = register_reportlab()
    buf = io.BytesIO()
    w, h = A4
    c = canvas.Canvas(buf, pagesize=A4, invariant=0)
    c.setTitle(f"{s.title} {s.number}")
    c.setAuthor(s.issuer)
    c.setSubject(s.number)
    c.setKeywords(f"shenguan-elicence;number={s.number};version={s.version}")
    c.setCreator("Shenguan 审管联动平台")
    # frame
    c.setStrokeColorRGB(0.55, 0.1, 0.1)
    c.setLineWidth(2)
    c.rect(14 * mm, 14 * mm, w - 28 * mm, h - 28 * mm)
    c.setLineWidth(0.6)
    c.rect(16.5 * mm, 16.5 * mm, w - 33 * mm, h - 33 * mm)
    # title
    c.setFillColorRGB(0, 0, 0)
    c.setFont(bold, 28)
    c.drawCentredString(w / 2, h - 48 * mm, s.title)
    c.setFont(regular, 10.5)
    c.drawRightString(w - 26 * mm, h - 60 * mm, f"编号：{s.number}")
    if s.version > 1:
        c.drawString(26 * mm, h - 60 * mm, f"（第{s.version}版）")
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle

    st = ParagraphStyle("v", fontName=regular, fontSize=12, leading=18, wordWrap="CJK")
    lab = ParagraphStyle("l", fontName=bold, fontSize=12, leading=18, wordWrap="CJK")
    validity = f"{_cn_date(s.valid_from)} 至 {_cn_date(s.valid_until)}"
    rows = [
        ("持证人", s.holder_name),
        (s.holder_code_label, s.holder_code or "—"),
        ("法定代表人（负责人）", s.legal_representative or "—"),
        ("许可事项", s.item_name),
        ("许可范围", s.scope or s.item_name),
        ("有效期限", validity),
        ("许可决定书文号", s.decision_number or "—"),
    ]
    data = [[Paragraph(escape(a), lab), Paragraph(escape(b), st)] for a, b in rows]
    t = Table(data, colWidths=[48 * mm, w - 52 * mm - 48 * mm])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, (0.75, 0.75, 0.75)),
            ]
        )
    )
    _tw, th = t.wrapOn(c, w - 52 * mm, h)
    t.drawOn(c, 26 * mm, h - 70 * mm - th)
    # issuer, date and seal (the seal over the issuer's name, as on paper)
    y = 62 * mm
    c.setFont(regular, 13)
    c.drawRightString(w - 30 * mm, y + 12 * mm, f"发证机关：{s.issuer}")
    c.drawRightString(w - 30 * mm, y, f"发证日期：{_cn_date(s.issued_on)}")
    cx, cy, r = w - 62 * mm, y + 8 * mm, 21 * mm
    if s.seal_image:
        c.drawImage(
            ImageReader(io.BytesIO(s.seal_image)),
            cx - r,
            cy - r,
            2 * r,
            2 * r,
            mask="auto",
        )
    else:
        draw_seal(c, cx, cy, r, s.seal_text, font=bold)
    # QR to the verification page
    q = 30 * mm
    c.drawImage(ImageReader(io.BytesIO(qr_png(s.verify_url))), 26 * mm, 30 * mm, q, q)
    c.setFont(regular, 8)
    c.drawString(26 * mm, 26 * mm, "扫码核验证照真伪与状态")
    c.setFont(regular, 7.5)
    c.setFillColorRGB(0.35, 0.35, 0.35)
    foot = "本证照为电子证照，加盖电子印章（PAdES 数字签名及 SM2 签名），与纸质证照具有同等效力。"
    c.drawCentredString(w / 2, 20 * mm, foot)
    if s.note:
        c.drawCentredString(w / 2, 23.5 * mm, s.note)
    c.showPage()
    c.save()
    return buf.getvalue()
