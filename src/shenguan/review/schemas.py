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


class ReviewImportOut(Schema):
    rows: int
    created: int
    valid: int
    dry_run: bool


class ReviewImportProblem(Schema):
    row: int
    column: str
    message: str


class ReviewImportErrorOut(Schema):
    """A refused import: every problem with its row and column; nothing was written."""

    code: str
    message: str
    field: str | None = None
    problems: list[ReviewImportProblem] = Field(default_factory=list)


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


# --- experts and draws ---------------------------------------------------------------------------


def _full(context) -> bool:
    request = (context or {}).get("request")
    return bool(request is not None and getattr(request, "sg_unmask", False))


class ReviewExpertFilters(Schema):
    """Filters of the expert pool."""

    speciality: str | None = Field(None, max_length=20, description="专业类别代码")
    available: bool | None = Field(None, description="true 仅可参加评审")
    q: str | None = Field(None, max_length=50, description="姓名或单位")


class ReviewExpertChangeOut(Schema):
    at: dt.datetime
    by_name: str
    by_department_name: str
    changes: dict


class ReviewExpertOut(Schema):
    """An expert of the pool; the phone is masked unless unmasked by a holder of the right."""

    id: int
    jurisdiction_id: int
    name: str
    title: str
    employer: str
    employer_uscc: str
    phone: str
    available: bool
    unavailable_note: str
    review_due: dt.date
    active: bool
    specialities: list[str]

    @staticmethod
    def resolve_phone(obj, context) -> str:
        from shenguan.core.masking import mask_phone

        return obj.phone if _full(context) else mask_phone(obj.phone)


class ReviewExpertDetail(ReviewExpertOut):
    changes: list[ReviewExpertChangeOut]

    @staticmethod
    def resolve_changes(obj) -> list:
        return list(obj.changes.all()[:100])


class ReviewExpertIn(Schema):
    """An expert's entry (all fields on creation; only those given on update)."""

    name: str | None = Field(None, max_length=50)
    title: str | None = Field(None, max_length=20, description="senior / associate / intermediate")
    employer: str | None = Field(None, max_length=200)
    employer_uscc: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=30)
    available: bool | None = None
    unavailable_note: str | None = Field(None, max_length=200)
    review_due: dt.date | None = None
    active: bool | None = None
    specialities: list[Annotated[str, Field(max_length=20)]] | None = Field(None, max_length=5)


class ReviewConflictIn(Schema):
    party_uscc: str = Field(max_length=18)
    party_name: str = Field(max_length=200)
    reason: str = Field(max_length=300)
    declared_on: dt.date | None = None


class ReviewDrawFilters(Schema):
    record_id: Id | None = Field(None, description="办件ID")


class ReviewMemberOut(Schema):
    id: int
    expert_id: int
    expert_name: str
    speciality: str
    position: int
    round: int
    replaces_id: int | None
    state: str
    responded_at: dt.datetime | None
    decline_reason: str
    opinion: str
    opinion_at: dt.datetime | None

    @staticmethod
    def resolve_expert_name(obj) -> str:
        return obj.expert.name


class ReviewDrawOut(Schema):
    """A draw with its seed, candidates, exclusions and members (replayable)."""

    id: int
    jurisdiction_id: int
    record_id: int
    opinion_request_id: int | None
    department_id: int
    purpose: str
    needs: dict[str, int]
    avoid_days: int
    algorithm: str
    seed: str
    candidates: dict[str, list[int]]
    excluded: dict[str, str]
    drawn_at: dt.datetime
    drawn_by_name: str
    suspension_id: int | None
    members: list[ReviewMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.select_related("expert").order_by("position"))


class ReviewDrawIn(Schema):
    record_id: Id
    opinion_request_id: Id | None = None
    needs: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=1, le=15)]]
    purpose: str = Field(max_length=200)
    related_usccs: list[Annotated[str, Field(max_length=18)]] = Field(
        default_factory=list, max_length=20
    )


class ReviewRespondIn(Schema):
    accept: bool
    reason: str = Field("", max_length=200)


class ReviewOpinionIn(Schema):
    opinion: str = Field(max_length=2000)


class ReviewReplayStep(Schema):
    round: int
    recorded: list | int | None
    replayed: list | int | None


class ReviewReplayOut(Schema):
    draw_id: int
    algorithm: str
    matches: bool
    steps: list[ReviewReplayStep]


# --- certificates ---------------------------------------------------------------------------


