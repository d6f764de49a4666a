"""API schemas of pushes, claims and the inbox summary (推送)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from ..models import (
    ClaimedMode,
    PushDirection,
    PushKind,
    PushState,
)
from .common import Id, _unmasked, masked_snapshot


class PushOut(Schema):
    """A push (推送) with its claim deadline and claim."""

    id: int
    jurisdiction_id: int
    kind: PushKind
    direction: PushDirection
    sender_department_id: int
    sender_department_name: str
    addressee_department_id: int
    addressee_department_name: str
    addressee_division_id: int | None
    record_id: int | None
    licence_id: int | None
    feedback_id: int | None
    notice_id: int | None
    item_id: int | None
    title: str
    case_number: str
    applicant_name: str
    subject_date: dt.date | None
    pushed_at: dt.datetime
    claim_policy: str
    claim_budget_days: int
    claim_due_date: dt.date
    claim_due_at: dt.datetime
    claim_provisional: bool
    state: PushState
    claimed_at: dt.datetime | None
    claimed_mode: ClaimedMode | Literal[""]
    claimed_by_name: str
    claim_late: bool

    @staticmethod
    def resolve_sender_department_name(obj) -> str:
        return obj.sender_department.name

    @staticmethod
    def resolve_addressee_department_name(obj) -> str:
        return obj.addressee_department.name


class TimelineEntry(Schema):
    """One step of a push's story."""

    at: dt.datetime
    label: str
    who: str
    detail: str
    tag: str


class PushDetail(PushOut):
    """A push with its frozen content and its timeline."""

    snapshot: dict[str, Any]
    timeline: list[TimelineEntry]
    responsible_from: dt.datetime = Field(description="接收部门自此时起承担责任（000 §4）")
    working_days_left: int | None = Field(description="剩余认领工作日（已认领为空）")
    overdue: bool

    @staticmethod
    def resolve_snapshot(obj, context) -> dict:
        data = obj.snapshot.data if hasattr(obj, "snapshot") else {}
        return masked_snapshot(data, _unmasked(context))

    @staticmethod
    def resolve_responsible_from(obj) -> dt.datetime:
        return obj.pushed_at


class PushFilters(Schema):
    """The filters of an inbox (收件箱筛选)."""

    box: Literal["to_claim", "claimed", "auto_claimed", "sent", "all"] = Field(
        "all", description="待认领/已认领/超时自动认领/已推送/全部"
    )
    kind: PushKind | None = None
    direction: PushDirection | None = None
    item_id: Id | None = None
    case_number: str | None = Field(None, max_length=64, description="办件编号（精确匹配）")
    applicant: str | None = Field(None, max_length=100, description="申请人包含")
    subject_from: dt.date | None = Field(None, description="办结/决定日期起")
    subject_to: dt.date | None = None
    pushed_from: dt.date | None = None
    pushed_to: dt.date | None = None
    state: PushState | None = None
    claimed_mode: ClaimedMode | None = None
    claimant: str | None = Field(None, max_length=50, description="认领人包含")
    claimed_from: dt.date | None = None
    claimed_to: dt.date | None = None
    department_id: Id | None = Field(None, description="对方部门（推送或接收）")
    overdue: bool | None = Field(None, description="仅逾期未认领")
    late: bool | None = Field(None, description="逾期认领")
    provisional: bool | None = Field(None, description="截止日期暂定")


class BulkClaimIn(Schema):
    """Pushes to claim at once (批量认领)."""

    ids: list[Id] = Field(min_length=1, max_length=500)


class SkippedOut(Schema):
    """A push not claimed by a bulk claim, and why."""

    id: int
    reason: Literal["already_claimed", "not_found"]


class BulkClaimOut(Schema):
    """What a bulk claim did."""

    claimed: list[int]
    skipped: list[SkippedOut]


class SummaryOut(Schema):
    """Live counts for the caller's department (待办统计)."""

    to_claim: int
    overdue: int
    provisional: int
    auto_claimed: int
    feedback_to_claim: int
    open_disposals: int | None = None
    open_replies: int | None = None
    feedback_held: int | None = None
    drafts: int
    gaps: int
