"""The xlsx export of an inbox (导出): the same rows as the filtered list, streamed."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook

from .models import Push, normalize_claim

EXPORT_MAX_ROWS = 50000

# The column titles, in the reader's language (the file is their list, not an import layout).
HEADERS = [
    _lazy("推送编号"),
    _lazy("类型"),
    _lazy("标题"),
    _lazy("办件编号"),
    _lazy("申请人/相对人"),
    _lazy("审批事项"),
    _lazy("推送部门"),
    _lazy("接收部门"),
    _lazy("推送时间"),
    _lazy("办结/决定日期"),
    _lazy("认领截止日期"),
    _lazy("截止日期暂定"),
    _lazy("认领状态"),
    _lazy("认领方式"),
    _lazy("认领人"),
    _lazy("认领时间"),
    _lazy("逾期认领"),
]


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def push_row(p: Push) -> list:
    """One exported row (the claimant only when a person claimed: the mode is beside it)."""
    return [
        p.pk,
        str(p.get_kind_display()),
        p.title,
        p.case_number,
        p.applicant_name,
        p.item.name if p.item_id else "",
        p.sender_department.name,
        p.addressee_department.name,
        _t(p.pushed_at),
        p.subject_date.isoformat() if p.subject_date else "",
        p.claim_due_date.isoformat(),
        _yes(p.claim_provisional),
        str(p.get_state_display()),
        str(p.get_claimed_mode_display()) if p.claimed_mode else "",
        p.claimant_name,
        _t(p.claimed_at),
        _yes(p.claim_late),
    ]


def pushes_xlsx(qs, title: str) -> bytes:
    """The rows of a push queryset (already filtered and ordered) as an xlsx file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("推送"))
    ws.append([title])
    ws.append([str(h) for h in HEADERS])
    rows = qs[:EXPORT_MAX_ROWS]
    for p in rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else rows:
        normalize_claim(p)
        ws.append(push_row(p))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
