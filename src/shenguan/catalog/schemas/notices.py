"""API schemas of change notices (变更函告)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ..models import (
    ChangeKind,
)
from .common import DeptRef, ItemRef


class RecipientOut(Schema):
    """A regulator a notice is addressed to."""

    department: DeptRef
    acknowledged_at: dt.datetime | None


class NoticeOut(Schema):
    """A pre-notification of a change (变更函告, 002 §20)."""

    id: int
    jurisdiction_id: int
    kind: ChangeKind
    summary: str
    effective_on: dt.date
    notified_on: dt.date
    department: DeptRef
    item: ItemRef | None
    entry_id: int | None
    recipients: list[RecipientOut]

    @staticmethod
    def resolve_recipients(obj) -> list:
        return list(obj.recipients.all())


class NoticeIn(Schema):
    """A notice sent by hand."""

    jurisdiction_id: int | None = None
    kind: ChangeKind
    summary: str = Field(max_length=1000)
    effective_on: dt.date
    department_ids: list[int] = Field(min_length=1)
    item_id: int | None = None


class NoticeFilters(Schema):
    """Filters of the notice list."""

    kind: ChangeKind | None = None
    effective_from: dt.date | None = None
    unacknowledged: bool = Field(False, description="本部门尚未确认的函告")
