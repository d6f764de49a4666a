"""The xlsx export of an inbox (导出): the same rows as the filtered list, streamed."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook

from .models import Push, normalize_claim

EXPORT_MAX_ROWS = 50000

HEADERS = [
    "推送编号",
    "类型",
    "标题",
    "办件编号",
    "申请人/相对人",
    "审批事项",
    "推送部门",
    "接收部门",
    "推送时间",
    "办结/决定日期",
    "认领截止日期",
    "截止日期暂定",
    "认领状态",
    "认领方式",
    "认领人",
    "认领时间",
    "逾期认领",
]


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def push_row(p: Push) -> list:
    """One exported row."""
    return [
        p.pk,
        p.get_kind_display(),
        p.title,
        p.case_number,
        p.applicant_name,
        p.item.name if p.item_id else "",
        p.sender_department.name,
        p.addressee_department.name,
        _t(p.pushed_at),
        p.subject_date.isoformat() if p.subject_date else "",
        p.claim_due_date.isoformat(),
        "是" if p.claim_provisional else "否",
        p.get_state_display(),
        p.get_claimed_mode_display() if p.claimed_mode else "",
        p.claimed_by_name,
        _t(p.claimed_at),
        "是" if p.claim_late else "否",
    ]


def pushes_xlsx(qs, title: str) -> bytes:
    """The rows of a push queryset (already filtered and ordered) as an xlsx file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("推送")
    ws.append([title])
    ws.append(HEADERS)
    rows = qs[:EXPORT_MAX_ROWS]
    for p in rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else rows:
        normalize_claim(p)
        ws.append(push_row(p))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
