"""API schemas of the licence register and its verification (证照)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from shenguan.core.masking import mask_id_number

from ..models import (
    ApplicantKind,
    LicenceState,
)
from .common import Id, _unmasked


class LicenceOut(Schema):
    """A licence in the register (许可证照)."""

    id: int
    jurisdiction_id: int
    number: str
    item_id: int
    item_name: str
    record_id: int | None
    department_id: int
    holder_kind: ApplicantKind
    holder_name: str
    holder_code: str
    decision_number: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    state: LicenceState
    state_since: dt.date

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_holder_code(obj, context) -> str:
        if obj.holder_kind == ApplicantKind.PERSON and not _unmasked(context):
            return mask_id_number(obj.holder_code)
        return obj.holder_code


class LicenceEventOut(Schema):
    """A dated state change of a licence."""

    from_state: LicenceState | Literal[""]
    to_state: LicenceState
    effective_on: dt.date
    decision_number: str
    reason: str
    actor_name: str
    at: dt.datetime


class LicenceDetail(LicenceOut):
    """A licence with its history."""

    history: list[LicenceEventOut]


class LicenceFilters(Schema):
    """Filters of the licence list."""

    state: LicenceState | None = None
    number: str | None = Field(None, max_length=100)
    holder: str | None = Field(None, max_length=100)
    item_id: Id | None = None


class TransitionIn(Schema):
    """A change of a licence's state (证照状态变更)."""

    to_state: LicenceState
    effective_on: dt.date
    decision_number: str = Field("", max_length=100)
    reason: str = Field(max_length=500)


class LicenceVerifyOut(Schema):
    """The public answer about a licence: item, masked holder, state, validity."""

    number: str
    item: str
    holder: str
    state: LicenceState
    state_label: str
    state_since: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    issuer: str
    jurisdiction: str
