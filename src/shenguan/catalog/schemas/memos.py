"""API schemas of handover memoranda (交接备忘录)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ..models import (
    HandoverKind,
    MemoState,
)
from .common import DeptRef, ItemRef


class ChecklistLine(Schema):
    """A line of a memo's handover checklist (交接清单)."""

    kind: HandoverKind
    description: str = Field(max_length=500)
    quantity: str = Field("", max_length=50)
    note: str = Field("", max_length=200)


class MemoItemOut(Schema):
    """An item covered by a memo, from its coverage date."""

    item: ItemRef
    covered_from: dt.date | None


class AmendmentOut(Schema):
    """An amendment of a memo (修订) with the content before and after."""

    number: int
    signed_on: dt.date
    reason: str
    before: dict
    after: dict


class MemoOut(Schema):
    """A handover memorandum (审管衔接备忘录)."""

    id: int
    jurisdiction_id: int
    number: str
    title: str
    from_department: DeptRef
    to_department: DeptRef
    state: MemoState
    signed_on: dt.date | None
    checklist: list[ChecklistLine]
    duty_boundary: str
    feedback_arrangement: str
    technical_support: str
    from_signatory: str
    from_signatory_title: str
    to_signatory: str
    to_signatory_title: str


class MemoDetail(MemoOut):
    """A memo with its items and amendments."""

    items: list[MemoItemOut]
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.memo_items.all())

    @staticmethod
    def resolve_amendments(obj) -> list:
        return list(obj.amendments.all())


class MemoContent(Schema):
    """The editable content of a memo."""

    number: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200)
    checklist: list[ChecklistLine] | None = None
    duty_boundary: str | None = Field(None, max_length=5000)
    feedback_arrangement: str | None = Field(None, max_length=5000)
    technical_support: str | None = Field(None, max_length=5000)
    from_signatory: str | None = Field(None, max_length=50)
    from_signatory_title: str | None = Field(None, max_length=50)
    to_signatory: str | None = Field(None, max_length=50)
    to_signatory_title: str | None = Field(None, max_length=50)


class MemoIn(MemoContent):
    """A new draft memo for items of one original department."""

    title: str = Field(max_length=200)
    from_department_id: int
    to_department_id: int | None = Field(None, description="默认为本行政区划的行政审批局")
    item_ids: list[int] = Field(min_length=1)
    include_related: bool = Field(True, description="关联事项一并纳入")
    exclude_related: list[int] = Field(default_factory=list)


class MemoPatch(MemoContent):
    """Changes to a draft memo."""

    item_ids: list[int] | None = None
    include_related: bool = True
    exclude_related: list[int] = Field(default_factory=list)


class MemoSignIn(Schema):
    """The signing of a memo (签订)."""

    signed_on: dt.date
    from_signatory: str | None = Field(None, max_length=50)
    from_signatory_title: str | None = Field(None, max_length=50)
    to_signatory: str | None = Field(None, max_length=50)
    to_signatory_title: str | None = Field(None, max_length=50)


class MemoAmendIn(MemoContent):
    """An amendment of a signed memo (修订)."""

    signed_on: dt.date
    reason: str = Field(max_length=500)
    add_item_ids: list[int] = Field(default_factory=list)
    include_related: bool = True
    exclude_related: list[int] = Field(default_factory=list)


class MemoFilters(Schema):
    """Filters of the memo list."""

    state: MemoState | None = None
    department_id: int | None = Field(None, description="原审批部门")
    item_id: int | None = None
    q: str | None = Field(None, max_length=100)
