"""Who handles an item on a date (办理主体) and where its approvals are pushed (推送路由).

Unscoped on purpose: these answer questions of the system itself (routing a push, checking a
case), not of a person browsing; the callers scope what they show. Re-exported by selectors.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from shenguan.org.models import Department, Division
from shenguan.org.roles import DepartmentKind

from .models import (
    HandoverMemo,
    HandoverMemoItem,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    MemoState,
    SupervisionItem,
    TransferRecord,
    TransferStatus,
)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (clamped to the month's last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def transfer_history(item: LicensingItem) -> list[TransferRecord]:
    """An item's transfer records in force order (effective date, then id)."""
    return list(
        TransferRecord.objects.filter(jurisdiction_id=item.jurisdiction_id, item_id=item.pk)
        .select_related("receiving_department", "memo")
        .order_by("effective_on", "id")
    )


def transfer_in_force(item: LicensingItem, on_date: dt.date, history=None):
    """The transfer record in force on a date (the latest with effective_on <= date), or None."""
    history = transfer_history(item) if history is None else history
    current = None
    for rec in history:
        if rec.effective_on <= on_date:
            current = rec
        else:
            break
    return current


def jurisdiction_bureau(jurisdiction_id: int) -> Department | None:
    """The active approval bureau (行政审批局) of a jurisdiction."""
    return (
        Department.objects.filter(
            jurisdiction_id=jurisdiction_id, kind=DepartmentKind.BUREAU, active=True
        )
        .order_by("sort_order", "id")
        .first()
    )


@dataclass(frozen=True)
class Handling:
    """Who handles an item on a date and why (办理主体及依据)."""

    department: Department
    by_bureau: bool
    status: str  # TransferStatus value in force (UNDECIDED when there is no record)
    since: dt.date | None  # the day the current handler took over (None: always the original)
    record: TransferRecord | None = None
    memo: HandoverMemo | None = None
    memo_required: bool = False
    transition_months: int = 0
    transition_ends_on: dt.date | None = None  # exclusive: the first day after the transition
    hall_window: str = ""
    reason: str = ""
    waiting_for_memo: bool = False  # transferred on paper, but no signed memo yet
    in_transition: bool = False  # inside the transition period (过渡期) on the date asked


def _memo_lines(jurisdiction_id: int, item_ids) -> dict[int, list[HandoverMemoItem]]:
    """Signed memo lines per item (covered_from set), earliest first."""
    out: dict[int, list[HandoverMemoItem]] = {}
    for line in (
        HandoverMemoItem.objects.filter(
            jurisdiction_id=jurisdiction_id,
            item_id__in=list(item_ids),
            covered_from__isnull=False,
            memo__state__in=[MemoState.SIGNED, MemoState.AMENDED],
        )
        .select_related("memo__to_department")
        .order_by("covered_from", "id")
    ):
        out.setdefault(line.item_id, []).append(line)
    return out


def _decide(
    item: LicensingItem,
    history: list[TransferRecord],
    lines: list[HandoverMemoItem],
    *,
    memo_required: bool,
    months: int,
    bureau_of_jurisdiction,
    on_date: dt.date,
) -> Handling:
    """The rule of item_handling on data already loaded (see its docstring)."""
    original = item.original_department
    rec = transfer_in_force(item, on_date, history)
    base = {"memo_required": memo_required, "transition_months": months}
    if rec is None:
        return Handling(original, False, TransferStatus.UNDECIDED, None, **base)
    if rec.status != TransferStatus.TRANSFERRED:
        return Handling(
            original,
            False,
            rec.status,
            None,
            record=rec,
            hall_window=rec.hall_window if rec.status == TransferStatus.RETAINED else "",
            reason=rec.reason,
            **base,
        )
    # Start of the current run of "transferred" records (after the last other status).
    run_start = None
    for r in history:
        if r.effective_on > on_date:
            break
        if r.status != TransferStatus.TRANSFERRED:
            run_start = None
        elif run_start is None:
            run_start = r.effective_on
    line = next((x for x in lines if run_start <= x.covered_from <= on_date), None)
    if memo_required and line is None:
        return Handling(
            original, False, rec.status, None, record=rec, waiting_for_memo=True, **base
        )
    bureau = rec.receiving_department or bureau_of_jurisdiction()
    if line is not None:
        since, memo = line.covered_from, line.memo
        bureau = memo.to_department or bureau
    else:
        since, memo = run_start, None
    if bureau is None:  # a jurisdiction without a bureau: nobody to hand over to
        return Handling(original, False, rec.status, None, record=rec, **base)
    ends = add_months(since, months) if months else None
    return Handling(
        bureau,
        True,
        rec.status,
        since,
        record=rec,
        memo=memo,
        transition_ends_on=ends,
        in_transition=bool(ends and since <= on_date < ends),
        **base,
    )


