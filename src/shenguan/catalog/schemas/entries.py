"""API schemas of the linkage list, its versions, routes and aliases (审管联动事项清单)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from shenguan.core.masking import mask_phone

from ..models import (
    PowerType,
    PushMethod,
    Stage,
)
from .common import DeptRef, DivisionRef, ItemRef


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
