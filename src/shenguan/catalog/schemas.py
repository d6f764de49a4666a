"""API schemas of the catalogue: items, transfers, memos, supervision items, linkage entries,
published versions, change notices, gaps and imports (事项清单接口)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from shenguan.core.masking import mask_phone

from .models import (
    ChangeKind,
    HandoverKind,
    MemoState,
    PowerType,
    PushMethod,
    Stage,
    TransferStatus,
)


class DeptRef(Schema):
    """A department, by id and name."""

    id: int
    name: str


class DivisionRef(Schema):
    """A division, by id and name."""

    id: int
    name: str


class ItemRef(Schema):
    """A licensing item, by id, code and name."""

    id: int
    code: str
    name: str


# --- licensing items -------------------------------------------------------------------------


class TransferOut(Schema):
    """One dated record of an item's transfer history (划转记录)."""

    id: int
    status: TransferStatus
    status_label: str
    effective_on: dt.date
    receiving_department: DeptRef | None
    batch_name: str
    planned_on: dt.date | None
    reason: str
    hall_window: str
    via_main_item_id: int | None = Field(None, description="随主项划转时主项的ID")
    memo_id: int | None
    note: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_via_main_item_id(obj) -> int | None:
        return obj.via_main.item_id if obj.via_main_id else None


class ItemOut(Schema):
    """A licensing item (行政许可事项) as listed."""

    id: int
    jurisdiction_id: int
    code: str = Field(description="事项编码（按原样保存）")
    name: str
    power_type: PowerType
    original_department: DeptRef
    statutory_days: int | None = Field(description="法定时限（工作日）")
    promised_days: int | None = Field(description="承诺时限（工作日）")
    needs_site_inspection: bool
    needs_expert_review: bool
    needs_hearing: bool
    needs_public_notice: bool
    regulator_issues_certificate: bool
    commitment_allowed: bool = Field(description="可告知承诺")
    accept_with_gaps_allowed: bool = Field(description="可容缺受理")
    main_item: ItemRef | None = Field(description="主项（本项为关联事项时）")
    transfer_status: TransferStatus = Field(description="最近一条划转记录的状态")
    transfer_effective_on: dt.date | None
    active: bool
    removed_on: dt.date | None
    note: str


class HandlingOut(Schema):
    """Who handles the item on a date and why (办理主体, 004 三(三)2)."""

    on_date: dt.date
    department: DeptRef
    by_bureau: bool
    status: TransferStatus
    since: dt.date | None = Field(description="现办理部门开始办理的日期")
    memo_id: int | None
    memo_required: bool = Field(description="本地政策是否要求签订审管衔接备忘录")
    waiting_for_memo: bool = Field(description="已划转但尚未签订备忘录")
    transition_months: int
    transition_ends_on: dt.date | None = Field(description="过渡期结束日（不含）")
    in_transition: bool
    hall_window: str = Field(description="暂不划转事项的大厅窗口")
    reason: str


class ItemDetail(ItemOut):
    """A licensing item with its related items, transfer history and today's handler."""

    related_items: list[ItemRef]
    transfers: list[TransferOut]
    handling: HandlingOut


class ItemFilters(Schema):
    """Filters of the item list."""

    jurisdiction_id: int | None = None
    q: str | None = Field(None, max_length=100, description="名称或编码包含")
    department_id: int | None = Field(None, description="原审批部门")
    status: TransferStatus | None = None
    power_type: PowerType | None = None
    main_item_id: int | None = Field(None, description="某主项的关联事项")
    active: bool | None = None


class ItemFlags(Schema):
    """The flags of an item."""

    needs_site_inspection: bool = False
    needs_expert_review: bool = False
    needs_hearing: bool = False
    needs_public_notice: bool = False
    regulator_issues_certificate: bool = False
    commitment_allowed: bool = False
    accept_with_gaps_allowed: bool = False


class ItemIn(ItemFlags):
    """A new licensing item (新增审批事项)."""

    jurisdiction_id: int | None = Field(None, description="默认为调用方所在行政区划")
    code: str = Field("", max_length=64)
    name: str = Field(max_length=200)
    power_type: PowerType = PowerType.LICENSING
    original_department_id: int
    statutory_days: int | None = Field(None, ge=0, le=3650)
    promised_days: int | None = Field(None, ge=0, le=3650)
    main_item_id: int | None = None
    note: str = Field("", max_length=500)
    effective_on: dt.date | None = Field(None, description="函告中写明的生效日期，默认今天")