def item_handling(*, item: LicensingItem, on_date: dt.date | None = None) -> Handling:
    """The department handling an item on a date, with the reason (004 三(三)2).

    - No transfer record, or the record in force is planned / retained (暂不划转) / taken back:
      the original department.
    - Transferred, in a profile that requires a handover memo (handover_memo_required): the
      bureau from the day a signed memo covering the item takes effect (its signing date, or the
      amendment date for items added later) — if that day falls inside the current transferred
      run; before it, the original department.
    - Transferred, in a profile that does not require a memo: the bureau from the effective date
      of the transfer record (signing a memo also records a transfer on its signing date).
    The transition period (过渡期) of the profile runs from the day the bureau took over.
    """
    return handling_bulk([item], on_date=on_date)[item.pk]


def handling_bulk(items, *, on_date: dt.date | None = None) -> dict[int, Handling]:
    """item_handling for many items of one or more jurisdictions in a few queries (for lists)."""
    from shenguan.policy.selectors import params_for_jurisdiction

    on_date = on_date or timezone.localdate()
    items = list(items)
    out: dict[int, Handling] = {}
    by_j: dict[int, list[LicensingItem]] = {}
    for it in items:
        by_j.setdefault(it.jurisdiction_id, []).append(it)
    for jid, group in by_j.items():
        params, _ = params_for_jurisdiction(jid)
        ids = [it.pk for it in group]
        histories: dict[int, list[TransferRecord]] = {}
        for rec in (
            TransferRecord.objects.filter(jurisdiction_id=jid, item_id__in=ids)
            .select_related("receiving_department")
            .order_by("effective_on", "id")
        ):
            histories.setdefault(rec.item_id, []).append(rec)
        lines = _memo_lines(jid, ids)
        cache: list = []

        def bureau(jid=jid, cache=cache):
            if not cache:
                cache.append(jurisdiction_bureau(jid))
            return cache[0]

        for it in group:
            out[it.pk] = _decide(
                it,
                histories.get(it.pk, []),
                lines.get(it.pk, []),
                memo_required=params.handover_memo_required,
                months=params.transition_months,
                bureau_of_jurisdiction=bureau,
                on_date=on_date,
            )
    return out


def item_handler(*, item: LicensingItem, on_date: dt.date | None = None) -> Department:
    """The department that handles an item on a date (办理主体, 004 三(三)2): the bureau from the
    day the handover memo covering it is signed, otherwise the original department."""
    return item_handling(item=item, on_date=on_date).department


# --- routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkageRoute:
    """Where a completed approval of an item is pushed (推送路由), from one live linkage entry."""

    entry: LinkageEntry
    item_id: int
    regulator: Department
    regulator_division: Division | None
    approval_department: Department
    approval_division: Division | None
    supervision_items: tuple[SupervisionItem, ...]
    push_method: str
    stages: tuple[str, ...]
    responsible_person: str
    contact_phone: str
    via_main: bool = False  # the item is a related item routed by its main item's entry

    @property
    def entry_id(self) -> int:
        """The id of the linkage entry behind the route."""
        return self.entry.pk


def live_entries_q(on_date: dt.date) -> Q:
    """Linkage entries in force on a date (valid_from <= date < valid_to)."""
    return Q(valid_from__lte=on_date) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))


def _entries_for(item_id: int, jurisdiction_id: int, on_date: dt.date) -> list[LinkageEntry]:
    links = LinkageEntrySupervision.objects.select_related(
        "supervision_item__regulator", "supervision_item__division"
    ).order_by("position", "id")
    return list(
        LinkageEntry.objects.filter(jurisdiction_id=jurisdiction_id, item_id=item_id)
        .filter(live_entries_q(on_date))
        .select_related(
            "regulator", "regulator_division", "approval_department", "approval_division"
        )
        .prefetch_related(Prefetch("links", queryset=links))
        .order_by("seq", "id")
    )


def linkage_routes(*, item: LicensingItem, on_date: dt.date | None = None) -> list[LinkageRoute]:
    """The regulators (with division, linkage entry and supervision items) a completed approval
    of this item must be pushed to, by the linkage list live on the date (default today).

    One route per live entry, in list order. A related item (关联事项) without entries of its own
    is routed by its main item's entries (via_main=True). An empty list is a supervision gap
    (监管空白): the caller must not drop the approval silently.
    """
    on_date = on_date or timezone.localdate()
    entries = _entries_for(item.pk, item.jurisdiction_id, on_date)
    via_main = False
    if not entries and item.main_item_id:
        entries = _entries_for(item.main_item_id, item.jurisdiction_id, on_date)
        via_main = True
    return [
        LinkageRoute(
            entry=e,
            item_id=item.pk,
            regulator=e.regulator,
            regulator_division=e.regulator_division,
            approval_department=e.approval_department,
            approval_division=e.approval_division,
            supervision_items=tuple(link.supervision_item for link in e.links.all()),
            push_method=e.push_method,
            stages=tuple(e.stages or ()),
            responsible_person=e.responsible_person,
            contact_phone=e.contact_phone,
            via_main=via_main,
        )
        for e in entries
    ]