class ReviewCertificateFilters(Schema):
    state: Literal["open", "disputed", "issued"] | None = Field(None, description="状态")
    overdue: bool | None = Field(None, description="true 仅逾期未发证")
    record_id: Id | None = Field(None, description="办件ID")


class ReviewCertificateMessageOut(Schema):
    at: dt.datetime
    department_name: str
    by_name: str
    text: str
    resolves: bool


class ReviewCertificateOut(Schema):
    """A certificate the regulator issues after the bureau's approval (配发证照任务)."""

    id: int
    jurisdiction_id: int
    record_id: int
    case_number: str
    licence_id: int | None
    bureau_id: int
    department_id: int
    department_name: str
    created_at: dt.datetime
    budget_days: int
    due_date: dt.date
    provisional: bool
    basis: str
    state: str
    certificate_number: str
    issued_on: dt.date | None
    issued_at: dt.datetime | None
    issued_by_name: str
    issued_late: bool
    messages: list[ReviewCertificateMessageOut]

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.record.case_number

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_messages(obj) -> list:
        return list(obj.messages.all())


class ReviewIssueIn(Schema):
    certificate_number: str = Field(max_length=100)
    issued_on: dt.date


class ReviewMessageIn(Schema):
    text: str = Field(max_length=2000)
    resolves: bool = False


# --- public notices ----------------------------------------------------------------------------


class ReviewNoticeFilters(Schema):
    state: Literal["open", "closed"] | None = Field(None, description="状态")
    record_id: Id | None = Field(None, description="办件ID")


class ReviewPartyOut(Schema):
    department_id: int
    department_name: str
    answer: str
    text: str
    answered_at: dt.datetime | None
    answered_by_name: str
    handling: str

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class ReviewNoticeOut(Schema):
    """A public notice with the regulators' written answers (or deemed ones)."""

    id: int
    jurisdiction_id: int
    record_id: int
    bureau_id: int
    title: str
    content: str
    applicant_shown: str
    period_unit: str
    period_days: int
    starts_on: dt.date
    ends_on: dt.date
    state: str
    published_at: dt.datetime
    closed_at: dt.datetime | None
    parties: list[ReviewPartyOut]
    comments: int

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.select_related("department").order_by("id"))

    @staticmethod
    def resolve_comments(obj) -> int:
        return obj.comments.count()


class ReviewNoticeIn(Schema):
    record_id: Id
    title: str = Field(max_length=200)
    content: str = Field(max_length=5000)
    period_unit: Literal["calendar", "working"]
    period_days: int = Field(ge=1, le=90)
    starts_on: dt.date | None = None
    regulator_ids: list[Id] = Field(min_length=1, max_length=50)


class ReviewNoticeAnswerIn(Schema):
    objection: bool
    text: str = Field("", max_length=2000)


# --- joint review meetings -------------------------------------------------------------------


class ReviewMeetingFilters(Schema):
    record_id: Id | None = Field(None, description="办件ID")


class ReviewMeetingCaseOut(Schema):
    record_id: int
    conclusion: str


class ReviewInviteeOut(Schema):
    department_id: int
    push_id: int
    attended: bool | None
    attendee_names: str
    opinion: str


class ReviewMeetingOut(Schema):
    """A joint review meeting with its cases, invited departments and minutes."""

    id: int
    jurisdiction_id: int
    bureau_id: int
    title: str
    held_at: dt.datetime
    place: str
    video_link: str
    agenda: str
    draw_id: int | None
    state: str
    minutes: str
    minutes_at: dt.datetime | None
    cases: list[ReviewMeetingCaseOut]
    invitees: list[ReviewInviteeOut]

    @staticmethod
    def resolve_cases(obj) -> list:
        return list(obj.cases.order_by("id"))

    @staticmethod
    def resolve_invitees(obj) -> list:
        return list(obj.invitees.order_by("id"))


class ReviewMeetingIn(Schema):
    record_ids: list[Id] = Field(min_length=1, max_length=20)
    title: str = Field(max_length=200)
    held_at: dt.datetime
    agenda: str = Field(max_length=3000)
    department_ids: list[Id] = Field(min_length=1, max_length=30)
    place: str = Field("", max_length=200)
    video_link: str = Field("", max_length=300)
    draw_id: Id | None = None


class ReviewMeetingRecordIn(Schema):
    minutes: str = Field(max_length=10000)
    attendance: dict[int, Annotated[str, Field(max_length=200)]] = Field(default_factory=dict)
    opinions: dict[int, Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict)
    conclusions: dict[int, Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict)
