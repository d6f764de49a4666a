"""Reading the catalogue, always scoped to what the actor may see (事项清单查询).

Staff selectors take `user=` and start from `Model.objects.restrict(user)`; the public selectors
take a jurisdiction and return only published information (no login, 001 二(二), 002 §9).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shenguan.core.errors import NotFound
from shenguan.org.models import Jurisdiction, LiaisonAssignment, LiaisonKind

from .handling import (  # noqa: F401  (the routing interface used by the linkage app)
    Handling,
    LinkageRoute,
    handling_bulk,
    item_handler,
    item_handling,
    linkage_routes,
    live_entries_q,
    transfer_in_force,
)
from .models import (
    ChangeNotice,
    ChangeNoticeRecipient,
    DepartmentAlias,
    HandoverMemo,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    LinkageListVersion,
    LinkageVersionEntry,
    SupervisionItem,
    TransferRecord,
    TransferStatus,
)


def _get(qs, pk):
    try:
        obj = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise NotFound()
    return obj


# --- licensing items -------------------------------------------------------------------------


def filter_items(qs: QuerySet, filters: dict | None) -> QuerySet:
    """Filter items by q (name or code), department, status, power type, main/related, active."""
    f = filters or {}
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("q"):
        q = str(f["q"]).strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if f.get("department_id"):
        qs = qs.filter(original_department_id=f["department_id"])
    if f.get("status"):
        qs = qs.filter(transfer_status=f["status"])
    if f.get("power_type"):
        qs = qs.filter(power_type=f["power_type"])
    if f.get("main_item_id"):
        qs = qs.filter(main_item_id=f["main_item_id"])
    if f.get("active") is not None:
        qs = qs.filter(active=f["active"])
    return qs


def item_list(*, user, filters: dict | None = None) -> QuerySet[LicensingItem]:
    """Licensing items the actor may read (the catalogue of its jurisdictions)."""
    qs = LicensingItem.objects.restrict(user).select_related(
        "original_department", "main_item", "current_transfer", "jurisdiction"
    )
    return filter_items(qs, filters).order_by("jurisdiction_id", "code", "name", "id")


def item_get(*, user, pk) -> LicensingItem:
    """One licensing item, or 404."""
    return _get(item_list(user=user), pk)


def transfer_list(*, user, item: LicensingItem) -> QuerySet[TransferRecord]:
    """An item's dated transfer history (划转记录), oldest first."""
    return (
        TransferRecord.objects.restrict(user)
        .filter(item_id=item.pk)
        .select_related("receiving_department", "memo", "via_main__item", "recorded_by")
        .order_by("effective_on", "id")
    )


# --- memos -----------------------------------------------------------------------------------


def memo_list(*, user, filters: dict | None = None) -> QuerySet[HandoverMemo]:
    """Handover memos between the actor's department and another (oversight: all)."""
    qs = HandoverMemo.objects.restrict(user).select_related("from_department", "to_department")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("department_id"):
        qs = qs.filter(from_department_id=f["department_id"])
    if f.get("item_id"):
        qs = qs.filter(memo_items__item_id=f["item_id"]).distinct()
    if f.get("q"):
        q = str(f["q"]).strip()
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return qs.order_by("-created_at", "-id")


def memo_get(*, user, pk) -> HandoverMemo:
    """One memo with its items and amendments, or 404."""
    qs = memo_list(user=user).prefetch_related("memo_items__item", "amendments")
    return _get(qs, pk)


# --- supervision items -----------------------------------------------------------------------


def supervision_list(*, user, filters: dict | None = None) -> QuerySet[SupervisionItem]:
    """Supervision items (监管事项) of the actor's jurisdictions."""
    qs = SupervisionItem.objects.restrict(user).select_related("regulator", "division")
    f = filters or {}
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("regulator_id"):
        qs = qs.filter(regulator_id=f["regulator_id"])
    if f.get("q"):
        q = str(f["q"]).strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if f.get("active") is not None:
        qs = qs.filter(active=f["active"])
    return qs.order_by("jurisdiction_id", "code")


def supervision_get(*, user, pk) -> SupervisionItem:
    """One supervision item, or 404."""
    return _get(supervision_list(user=user), pk)


# --- linkage entries -------------------------------------------------------------------------


