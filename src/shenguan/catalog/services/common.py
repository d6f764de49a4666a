"""Helpers shared by the catalogue services: rights, departments, change notices (变更通知)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_label
from shenguan.org.models import Department, Division, LiaisonAssignment
from shenguan.org.roles import DepartmentKind, Perm
from shenguan.outbox.services import outbox_emit

from ..handling import jurisdiction_bureau, live_entries_q
from ..models import (
    ChangeNotice,
    ChangeNoticeRecipient,
    LicensingItem,
    LinkageEntry,
)


def _require_manage(actor, jurisdiction_id: int) -> None:
    """Refuse unless the actor manages the catalogue of this jurisdiction (the bureau)."""
    if actor is None:  # the system itself (demo loader, migrations)
        return
    if not actor.can(Perm.CATALOG_MANAGE):
        raise PermissionDenied("forbidden", "无权维护事项清单（仅行政审批局清单管理人员）")
    if actor.jurisdiction_id != jurisdiction_id:
        raise PermissionDenied("forbidden_jurisdiction", "无权维护其他行政区划的事项清单")


def _today() -> dt.date:
    return timezone.localdate()


def _dept_in(jurisdiction_id: int, dept, field: str, label: str) -> Department:
    if dept is None:
        raise ValidationFailed("required", f"请选择{label}", field)
    if not isinstance(dept, Department):
        dept = Department.objects.filter(pk=dept).first()
    if dept is None or dept.jurisdiction_id != jurisdiction_id:
        raise ValidationFailed("bad_department", f"{label}不属于本行政区划", field)
    if not dept.active:
        raise ValidationFailed("inactive_department", f"{label}已停用", field)
    return dept


def _division_of(dept: Department, division, field: str, label: str) -> Division | None:
    if division in (None, ""):
        return None
    if not isinstance(division, Division):
        division = Division.objects.filter(pk=division).first()
    if division is None or division.department_id != dept.pk:
        raise ValidationFailed("bad_division", f"{label}不属于{dept.name}", field)
    return division


def _liaison_user_ids(department_ids: Iterable[int]) -> list[int]:
    """Accounts of the current liaison persons and leaders of the departments (notification)."""
    today = _today()
    return sorted(
        set(
            LiaisonAssignment.objects.filter(
                department_id__in=list(department_ids), user__isnull=False, valid_from__lte=today
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
            .values_list("user_id", flat=True)
        )
    )


def _sender_department_id(actor, jurisdiction_id: int) -> int:
    if actor is not None and actor.department_id:
        return actor.department_id
    bureau = jurisdiction_bureau(jurisdiction_id)
    if bureau is None:
        raise ValidationFailed("no_bureau", "本行政区划尚未设立行政审批局", "jurisdiction")
    return bureau.pk


def _regulator_ids(dept_ids: Iterable[int | None]) -> list[int]:
    """Of the given departments, the ones that are not approval bureaux."""
    ids = {d for d in dept_ids if d}
    if not ids:
        return []
    return sorted(
        Department.objects.filter(pk__in=ids)
        .exclude(kind=DepartmentKind.BUREAU)
        .values_list("pk", flat=True)
    )


def _affected_by_item(item: LicensingItem, on_date: dt.date) -> list[int]:
    """Regulators affected by a change of an item: its original department and the regulators
    of its live linkage entries."""
    regs = (
        LinkageEntry.objects.filter(jurisdiction_id=item.jurisdiction_id, item_id=item.pk)
        .filter(live_entries_q(on_date))
        .values_list("regulator_id", flat=True)
    )
    return _regulator_ids([item.original_department_id, *regs])


def _notice(
    *,
    actor,
    jurisdiction_id: int,
    kind: str,
    summary: str,
    effective_on: dt.date,
    department_ids: Iterable[int],
    item: LicensingItem | None = None,
    entry: LinkageEntry | None = None,
) -> ChangeNotice | None:
    """Record a change notice to the given regulators and emit it (no-op without recipients)."""
    dept_ids = sorted({int(d) for d in department_ids if d})
    if not dept_ids:
        return None
    notice = ChangeNotice.objects.create(
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        item=item,
        entry=entry,
        summary=summary[:1000],
        effective_on=effective_on,
        notified_on=_today(),
        department_id=_sender_department_id(actor, jurisdiction_id),
        created_by_id=actor.pk
        if actor is not None and getattr(actor, "kind", "") == "user"
        else None,
    )
    ChangeNoticeRecipient.objects.bulk_create(
        [
            ChangeNoticeRecipient(jurisdiction_id=jurisdiction_id, notice=notice, department_id=d)
            for d in dept_ids
        ]
    )
    outbox_emit(
        event_type="catalog.change.notice",
        jurisdiction_id=jurisdiction_id,
        payload={
            "notice_id": notice.pk,
            "kind": kind,
            "summary": notice.summary,
            "effective_on": effective_on,
            "notified_on": notice.notified_on,
            "item_id": item.pk if item else None,
            "entry_id": entry.pk if entry else None,
            "department_ids": dept_ids,
        },
        department_ids=dept_ids,
        aggregate=notice,
        notify_user_ids=_liaison_user_ids(dept_ids),
        notify={
            "title": f"审批事项调整函告：{source_label(notice, 'kind')}",
            "body": f"{notice.summary}（自{effective_on.isoformat()}起生效）",
            "link": f"/catalog/notices/{notice.pk}/",
        },
    )
    return notice
