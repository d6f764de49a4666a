"""API schemas of the review app: technical steps, opinion requests and written opinions.
Component names carry the app's prefix (Review…) to stay unique in the OpenAPI spec."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
StepKindIn = Literal[
    "site_inspection", "technical_review", "testing", "expert_review", "argumentation", "hearing"
]


class ReviewStepFilters(Schema):
    """Filters of the technical-step table."""

    item_id: Id | None = Field(None, description="审批事项ID")
    step_kind: StepKindIn | None = Field(None, description="技术环节")
    current: bool | None = Field(None, description="true 仅今日有效的版本")


class ReviewStepOut(Schema):
    """One version of an item's technical step (技术性环节清单)."""

    id: int
    jurisdiction_id: int
    item_id: int
    item_name: str
    item_code: str
    step_kind: str
    step_label: str = Field(description="技术环节")
    performer: str
    performer_label: str = Field(description="实施主体")
    department_id: int
    department_name: str
    procedure: str
    time_limit_days: int
    basis: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_item_code(obj) -> str:
        return obj.item.code

    @staticmethod
    def resolve_step_label(obj) -> str:
        return str(obj.get_step_kind_display())

    @staticmethod
    def resolve_performer_label(obj) -> str:
        return str(obj.get_performer_display())

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class ReviewStepIn(Schema):
    """A new version of an item's technical step."""

    item_id: Id
    step_kind: str = Field(max_length=40, description="技术环节（代码或中文名称）")
    performer: str = Field(max_length=40, description="bureau 审批局自行办理 / regulator 书面支持")
    department_id: Id
    procedure: str = Field(max_length=2000)
    time_limit_days: int = Field(ge=1, le=365, description="办理时限（工作日）")
    basis: str = Field("", max_length=300)
    valid_from: dt.date


class ReviewRequestFilters(Schema):
    """Filters of the opinion requests."""

    state: Literal["requested", "answered", "waived"] | None = Field(None, description="状态")
    record_id: Id | None = Field(None, description="办件ID")
    step_kind: StepKindIn | None = Field(None, description="技术环节")
    overdue: bool | None = Field(None, description="true 仅逾期未答复")


class ReviewAttachment(Schema):
    name: str = Field(max_length=200)
    sha256: str = Field("", max_length=64)


class ReviewRequestOut(Schema):
    """A technical opinion request (技术审查函) with its written opinion once answered."""

    id: int
    jurisdiction_id: int
    record_id: int
    case_number: str
    item_name: str
    step_kind: str
    step_label: str
    bureau_id: int
    department_id: int
    department_name: str
    question: str
    requested_at: dt.datetime
    requested_by_name: str
    start_date: dt.date
    budget_days: int
    due_date: dt.date
    provisional: bool
    request_push_id: int
    suspension_id: int | None
    state: str
    conclusion: str
    reasons: str
    performers: str
    signing_leader: str
    opinion_date: dt.date | None
    attachments: list[ReviewAttachment]
    answered_at: dt.datetime | None
    answered_by_name: str
    answer_late: bool
    opinion_push_id: int | None
    waiver_reason: str
    waived_at: dt.datetime | None
    waived_by_name: str

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.record.case_number

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.record.item.name

    @staticmethod
    def resolve_step_label(obj) -> str:
        return str(obj.get_step_kind_display())

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class ReviewRequestIn(Schema):
    """Ask the department the step table names for a technical step of a case."""

    record_id: Id
    step_kind: str = Field(max_length=40, description="技术环节（代码或中文名称）")
    question: str = Field("", max_length=1000, description="请求事项")


class ReviewAnswerIn(Schema):
    """The regulator's written opinion (书面意见)."""

    conclusion: str = Field(max_length=20, description="agree / conditional / disagree")
    reasons: str = Field("", max_length=2000, description="条件或理由（附条件同意、不同意时必填）")
    performers: str = Field(max_length=300, description="实施人员")
    signing_leader: str = Field(max_length=50, description="签发领导")
    opinion_date: dt.date
    attachments: list[ReviewAttachment] = Field(default_factory=list, max_length=20)


class ReviewWaiveIn(Schema):
    """Why the bureau decides without waiting for the opinion."""

    reason: str = Field(max_length=500)
