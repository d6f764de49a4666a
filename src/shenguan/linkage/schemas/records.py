"""API schemas of approval records, suspensions, materials and imports (办件)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from shenguan.core.masking import mask_id_number, mask_phone

from ..models import (
    AcceptanceMode,
    ApplicantKind,
    ApprovalResult,
    MaterialKind,
    RecordSource,
    RecordState,
    SuspensionKind,
)
from .common import Id, _unmasked


class RecordIn(Schema):
    """An approval record (登记办件) — from a window or the province's approval system."""

    item_id: Id | None = Field(None, description="审批事项ID；与 item_code 二选一")
    item_code: str | None = Field(None, max_length=64, description="审批事项编码")
    case_number: str = Field(max_length=100, description="办件编号（本行政区划内唯一）")
    applicant_kind: str = Field(max_length=20, description="person 自然人 / legal 法人或其他组织")
    applicant_name: str = Field(max_length=200)
    applicant_id_number: str = Field("", max_length=40, description="身份证号码（自然人必填）")
    applicant_uscc: str = Field("", max_length=40, description="统一社会信用代码（法人必填）")
    legal_representative: str = Field("", max_length=50, description="法定代表人（法人必填）")
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=300)
    accepted_on: dt.date
    decided_on: dt.date | None = None
    decision_number: str = Field("", max_length=100)
    result: str = Field("", max_length=20, description="granted 准予 / refused 不予")
    licence_number: str = Field("", max_length=100)
    licence_valid_from: dt.date | None = None
    licence_valid_until: dt.date | None = None
    risk_points: str = Field("", max_length=5000, description="审批中发现的风险点")
    acceptance_mode: str = Field(
        "normal",
        max_length=20,
        description="受理方式：normal 一般受理 / deficiency 容缺受理 / commitment 告知承诺 / "
        "green 绿色通道",
    )
    deficiency_materials: str = Field("", max_length=2000, description="容缺材料（容缺受理必填）")
    deficiency_due_date: dt.date | None = Field(None, description="容缺材料补齐期限")
    commitment_text: str = Field("", max_length=5000, description="承诺内容（告知承诺必填）")
    complete: bool = Field(False, description="登记后立即办结并推送")


class RecordOut(Schema):
    """An approval record (办件); the ID number and phone are masked."""

    id: int
    jurisdiction_id: int
    department_id: int
    item_id: int
    item_name: str
    case_number: str
    applicant_kind: ApplicantKind
    applicant_name: str
    applicant_id_number: str
    applicant_uscc: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    accepted_on: dt.date
    decided_on: dt.date | None
    decision_number: str
    result: ApprovalResult | Literal[""]
    licence_number: str
    licence_valid_from: dt.date | None
    licence_valid_until: dt.date | None
    risk_points: str
    acceptance_mode: AcceptanceMode
    deficiency_materials: str
    deficiency_due_date: dt.date | None
    commitment_text: str
    state: RecordState
    source: RecordSource
    supervision_gap: bool
    completed_at: dt.datetime | None
    created_at: dt.datetime
    created_by_name: str = Field(description="受理（登记）人")
    decided_by_name: str = Field(description="决定人")
    decided_at: dt.datetime | None
    reviewed_by_name: str = Field(description="审核人")
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_applicant_id_number(obj, context) -> str:
        return (
            obj.applicant_id_number
            if _unmasked(context)
            else mask_id_number(obj.applicant_id_number)
        )

    @staticmethod
    def resolve_contact_phone(obj, context) -> str:
        return obj.contact_phone if _unmasked(context) else mask_phone(obj.contact_phone)


class SuspensionIn(Schema):
    """A period that stops a case's approval clock (审批时限中止, 行政许可法第四十五条)."""

    kind: str = Field(max_length=20, description="类型，如 expert_review 专家评审、hearing 听证")
    started_on: dt.date
    ended_on: dt.date | None = Field(None, description="已结束时填写")
    reason: str = Field(max_length=500, description="事由")


class SuspensionEndIn(Schema):
    """The end of a suspension (恢复计算审批时限)."""

    ended_on: dt.date


class SuspensionOut(Schema):
    """A suspension of a case's approval time limit (审批时限中止)."""

    id: int
    record_id: int
    kind: SuspensionKind
    started_on: dt.date
    ended_on: dt.date | None
    reason: str
    source: str
    created_by_name: str
    created_at: dt.datetime


class RecordFilters(Schema):
    """Filters of the record list."""

    state: RecordState | None = None
    case_number: str | None = Field(None, max_length=64, description="办件编号前缀")
    applicant: str | None = Field(None, max_length=100, description="申请人包含")
    item_id: Id | None = None
    supervision_gap: bool | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None


class CompletedOut(Schema):
    """A completed record and the pushes it created."""

    record: RecordOut
    push_ids: list[int]
    supervision_gap: bool


class RouteIn(Schema):
    """A manual routing of a supervision-gap record (人工指定监管部门)."""

    regulator_id: Id
    division_id: Id | None = None
    note: str = Field(max_length=500)


class MaterialOut(Schema):
    """A file attached to a record."""

    id: int
    record_id: int
    kind: MaterialKind
    name: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class RecordImportProblemOut(Schema):
    """One problem of an import: row, column, code, message."""

    row: int
    column: str
    code: str
    message: str


class RecordImportOut(Schema):
    """What an import wrote."""

    rows: int
    created: int
    completed: bool
    pushes: int
    gaps: int
    record_ids: list[int]


class RecordImportErrorOut(Schema):
    """A refused import: every problem with its row and column; nothing was written."""

    code: str
    message: str
    field: str | None = None
    problems: list[RecordImportProblemOut] = Field(default_factory=list)