def _entry_related(qs: QuerySet) -> QuerySet:
    links = LinkageEntrySupervision.objects.select_related("supervision_item").order_by(
        "position", "id"
    )
    return qs.select_related(
        "item",
        "approval_department",
        "approval_division",
        "regulator",
        "regulator_division",
    ).prefetch_related(Prefetch("links", queryset=links))


def filter_entries(qs: QuerySet, filters: dict | None) -> QuerySet:
    """Filter linkage entries: department (approval or regulator), item (name or code),
    code (supervision item code), q (free text), regulator_id, item_id."""
    f = filters or {}
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("department_id"):
        d = f["department_id"]
        qs = qs.filter(Q(approval_department_id=d) | Q(regulator_id=d))
    if f.get("regulator_id"):
        qs = qs.filter(regulator_id=f["regulator_id"])
    if f.get("item_id"):
        qs = qs.filter(item_id=f["item_id"])
    if f.get("item"):
        t = str(f["item"]).strip()
        qs = qs.filter(Q(item__name__icontains=t) | Q(item__code__icontains=t))
    if f.get("code"):
        t = str(f["code"]).strip().upper()
        codes = LinkageEntrySupervision.objects.filter(
            entry_id=OuterRef("pk"), supervision_item__code__icontains=t
        )
        qs = qs.filter(Exists(codes))
    if f.get("q"):
        t = str(f["q"]).strip()
        names = LinkageEntrySupervision.objects.filter(entry_id=OuterRef("pk")).filter(
            Q(supervision_item__name__icontains=t) | Q(supervision_item__code__icontains=t)
        )
        qs = qs.filter(
            Q(item__name__icontains=t)
            | Q(regulator__name__icontains=t)
            | Q(approval_department__name__icontains=t)
            | Exists(names)
        )
    return qs


def entry_list(
    *,
    user,
    filters: dict | None = None,
    on_date: dt.date | None = None,
    include_ended: bool = False,
) -> QuerySet[LinkageEntry]:
    """Linkage entries live on a date (default today), or all rows with include_ended."""
    qs = LinkageEntry.objects.restrict(user)
    if not include_ended:
        qs = qs.filter(live_entries_q(on_date or timezone.localdate()))
    return _entry_related(filter_entries(qs, filters)).order_by("jurisdiction_id", "seq", "id")


def entry_get(*, user, pk) -> LinkageEntry:
    """One linkage entry (live or not), or 404."""
    return _get(entry_list(user=user, include_ended=True), pk)


def version_list(*, user, jurisdiction_id: int | None = None) -> QuerySet[LinkageListVersion]:
    """Published versions of the linkage list, newest first."""
    qs = LinkageListVersion.objects.restrict(user).select_related("jurisdiction", "published_by")
    if jurisdiction_id:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    return qs.order_by("jurisdiction_id", "-number")


def version_get(*, user, pk) -> LinkageListVersion:
    """One published version, or 404."""
    return _get(version_list(user=user), pk)


def version_entries(version: LinkageListVersion, filters: dict | None = None) -> QuerySet:
    """The entries of a published version (as frozen on publication), filtered."""
    ids = LinkageVersionEntry.objects.filter(
        jurisdiction_id=version.jurisdiction_id, version_id=version.pk
    ).values("entry_id")
    qs = LinkageEntry.objects.filter(jurisdiction_id=version.jurisdiction_id, pk__in=ids)
    return _entry_related(filter_entries(qs, filters)).order_by("seq", "id")


def alias_list(*, user) -> QuerySet[DepartmentAlias]:
    """Department aliases used when importing lists."""
    return DepartmentAlias.objects.restrict(user).select_related("department").order_by("alias")


# --- change notices --------------------------------------------------------------------------


def notice_list(*, user, filters: dict | None = None) -> QuerySet[ChangeNotice]:
    """Change notices sent by the actor's department or addressed to it (oversight: all)."""
    qs = (
        ChangeNotice.objects.restrict(user)
        .select_related("item", "department")
        .prefetch_related(
            Prefetch(
                "recipients", queryset=ChangeNoticeRecipient.objects.select_related("department")
            )
        )
    )
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("effective_from"):
        qs = qs.filter(effective_on__gte=f["effective_from"])
    if f.get("unacknowledged") and getattr(user, "department_id", None):
        pending = ChangeNoticeRecipient.objects.filter(
            department_id=user.department_id, acknowledged_at__isnull=True
        ).values("notice_id")
        qs = qs.filter(pk__in=pending)
    return qs.order_by("-notified_on", "-id")


