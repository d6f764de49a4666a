"""Export of the catalogue lists as xlsx and csv (清单导出), in the layouts the importers read.

The linkage layout is 003's attachment (序号 … 监管事项名称, several codes one per line, names
numbered "1、…") followed by the extra columns of 002 §9, so an exported file imports back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.http import HttpResponse

from shenguan.core.i18n import source_label, source_text
from shenguan.core.masking import mask_phone
from shenguan.core.sheets import sheet_response

from .importers import ITEM_COLUMNS, LINKAGE_COLUMNS, SUPERVISION_COLUMNS
from .models import LicensingItem, LinkageEntry, PowerType, PushMethod, Stage, SupervisionItem

# The files are the import layouts, in Chinese whatever the reader's language (ADR 0006).
_POWER = {value: source_text(label) for value, label in PowerType.choices}
_PUSH = {value: source_text(label) for value, label in PushMethod.choices}
_STAGE = {value: source_text(label) for value, label in Stage.choices}

LINKAGE_ORDER = (
    "seq",
    "approval_department",
    "item",
    "regulator",
    "sup_codes",
    "sup_names",
    "item_code",
    "power_type",
    "approval_division",
    "regulator_division",
    "responsible_person",
    "contact_phone",
    "stages",
    "approval_duties",
    "supervision_duties",
    "push_method",
    "note",
)
_LINKAGE_TITLES = {c.key: c.title for c in LINKAGE_COLUMNS}
LINKAGE_HEADERS = [_LINKAGE_TITLES[k] for k in LINKAGE_ORDER]


def linkage_rows(entries: Iterable[LinkageEntry], *, mask: bool = True) -> Iterator[list]:
    """One row per entry in the linkage layout, phones masked unless mask=False."""
    for e in entries:
        sups = [link.supervision_item for link in e.links.all()]
        phone = mask_phone(e.contact_phone) if mask else e.contact_phone
        yield [
            e.seq,
            e.approval_department.name,
            e.item.name,
            e.regulator.name,
            "\n".join(s.code for s in sups),
            "\n".join(f"{i}、{s.name}" for i, s in enumerate(sups, start=1)),
            e.item.code,
            _POWER.get(e.power_type, e.power_type),
            e.approval_division.name if e.approval_division_id else "",
            e.regulator_division.name if e.regulator_division_id else "",
            e.responsible_person,
            phone,
            "、".join(str(_STAGE.get(s, s)) for s in e.stages or []),
            e.approval_duties,
            e.supervision_duties,
            _PUSH.get(e.push_method, e.push_method),
            e.note,
        ]


ITEM_ORDER = (
    "code",
    "name",
    "power_type",
    "original_department",
    "statutory_days",
    "promised_days",
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
    "main_code",
    "main_name",
    "transfer_status",
    "effective_on",
    "batch_name",
    "planned_on",
    "reason",
    "hall_window",
    "note",
)
_ITEM_TITLES = {c.key: c.title for c in ITEM_COLUMNS}
ITEM_HEADERS = [_ITEM_TITLES[k] for k in ITEM_ORDER]


def _yes(v: bool) -> str:
    return "是" if v else "否"


def item_rows(items: Iterable[LicensingItem]) -> Iterator[list]:
    """One row per item in the items layout (select_related original_department, main_item,
    current_transfer)."""
    for it in items:
        rec = it.current_transfer
        yield [
            it.code,
            it.name,
            _POWER.get(it.power_type, it.power_type),
            it.original_department.name,
            it.statutory_days if it.statutory_days is not None else "",
            it.promised_days if it.promised_days is not None else "",
            _yes(it.needs_site_inspection),
            _yes(it.needs_expert_review),
            _yes(it.needs_hearing),
            _yes(it.needs_public_notice),
            _yes(it.regulator_issues_certificate),
            _yes(it.commitment_allowed),
            _yes(it.accept_with_gaps_allowed),
            it.main_item.code if it.main_item_id else "",
            it.main_item.name if it.main_item_id else "",
            source_label(it, "transfer_status") if it.transfer_status != "undecided" else "",
            it.transfer_effective_on,
            rec.batch_name if rec else "",
            rec.planned_on if rec else None,
            rec.reason if rec else "",
            rec.hall_window if rec else "",
            it.note,
        ]


SUPERVISION_HEADERS = [c.title for c in SUPERVISION_COLUMNS]


def supervision_rows(items: Iterable[SupervisionItem]) -> Iterator[list]:
    """One row per supervision item (select_related regulator, division)."""
    for s in items:
        yield [s.code, s.name, s.regulator.name, s.division.name if s.division_id else ""]


def file_response(
    fmt: str, filename: str, headers: list[str], rows, *, title: str = ""
) -> HttpResponse:
    """An attachment in xlsx or csv through the one formula-safe writer (core.sheets, ADR 0043);
    the Chinese file name gets a date stamp."""
    return sheet_response(fmt, filename, headers, rows, title=title, sheet=filename)
