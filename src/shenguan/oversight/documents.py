"""Files made from oversight data: the bulletin as xlsx (typed cells, frozen header, filters,
formula-safe text) and as a print-ready PDF (A4 landscape, embedded Noto Sans SC subset with a
ToUnicode map, header repeated on every page), and an escalation step's document as PDF."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from shenguan.core.sheets import set_cell

from .indicators import FIGURE_LABELS
from .models import Bulletin, EscalationStep

# The bulletin's columns: (figure key, header, kind) — kind: int, rate, days, flag.
COLUMNS: list[tuple[str, str, str]] = [
    ("rank", "排名", "int"),
    ("department", "部门", "text"),
    *[
        (
            k,
            str(label),
            "rate"
            if k == "on_time_rate"
            else "days"
            if k in ("median_claim_days", "p90_claim_days")
            else "int",
        )
        for k, label in FIGURE_LABELS.items()
    ],
    ("serious", "点名通报", "flag"),
    ("reminder_suggested", "建议提醒", "flag"),
]


def _cell(ws, row: int, col: int, value, kind: str = "text"):
    """A typed cell; text, dates and times through core.sheets.set_cell (the one formula-safe
    writer, ADR 0043)."""
    if value is None:
        return set_cell(ws, row, col, None)
    if kind == "flag":
        return set_cell(ws, row, col, "是" if value else "否")
    if kind == "rate":
        return set_cell(ws, row, col, float(value), "0.0%")
    if kind == "days":
        return set_cell(ws, row, col, float(value), "0.0")
    if kind == "int":
        return set_cell(ws, row, col, int(value), "0")
    if isinstance(value, dt.datetime):
        return set_cell(ws, row, col, value, "yyyy-mm-dd hh:mm")
    return set_cell(ws, row, col, value)


def bulletin_xlsx(b: Bulletin) -> bytes:
    """The bulletin as a workbook: sheet 通报 (title row, header frozen with filters, one row
    per department and the totals), sheet 说明 (period, cut-off, version, remarks)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "通报"
    _cell(ws, 1, 1, b.title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for i, (_k, header, _kind) in enumerate(COLUMNS, 1):
        c = _cell(ws, 2, i, header)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center")
    rows = b.figures.get("rows", [])
    r = 3
    for row in rows:
        for i, (k, _h, kind) in enumerate(COLUMNS, 1):
            _cell(ws, r, i, row.get(k), kind)
        r += 1
    totals = b.figures.get("totals", {})
    for i, (k, _h, kind) in enumerate(COLUMNS, 1):
        if k == "department":
            _cell(ws, r, i, "合计")
        elif k in ("rank", "serious", "reminder_suggested"):
            continue
        else:
            _cell(ws, r, i, totals.get(k), kind)
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{max(2, r - 1)}"
    ws.column_dimensions["B"].width = 28
    for i in range(3, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 11
    info = wb.create_sheet("说明")
    facts = [
        ("标题", b.title),
        ("通报期起始", b.period_start),
        ("通报期截止", b.period_end),
        ("统计截止时刻", b.as_of),
        ("版本", b.version),
        ("状态", b.get_state_display()),
        ("发布时间", b.published_at),
        ("点名通报线（按时认领率低于）", b.figures.get("serious_line")),
        ("提醒规则：超期认领件数不少于", b.figures.get("reminder_late_claims")),
        ("提醒规则：超期认领比例不低于", b.figures.get("reminder_late_ratio")),
        ("审核意见与说明", b.remarks),
        ("更正原因", b.correction_reason),
    ]
    for i, (label, value) in enumerate(facts, 1):
        _cell(info, i, 1, label)
        kind = (
            "rate"
            if "比例" in label or "认领率" in label
            else ("int" if isinstance(value, int) else "text")
        )
        _cell(info, i, 2, value, kind if value is not None else "text")
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 6266 filename*) and an ASCII fallback."""
    resp = HttpResponse(content, content_type=content_type)
    ext = filename.rsplit(".", 1)[-1]
    resp["Content-Disposition"] = (
        f"attachment; filename=\"oversight.{ext}\"; filename*=UTF-8''{quote(filename)}"
    )
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- PDF ---------------------------------------------------------------------------------------


def _fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "flag":
        return "是" if value else ""
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    if kind == "days":
        return f"{float(value):.1f}"
    return str(value)


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    from shenguan.core.fonts import register_reportlab

    regular, bold = register_reportlab()
    base = {"fontName": regular, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("t", fontName=bold, fontSize=16, leading=22, alignment=1),
        "sub": ParagraphStyle("s", fontSize=9, leading=13, alignment=1, **base),
        "body": ParagraphStyle("b", fontSize=10.5, leading=17, firstLineIndent=21, **base),
        "h": ParagraphStyle("h", fontName=bold, fontSize=11, leading=18, spaceBefore=6),
        "cell": ParagraphStyle("c", fontSize=7, leading=9, **base),
        "head": ParagraphStyle("hc", fontName=bold, fontSize=7, leading=9, wordWrap="CJK"),
        "regular": regular,
        "bold": bold,
    }


def _esc(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text or "")


def _page_footer(label: str):
    def draw(canvas, doc):
        from shenguan.core.fonts import register_reportlab

        canvas.saveState()
        canvas.setFont(register_reportlab()[0], 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 10 * 2.8346, f"{label} 第 {doc.page} 页")
        canvas.restoreState()

    return draw


def bulletin_pdf(b: Bulletin) -> bytes:
    """The bulletin as a print-ready PDF (A4 landscape)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=b.title,
        author=b.jurisdiction.name,
        subject=f"{b.label}审管互动信息认领情况通报",
    )
    story = [Paragraph(_esc(b.title), st["title"])]
    state = b.get_state_display()
    sub = (
        f"通报期：{b.period_start:%Y-%m-%d} 至 {b.period_end:%Y-%m-%d}　"
        f"统计截止：{timezone.localtime(b.as_of):%Y-%m-%d %H:%M}　第{b.version}版　{state}"
    )
    story += [Paragraph(_esc(sub), st["sub"]), Spacer(1, 4 * mm)]
    f = b.figures
    t = f.get("totals", {})
    rate = _fmt(t.get("on_time_rate"), "rate")
    g = {k: t.get(k, 0) for k in FIGURE_LABELS}
    summary = (
        f"依据《聊城市强化审管互动工作暂行办法》第二十三条，现将{b.label}"
        "审管互动信息认领情况通报如下：本期各部门共收到推送信息{pushes_received}条，"
        "按时认领{claimed_on_time}条，逾期人工认领{claimed_late}条，"
        "超时自动认领{auto_claimed}条，逾期未认领{unclaimed_overdue}条，"
    ).format(**g) + (
        f"按时认领率{rate}；"
        "逾期启动监管{supervision_late}件，逾期未启动监管{supervision_never}件，"
        "超时审批{approvals_overtime}件。"
    ).format(**g)
    story.append(Paragraph(_esc(summary), st["body"]))
    cols = [c for c in COLUMNS if c[0] not in ("pending",)]
    data = [[Paragraph(_esc(h), st["head"]) for _k, h, _kind in cols]]
    for row in f.get("rows", []):
        data.append(
            [
                Paragraph(_esc(str(row.get(k) or "")), st["cell"])
                if k == "department"
                else _fmt(row.get(k), kind)
                for k, _h, kind in cols
            ]
        )
    data.append(
        [
            "合计"
            if k == "department"
            else ("" if k in ("rank", "serious", "reminder_suggested") else _fmt(t.get(k), kind))
            for k, _h, kind in cols
        ]
    )
    widths = [9 * mm, 38 * mm] + [(273 - 47) * mm / (len(cols) - 2)] * (len(cols) - 2)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), st["regular"], 7),
                ("FONT", (0, -1), (-1, -1), st["bold"], 7),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [Spacer(1, 3 * mm), table, Spacer(1, 4 * mm)]
    named = [r["department"] for r in f.get("rows", []) if r.get("serious")]
    line = _fmt(f.get("serious_line"), "rate")
    story.append(Paragraph(_esc("点名通报"), st["h"]))
    story.append(
        Paragraph(
            _esc(
                f"按时认领率低于{line}的部门：{'、'.join(named)}。请上述部门认真查找原因，限期整"
                f"改。"
                if named
                else f"本期没有按时认领率低于{line}的部门。"
            ),
            st["body"],
        )
    )
    if b.remarks:
        story.append(Paragraph(_esc("审核意见与说明"), st["h"]))
        for para in b.remarks.splitlines():
            if para.strip():
                story.append(Paragraph(_esc(para.strip()), st["body"]))
    if b.correction_reason:
        story.append(Paragraph(_esc(f"更正说明：{b.correction_reason}"), st["body"]))
    footer = _page_footer(b.title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def step_pdf(step: EscalationStep) -> bytes:
    """An escalation step's document (提醒函, 约谈通知书及记录, 移送函及处理结果) as a PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=f"{step.document_title} {step.document_number}",
    )
    story = [Paragraph(_esc(step.document_title), st["title"]), Spacer(1, 6 * mm)]
    for para in step.document_text.splitlines():
        story.append(Paragraph(_esc(para.strip()) or "&nbsp;", st["body"]))
    if step.record_text:
        story += [PageBreak()]
        for para in step.record_text.splitlines():
            story.append(Paragraph(_esc(para.strip()) or "&nbsp;", st["body"]))
    footer = _page_footer(step.document_number)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