class ItemPatch(Schema):
    """Changes to an item (调整审批事项); only the fields given change."""

    code: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=200)
    power_type: PowerType | None = None
    original_department_id: int | None = None
    statutory_days: int | None = Field(None, ge=0, le=3650)
    promised_days: int | None = Field(None, ge=0, le=3650)
    main_item_id: int | None = None
    note: str | None = Field(None, max_length=500)
    needs_site_inspection: bool | None = None
    needs_expert_review: bool | None = None
    needs_hearing: bool | None = None
    needs_public_notice: bool | None = None
    regulator_issues_certificate: bool | None = None
    commitment_allowed: bool | None = None
    accept_with_gaps_allowed: bool | None = None
    effective_on: dt.date | None = None


class ItemRemoveIn(Schema):
    """Removal of an item from a date (删减审批事项)."""

    effective_on: dt.date
    reason: str = Field(max_length=500)


class TransferIn(Schema):
    """A dated change of transfer status (划转状态变更)."""

    status: TransferStatus
    effective_on: dt.date
    batch_name: str = Field("", max_length=100, description="分批划转的批次，如“机构改革后划转”")
    planned_on: dt.date | None = None
    reason: str = Field("", max_length=500)
    hall_window: str = Field("", max_length=100)
    note: str = Field("", max_length=500)
    receiving_department_id: int | None = None
    exclude_related: list[int] = Field(default_factory=list, description="不随主项划转的关联事项ID")


# --- memos -----------------------------------------------------------------------------------


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


# --- supervision items -----------------------------------------------------------------------


class SupervisionOut(Schema):
    """A supervision item (监管事项)."""

    id: int
    jurisdiction_id: int
    code: str
    name: str
    regulator: DeptRef
    division: DivisionRef | None
    active: bool


class SupervisionFilters(Schema):
    """Filters of the supervision item list."""

    jurisdiction_id: int | None = None
    regulator_id: int | None = None
    q: str | None = Field(None, max_length=100, description="编码或名称包含")
    active: bool | None = None


class SupervisionIn(Schema):
    """A new supervision item."""

    jurisdiction_id: int | None = None
    code: str = Field(max_length=40)
    name: str = Field(max_length=500)
    regulator_id: int
    division_id: int | None = None


class SupervisionPatch(Schema):
    """Changes to a supervision item."""

    name: str | None = Field(None, max_length=500)
    regulator_id: int | None = None
    division_id: int | None = None
    active: bool | None = None


# --- linkage entries -------------------------------------------------------------------------


class SupervisionRef(Schema):
    """A supervision item on an entry."""

    id: int
    code: str
    name: str


class EntryOut(Schema):
    """A linkage list entry (审管联动事项)."""

    id: int
    jurisdiction_id: int
    seq: int
    item: ItemRef
    approval_department: DeptRef
    approval_division: DivisionRef | None
    regulator: DeptRef
    regulator_division: DivisionRef | None
    supervision_items: list[SupervisionRef]
    responsible_person: str
    contact_phone: str = Field(description="联系电话（脱敏）")
    power_type: PowerType
    stages: list[Stage]
    approval_duties: str
    supervision_duties: str
    push_method: PushMethod
    note: str
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="失效日期（不含）")
    replaces_id: int | None

    @staticmethod
    def resolve_supervision_items(obj) -> list:
        return [link.supervision_item for link in obj.links.all()]

    @staticmethod
    def resolve_contact_phone(obj) -> str:
        return mask_phone(obj.contact_phone)


class EntryFilters(Schema):
    """Filters of the linkage list."""

    jurisdiction_id: int | None = None
    department_id: int | None = Field(None, description="审批部门或行业主管部门")
    regulator_id: int | None = None
    item_id: int | None = None
    item: str | None = Field(None, max_length=100, description="审批事项名称或编码包含")
    code: str | None = Field(None, max_length=40, description="监管事项编码包含")
    q: str | None = Field(None, max_length=100, description="事项、部门或监管事项包含")
    on_date: dt.date | None = Field(None, description="在该日生效的条目，默认今天")
    include_ended: bool = Field(False, description="包括已失效的条目")


