"""The xlsx export of an inbox (导出): the same rows as the filtered list, streamed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shenguan.core.sheets import write_xlsx

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
        p.pushed_at,
        p.subject_date,
        p.claim_due_date,
        _yes(p.claim_provisional),
        str(p.get_state_display()),
        str(p.get_claimed_mode_display()) if p.claimed_mode else "",
        p.claimant_name,
        p.claimed_at,
        _yes(p.claim_late),
    ]


def pushes_xlsx(qs, title: str) -> bytes:
    """The rows of a push queryset (already filtered and ordered) as an xlsx file, through the
    one formula-safe writer (core.sheets, ADR 0043): dates and times are date cells."""
    rows = qs[:EXPORT_MAX_ROWS]

    def gen():
        for p in rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else rows:
            normalize_claim(p)
            yield push_row(p)

    return write_xlsx([str(h) for h in HEADERS], gen(), title=title, sheet=_("推送"))


# --- the records and feedback lists (issue 12 item 3) -------------------------------------------

RECORD_HEADERS = [
    _lazy("办件编号"),
    _lazy("审批事项"),
    _lazy("审批部门"),
    _lazy("申请人类型"),
    _lazy("申请人"),
    _lazy("受理日期"),
    _lazy("决定日期"),
    _lazy("决定文书号"),
    _lazy("审批结果"),
    _lazy("证照编号"),
    _lazy("有效期至"),
    _lazy("状态"),
    _lazy("监管空白"),
    _lazy("来源"),
]


def record_row(r) -> list:
    """One exported record (no identity or phone numbers: the list does not show them)."""
    return [
        r.case_number,
        r.item.name if r.item_id else "",
        r.department.name,
        str(r.get_applicant_kind_display()),
        r.applicant_name,
        r.accepted_on,
        r.decided_on,
        r.decision_number,
        str(r.get_result_display()) if r.result else "",
        r.licence_number,
        r.licence_valid_until,
        str(r.get_state_display()),
        _yes(r.supervision_gap),
        str(r.get_source_display()),
    ]


FEEDBACK_HEADERS = [
    _lazy("类型"),
    _lazy("标题"),
    _lazy("文书号"),
    _lazy("发送部门"),
    _lazy("接收部门"),
    _lazy("公布/决定日期"),
    _lazy("生效日期"),
    _lazy("推送截止日期"),
    _lazy("推送时间"),
    _lazy("逾期推送"),
    _lazy("状态"),
    _lazy("答复结果"),
    _lazy("答复时间"),
    _lazy("逾期答复"),
]


def feedback_row(f) -> list:
    """One exported feedback."""
    return [
        str(f.get_kind_display()),
        f.title,
        f.document_number,
        f.sender_department.name,
        f.addressee_department.name if f.addressee_department_id else "",
        f.published_on,
        f.effective_on,
        f.send_due_date,
        f.sent_at,
        _yes(f.send_late),
        str(f.get_state_display()),
        str(f.get_reply_outcome_display()) if f.reply_outcome else "",
        f.replied_at,
        _yes(f.reply_late),
    ]


def list_xlsx(qs, headers, row, title: str, sheet: str) -> bytes:
    """A filtered list (at most EXPORT_MAX_ROWS rows) as an xlsx file (core.sheets writer)."""
    rows = (row(x) for x in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000))
    return write_xlsx([str(h) for h in headers], rows, title=title, sheet=sheet)
