"""API schemas of licensing items and transfers (行政许可事项)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ..models import (
    PowerType,
    TransferStatus,
)
from .common import DeptRef, ItemRef


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