class EntryIn(Schema):
    """A new linkage entry."""

    jurisdiction_id: int | None = None
    item_id: int
    regulator_id: int
    supervision_item_ids: list[int] = Field(min_length=1)
    approval_department_id: int | None = Field(None, description="默认为行政审批局")
    approval_division_id: int | None = None
    regulator_division_id: int | None = None
    responsible_person: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    power_type: PowerType = PowerType.LICENSING
    stages: list[Stage] = Field(default_factory=list)
    approval_duties: str = Field("", max_length=5000)
    supervision_duties: str = Field("", max_length=5000)
    push_method: PushMethod = PushMethod.PLATFORM
    note: str = Field("", max_length=500)
    seq: int | None = Field(None, ge=0)
    valid_from: dt.date | None = None


class EntryPatch(Schema):
    """Changes to an entry; a published entry is replaced by a new one from effective_on."""

    item_id: int | None = None
    regulator_id: int | None = None
    supervision_item_ids: list[int] | None = None
    approval_department_id: int | None = None
    approval_division_id: int | None = None
    regulator_division_id: int | None = None
    responsible_person: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    power_type: PowerType | None = None
    stages: list[Stage] | None = None
    approval_duties: str | None = Field(None, max_length=5000)
    supervision_duties: str | None = Field(None, max_length=5000)
    push_method: PushMethod | None = None
    note: str | None = Field(None, max_length=500)
    seq: int | None = Field(None, ge=0)
    effective_on: dt.date | None = None


class EntryRetireIn(Schema):
    """The end of an entry from a date."""

    effective_on: dt.date
    reason: str = Field(max_length=500)


class RouteOut(Schema):
    """Where a completed approval is pushed (推送路由)."""

    entry_id: int
    regulator: DeptRef
    regulator_division: DivisionRef | None
    approval_department: DeptRef
    supervision_items: list[SupervisionRef]
    push_method: PushMethod
    stages: list[Stage]
    via_main: bool


class CatalogVersionOut(Schema):
    """A published, dated version of the linkage list."""

    id: int
    jurisdiction_id: int
    number: int
    published_on: dt.date
    title: str
    note: str
    entry_count: int


class VersionIn(Schema):
    """Publishing the live list as a new version."""

    jurisdiction_id: int | None = None
    title: str = Field(max_length=200)
    published_on: dt.date | None = None
    note: str = Field("", max_length=500)


class AliasOut(Schema):
    """A department alias used by imports."""

    id: int
    alias: str
    department: DeptRef


class AliasIn(Schema):
    """A department alias."""

    jurisdiction_id: int | None = None
    alias: str = Field(max_length=200)
    department_id: int


# --- change notices --------------------------------------------------------------------------


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


# --- gaps and imports ------------------------------------------------------------------------


class GapEntryOut(Schema):
    """An entry whose regulator has no current liaison person."""

    id: int
    seq: int
    item: ItemRef
    regulator: DeptRef


class GapSupervisionOut(Schema):
    """A supervision item used by no live entry."""

    id: int
    code: str
    name: str
    regulator: DeptRef


class GapsOut(Schema):
    """The gap report (监管空白报告)."""

    jurisdiction_id: int
    on_date: dt.date
    total: int
    items_without_entry: list[ItemRef]
    entries_without_liaison: list[GapEntryOut]
    unused_supervision_items: list[GapSupervisionOut]

    @staticmethod
    def resolve_jurisdiction_id(obj) -> int:
        return obj.jurisdiction.pk


class CatalogProblemOut(Schema):
    """One problem of an imported file."""

    row: int = Field(description="表格中的行号（从1开始；0表示整个文件）")
    column: str
    code: str
    message: str


class CatalogImportOut(Schema):
    """The result of an import or a dry run."""

    kind: str
    dry_run: bool
    ok: bool
    header_row: int | None
    rows_read: int
    records: int
    problems: list[CatalogProblemOut]
    created: dict
    batch: str
    sha256: str


class ImportErrorOut(Schema):
    """A refused import: every problem with its row and column."""

    code: str
    message: str
    field: str | None = None
    problems: list[CatalogProblemOut]
