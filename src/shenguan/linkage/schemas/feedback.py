"""API schemas of supervision feedback, disposals, replies and notices (反馈、函告)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ..models import (
    DisposalOutcome,
    FeedbackKind,
    FeedbackState,
    NoticeKind,
    ReplyOutcome,
)
from .common import Id


class FeedbackIn(Schema):
    """Supervision information for the bureau (监管信息反馈)."""

    kind: FeedbackKind
    title: str = Field(max_length=200)
    content: str = Field(max_length=10000)
    published_on: dt.date = Field(description="公布或决定日期")
    effective_on: dt.date | None = Field(None, description="生效日期（处罚）")
    abnormal: bool | None = Field(None, description="检查结果是否异常（监督检查、抽查必填）")
    document_number: str = Field("", max_length=100)
    record_id: Id | None = None
    licence_id: Id | None = None


class FeedbackOut(Schema):
    """A feedback (监管信息) as sent or received."""

    id: int
    jurisdiction_id: int
    kind: FeedbackKind
    sender_department_id: int
    addressee_department_id: int
    record_id: int | None
    licence_id: int | None
    abnormal: bool | None
    title: str
    content: str
    document_number: str
    published_on: dt.date
    effective_on: dt.date | None
    send_due_date: dt.date | None
    send_provisional: bool
    sent_at: dt.datetime | None
    send_late: bool
    state: FeedbackState
    reply_outcome: ReplyOutcome | Literal[""]
    reply_text: str
    replied_at: dt.datetime | None
    reply_late: bool
    disposal_outcome: DisposalOutcome | None = None
    created_at: dt.datetime

    @staticmethod
    def resolve_disposal_outcome(obj):
        d = getattr(obj, "disposal", None) if hasattr(obj, "disposal") else None
        return d.outcome if d else None


class FeedbackFilters(Schema):
    """Filters of the feedback list."""

    kind: FeedbackKind | None = None
    state: FeedbackState | None = None
    record_id: Id | None = None
    licence_id: Id | None = None
    late: bool | None = None
    open_disposal: bool | None = None
    open_reply: bool | None = None


class DisposalIn(Schema):
    """The disposal of a revocation opinion (处置)."""

    outcome: DisposalOutcome
    decided_on: dt.date
    decision_number: str = Field("", max_length=100)
    reason: str = Field("", max_length=1000)


class DisposalOut(Schema):
    """A recorded disposal."""

    id: int
    feedback_id: int
    licence_id: int | None
    outcome: DisposalOutcome
    decision_number: str
    decided_on: dt.date
    reason: str
    recorded_at: dt.datetime


class ReplyIn(Schema):
    """The answer to a correction request (纠错答复)."""

    outcome: ReplyOutcome
    text: str = Field(max_length=5000)


class LinkageNoticeIn(Schema):
    """A notice to other departments (通知函告)."""

    kind: Literal["document_copy", "policy_consultation", "law_policy_change"]
    title: str = Field(max_length=200)
    content: str = Field(max_length=10000)
    published_on: dt.date
    effective_on: dt.date | None = None
    document_number: str = Field("", max_length=100)
    addressee_ids: list[Id] = Field(min_length=1, max_length=200)


class LinkageNoticeOut(Schema):
    """A notice."""

    id: int
    jurisdiction_id: int
    kind: NoticeKind
    sender_department_id: int
    title: str
    content: str
    document_number: str
    published_on: dt.date
    effective_on: dt.date | None
    change_notice_id: int | None
    created_at: dt.datetime


class LinkageNoticeFilters(Schema):
    """Filters of the notice list."""

    kind: NoticeKind | None = None
