"""API schemas of the credit app; component names carry the prefix Credit… (unique in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Code = Annotated[
    str, Field(min_length=1, max_length=40, description="统一社会信用代码或身份证号码")
]


class CreditLookupIn(Schema):
    """A look-up of one subject (by code, never by name alone)."""

    code: Code
    name: str = Field("", max_length=200, description="主体名称（仅供展示）")


class CreditHitOut(Schema):
    source: str = Field(description="list 联合惩戒名单 / warning 警示信息库 / platform 信用平台")
    entry_id: int | None = None
    code: str
    subject_name: str = ""
    list_name: str
    measures: str = ""
    document: str = ""
    valid_from: Any = None
    valid_until: Any = None


class CreditLookupOut(Schema):
    subjects: list[dict]
    sources: list[dict]
    hits: list[CreditHitOut]
    platform_status: str
    platform_reference: str
    platform_error: str = ""
    on: dt.date


class CreditCheckOut(Schema):
    """A case's look-up at acceptance (受理信用核查)."""

    id: int
    record_id: int
    checked_at: dt.datetime
    checked_by_name: str
    subjects: list[dict]
    sources: list[dict]
    hits: list[dict]
    platform_status: str
    platform_reference: str
    acceptance_mode: str
    restricted: bool
    override_reason: str
    override_by_name: str


class CreditRecordFilters(Schema):
    kind: Literal["licence", "penalty"] | None = Field(None, description="类别")
    state: Literal["invalid", "queued", "acknowledged", "rejected"] | None = Field(
        None, description="状态"
    )
    code: str | None = Field(None, max_length=40, description="行政相对人证件号码")
    tasks: bool | None = Field(None, description="仅不合规或被退回（待处理）")


class CreditRecordOut(Schema):
    """A 双公示 record (行政许可/行政处罚信息) with its delivery state."""

    id: int
    jurisdiction_id: int
    kind: str
    department_id: int
    record_id: int | None
    feedback_id: int | None
    subject_name: str
    document_number: str
    decision_date: dt.date
    budget_days: int | None
    due_date: dt.date | None
    provisional: bool
    state: str
    problems: list[dict]
    sent_count: int
    acknowledged_at: dt.datetime | None
    receipt: str
    rejection_reasons: list[str]
    public_until: dt.date | None
    data: dict = Field(description="国家双公示数据（个人证件号码已脱敏）")

    @staticmethod
    def resolve_data(obj) -> dict:
        from shenguan.core.masking import mask_document

        return mask_document(obj.data)


class CreditWarningFilters(Schema):
    q: str | None = Field(None, max_length=100)
    code: str | None = Field(None, max_length=40)
    reason_kind: (
        Literal["revocation", "penalty", "broken_commitment", "fraud", "imported"] | None
    ) = None
    active: bool | None = Field(None, description="仅未信用修复")


class CreditWarningIn(Schema):
    code: Code
    subject_name: str = Field(max_length=200)
    reason_kind: Literal["revocation", "penalty", "broken_commitment", "fraud", "imported"] = (
        "fraud"
    )
    reason: str = Field(max_length=1000)
    measures: str = Field("", max_length=1000)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class CreditRepairIn(Schema):
    decision: str = Field(max_length=300, description="信用修复决定文书")
    reason: str = Field(max_length=1000, description="信用修复说明")


class CreditWarningOut(Schema):
    """An entry of the warning library (警示信息)."""

    id: int
    jurisdiction_id: int
    subject_kind: str
    subject_name: str
    code: str
    reason_kind: str
    reason: str
    source_type: str
    source_id: int | None
    measures: str
    valid_from: dt.date
    valid_until: dt.date | None
    created_at: dt.datetime
    removed_at: dt.datetime | None
    removal_decision: str
    removal_reason: str

    @staticmethod
    def resolve_code(obj) -> str:
        from shenguan.core.masking import mask_id_number

        return mask_id_number(obj.code) if obj.subject_kind == "person" else obj.code


class CreditListEntryFilters(Schema):
    q: str | None = Field(None, max_length=100)
    code: str | None = Field(None, max_length=40)
    list_kind: Literal["dishonest_debtor", "tax", "other"] | None = None


class CreditListEntryOut(Schema):
    id: int
    jurisdiction_id: int
    list_kind: str
    list_name: str
    subject_kind: str
    subject_name: str
    code: str
    measures: str
    source_document: str
    valid_from: dt.date
    valid_until: dt.date | None
    import_batch: str

    @staticmethod
    def resolve_code(obj) -> str:
        from shenguan.core.masking import mask_id_number

        return mask_id_number(obj.code) if obj.subject_kind == "person" else obj.code


class CreditImportOut(Schema):
    ok: bool
    dry_run: bool
    rows: int
    created: int
    problem_count: int
    problems: list[dict]
    lists: list[str]


class CreditCommitmentFilters(Schema):
    state: Literal["open", "kept", "not_kept"] | None = None


class CreditCommitmentOut(Schema):
    """A 告知承诺 verification task (告知承诺核查)."""

    id: int
    jurisdiction_id: int
    record_id: int
    licence_id: int | None
    department_id: int
    subject_name: str
    commitment_text: str
    start: dt.date
    budget_days: int
    due_date: dt.date
    provisional: bool
    state: str
    evidence: str
    verified_at: dt.datetime | None
    verified_by_name: str
    revocation_feedback_id: int | None
    warning_id: int | None


class CreditVerifyIn(Schema):
    kept: bool = Field(description="是否履行承诺")
    evidence: str = Field(max_length=5000, description="核查情况与证据")


class CreditOverrideIn(Schema):
    code: Code
    subject_name: str = Field("", max_length=200)
    acceptance_mode: Literal["deficiency", "commitment", "green"]
    reason: str = Field(max_length=1000)


class CreditOverrideOut(Schema):
    id: int
    code: str
    acceptance_mode: str
    reason: str
    granted_by_name: str
    granted_at: dt.datetime
    valid_until: dt.date
    used_record_id: int | None
