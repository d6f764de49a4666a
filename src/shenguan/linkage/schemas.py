"""API schemas of the linkage app: records, licences, pushes and claims, feedback, notices."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from shenguan.core.masking import mask_id_number, mask_phone

from .models import (
    AcceptanceMode,
    ApplicantKind,
    ApprovalResult,
    ClaimedMode,
    DisposalOutcome,
    FeedbackKind,
    FeedbackState,
    LicenceState,
    MaterialKind,
    NoticeKind,
    PushDirection,
    PushKind,
    PushState,
    RecordSource,
    RecordState,
    ReplyOutcome,
    SuspensionKind,
)

# A key given by a caller: positive and within a bigint (SQLite cannot bind a larger integer).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _unmasked(context) -> bool:
    request = (context or {}).get("request")
    return bool(request is not None and getattr(request, "sg_unmask", False))


def masked_snapshot(data: dict, full: bool) -> dict:
    """A push snapshot with the applicant's ID number and phone masked unless `full`."""
    if full or not isinstance(data, dict):
        return data
    out = copy.deepcopy(data)
    app = (out.get("record") or {}).get("applicant")
    if isinstance(app, dict):
        app["id_number"] = mask_id_number(app.get("id_number"))
        app["contact_phone"] = mask_phone(app.get("contact_phone"))
    return out


# --- records -----------------------------------------------------------------------------------


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


# --- licences ----------------------------------------------------------------------------------


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


# --- pushes ------------------------------------------------------------------------------------


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


# --- feedback and notices ----------------------------------------------------------------------


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