def notice_get(*, user, pk) -> ChangeNotice:
    """One change notice, or 404."""
    return _get(notice_list(user=user), pk)


# --- gap report ------------------------------------------------------------------------------


@dataclass
class GapReport:
    """Supervision gaps of a jurisdiction (监管空白) on a date."""

    jurisdiction: Jurisdiction
    on_date: dt.date
    items_without_entry: list[LicensingItem]
    entries_without_liaison: list[LinkageEntry]
    unused_supervision_items: list[SupervisionItem]

    @property
    def total(self) -> int:
        return (
            len(self.items_without_entry)
            + len(self.entries_without_liaison)
            + len(self.unused_supervision_items)
        )


def gap_report(*, user, jurisdiction_id: int, on_date: dt.date | None = None) -> GapReport:
    """The gap report (监管空白报告): the bureau's approval items with no live linkage entry
    (related items routed by their main item are covered), live entries whose regulator has no
    current liaison person (org.selectors.current_liaisons), supervision items used by no live
    entry."""
    on_date = on_date or timezone.localdate()
    j = Jurisdiction.objects.restrict(user).filter(pk=jurisdiction_id).first()
    if j is None or LinkageEntry.scope_q(user, "view") is None:
        raise NotFound()
    live = LinkageEntry.objects.filter(jurisdiction_id=j.pk).filter(live_entries_q(on_date))
    covered = live.filter(item_id=OuterRef("pk"))
    main_covered = live.filter(item_id=OuterRef("main_item_id"))
    items = list(
        LicensingItem.objects.filter(
            jurisdiction_id=j.pk, active=True, transfer_status=TransferStatus.TRANSFERRED
        )
        .filter(~Exists(covered))
        .filter(Q(main_item__isnull=True) | ~Exists(main_covered))
        .select_related("original_department", "main_item")
        .order_by("code", "name", "id")
    )
    with_liaison = LiaisonAssignment.objects.filter(
        department_id=OuterRef("regulator_id"), kind=LiaisonKind.LIAISON, valid_from__lte=on_date
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
    no_liaison = list(_entry_related(live.filter(~Exists(with_liaison))).order_by("seq", "id"))
    used = LinkageEntrySupervision.objects.filter(
        jurisdiction_id=j.pk, supervision_item_id=OuterRef("pk"), entry__in=live
    )
    unused = list(
        SupervisionItem.objects.filter(jurisdiction_id=j.pk, active=True)
        .filter(~Exists(used))
        .select_related("regulator")
        .order_by("code")
    )
    return GapReport(j, on_date, items, no_liaison, unused)


# --- public selectors (no login) -------------------------------------------------------------


def public_jurisdictions() -> QuerySet[Jurisdiction]:
    """Jurisdictions that have published a linkage list or have a catalogue with statuses."""
    has_version = LinkageListVersion.objects.filter(jurisdiction_id=OuterRef("pk"))
    has_items = LicensingItem.objects.filter(jurisdiction_id=OuterRef("pk"), active=True).exclude(
        transfer_status=TransferStatus.UNDECIDED
    )
    return Jurisdiction.objects.filter(Exists(has_version) | Exists(has_items)).order_by("path")


def public_items(
    jurisdiction: Jurisdiction, status: str, filters: dict | None = None
) -> QuerySet[LicensingItem]:
    """Active items of a jurisdiction whose declared status is `status` (public catalogue)."""
    qs = LicensingItem.objects.filter(
        jurisdiction_id=jurisdiction.pk, active=True, transfer_status=status
    ).select_related("original_department", "main_item", "current_transfer")
    f = dict(filters or {})
    f.pop("status", None)
    f.pop("jurisdiction_id", None)
    return filter_items(qs, f).order_by("code", "name", "id")


def public_versions(jurisdiction: Jurisdiction) -> QuerySet[LinkageListVersion]:
    """Published versions of a jurisdiction's linkage list, newest first."""
    return LinkageListVersion.objects.filter(jurisdiction_id=jurisdiction.pk).order_by("-number")
