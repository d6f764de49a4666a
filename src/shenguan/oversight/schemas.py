"""API schemas of the oversight app: alerts, bulletins, indicators, supervision, escalations.
Component names carry the app's prefix (Oversight…) to stay unique in the OpenAPI spec."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from .models import (
    AlertLevel,
    AlertReview,
    BulletinState,
    EscalationBasis,
    EscalationLevel,
    EscalationState,
    StepState,
    SupervisionState,
)

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class OversightAlertFilters(Schema):
    """Filters of the alert list."""

    level: Literal["yellow", "red"] | None = Field(None, description="预警等级")
    kind: str | None = Field(None, max_length=48, description="时限类别代码")
    department_id: Id | None = Field(None, description="责任部门ID")
    jurisdiction_id: Id | None = Field(None, description="行政区划ID")
    open: bool | None = Field(None, description="true 未办结；false 已办结")
    review: Literal["none", "verified", "excused", "referred"] | None = Field(
        None, description="核查结论（none 为待核查）"
    )
    raised_from: dt.date | None = Field(None, description="预警日期起")
    raised_to: dt.date | None = Field(None, description="预警日期止")


class OversightAlertOut(Schema):
    """A deadline alert (监管预警)."""

    id: int
    jurisdiction_id: int
    kind: str
    kind_label: str = Field(description="时限类别")
    object_type: str
    object_id: int
    level: AlertLevel
    department_id: int
    department_name: str
    title: str
    start_date: dt.date
    budget_days: int
    due_date: dt.date
    provisional: bool
    suspended_days: int
    raised_at: dt.datetime
    closed_at: dt.datetime | None
    closed_late: bool | None
    explanation: str
    explained_at: dt.datetime | None
    review: AlertReview
    review_note: str
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        from .selectors import kind_label

        return kind_label(obj.kind)

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class OversightExplainIn(Schema):
    """A department's explanation of an alert (情况说明)."""

    explanation: str = Field(max_length=2000)


class OversightReviewIn(Schema):
    """An oversight role's review of an alert (核查)."""

    review: Literal["verified", "excused", "referred"]
    note: str = Field("", max_length=1000)


class OversightBulletinOut(Schema):
    """A bulletin without its figures (定期通报)."""

    id: int
    jurisdiction_id: int
    title: str
    period: str
    period_start: dt.date
    period_end: dt.date
    label: str
    version: int
    state: BulletinState
    as_of: dt.datetime
    published_at: dt.datetime | None
    supersedes_id: int | None


class OversightBulletinFilters(Schema):
    """Filters of the bulletin list."""

    state: Literal["draft", "published", "superseded"] | None = None
    jurisdiction_id: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class OversightIndicatorRow(Schema):
    """One department's indicators of a period (通报指标)."""

    department_id: int
    department: str
    rank: int | None
    pushes_received: int
    claimed_on_time: int
    claimed_late: int
    auto_claimed: int
    unclaimed_overdue: int
    pending: int
    on_time_rate: float | None
    median_claim_days: float | None
    p90_claim_days: float | None
    feedback_on_time: int
    feedback_late: int
    feedback_unsent_overdue: int
    corrections_due: int
    corrections_late: int
    approvals_counted: int
    approvals_overtime: int
    supervision_due: int
    supervision_late: int
    supervision_never: int
    open_red_alerts: int
    late_claims: int
    late_ratio: float | None
    serious: bool = False
    reminder_suggested: bool = False


class OversightBulletinDetail(OversightBulletinOut):
    """A bulletin with every figure (frozen once published)."""

    remarks: str
    correction_reason: str
    serious_line: float
    rows: list[OversightIndicatorRow]
    totals: dict[str, Any]

    @staticmethod
    def resolve_serious_line(obj) -> float:
        return obj.figures.get("serious_line", 0)

    @staticmethod
    def resolve_rows(obj) -> list:
        return obj.figures.get("rows", [])

    @staticmethod
    def resolve_totals(obj) -> dict:
        return obj.figures.get("totals", {})


class OversightIndicatorFilters(Schema):
    """The period and jurisdiction of the indicators (default: the current period, own)."""

    jurisdiction_id: Id | None = None
    period_start: dt.date | None = Field(None, description="起始日期（默认本期第一天）")
    period_end: dt.date | None = Field(None, description="截止日期（默认今天）")


class OversightIndicatorsOut(Schema):
    """Live indicators of a period (computed now, not frozen)."""

    jurisdiction_id: int
    period_start: dt.date
    period_end: dt.date
    as_of: dt.datetime
    rows: list[OversightIndicatorRow]


class OversightSupervisionOut(Schema):
    """A claimed approval's supervision (事中事后监管任务)."""

    id: int
    jurisdiction_id: int
    push_id: int
    record_id: int | None
    department_id: int
    title: str
    case_number: str
    claimed_at: dt.datetime
    start_budget_days: int
    start_due_date: dt.date
    start_provisional: bool
    state: SupervisionState
    division_id: int | None
    inspector_id: int | None
    started_at: dt.datetime | None
    start_kind: str
    start_note: str
    start_late: bool
    finished_at: dt.datetime | None
    result: str
    result_text: str
    feedback_id: int | None


class OversightSupervisionFilters(Schema):
    """Filters of the supervision list."""

    state: Literal["waiting", "assigned", "started", "finished"] | None = None
    department_id: Id | None = None
    overdue: bool | None = Field(None, description="仅逾期未启动")


class OversightStartIn(Schema):
    """Supervision started (启动监管)."""

    kind: Literal["inspection", "spot_check_plan", "no_inspection"]
    note: str = Field("", max_length=1000)


class OversightStepOut(Schema):
    """A step of an escalation (督办环节) with its document."""

    id: int
    level: EscalationLevel
    state: StepState
    issued_by_department_id: int | None
    issued_at: dt.datetime
    due_date: dt.date | None
    document_number: str
    document_title: str
    document_text: str
    meeting_date: dt.date | None
    attendees: str
    commitments: str
    outcome: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_due_date(obj):
        return obj.deadline.due_date if obj.deadline_id else None


class OversightEscalationOut(Schema):
    """An escalation (督办) and the steps the caller may see."""

    id: int
    jurisdiction_id: int
    department_id: int
    department_name: str
    basis: EscalationBasis
    summary: str
    bulletin_id: int | None
    level: EscalationLevel
    state: EscalationState
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    steps: list[OversightStepOut] = []

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_steps(obj) -> list:
        return getattr(obj, "visible_steps", [])


class OversightEscalationFilters(Schema):
    """Filters of the escalation list."""

    state: Literal["open", "rectified", "concluded"] | None = None
    level: Literal["reminder", "interview", "accountability"] | None = None
    department_id: Id | None = None
