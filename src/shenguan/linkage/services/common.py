"""What the linkage services share: event names, rights, liaisons and oversight users, and
the context of one write (a time and caches)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from shenguan.calendar.services import deadline_compute
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.org.models import Department, Jurisdiction, LiaisonAssignment, User
from shenguan.org.roles import OVERSIGHT_ROLES, DepartmentKind, Role
from shenguan.policy.selectors import params_for_jurisdiction

from ..models import (
    PushKind,
)

SYSTEM_NAME = "系统"


# Outbox event types per push kind (webhook subscribers filter on them, e.g. "push.*").
CREATED_EVENT = {
    PushKind.APPROVAL: "push.created",
    PushKind.FEEDBACK: "feedback.created",
    PushKind.DISPOSAL: "disposal.recorded",
    PushKind.CORRECTION_REPLY: "correction.answered",
    PushKind.NOTICE: "notice.created",
    PushKind.TECH_REQUEST: "opinion_request.created",
    PushKind.TECH_OPINION: "opinion.created",
    PushKind.MEETING: "meeting.invited",
}


CLAIMED_EVENT = {
    PushKind.APPROVAL: "push.claimed",
    PushKind.FEEDBACK: "feedback.claimed",
    PushKind.DISPOSAL: "disposal.claimed",
    PushKind.CORRECTION_REPLY: "correction.claimed",
    PushKind.NOTICE: "notice.claimed",
    PushKind.TECH_REQUEST: "opinion_request.claimed",
    PushKind.TECH_OPINION: "opinion.claimed",
    PushKind.MEETING: "meeting.claimed",
}


AUTO_CLAIMED_EVENT = {k: v.replace(".claimed", ".auto_claimed") for k, v in CLAIMED_EVENT.items()}


def actor_name(actor) -> str:
    """The name shown for an actor in timelines (the system when None)."""
    if actor is None:
        return SYSTEM_NAME
    return str(getattr(actor, "display_name", "") or actor)[:150]


def actor_department(actor) -> Department:
    """The actor's department: the one loaded with it (an API token's is read with the token,
    a user's when first used), else read by key."""
    dept = getattr(actor, "department", None)
    if isinstance(dept, Department) and dept.pk == actor.department_id:
        return dept
    return Department.objects.get(pk=actor.department_id)


def _user_id(actor) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None


def _require(actor, perm: str, message: str) -> None:
    """Refuse (403) unless the actor holds the permission; the system itself may do anything."""
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", message)


def _require_department(actor, department_id: int, message: str) -> None:
    """Refuse (403) unless the actor belongs to the department (the system may act for it)."""
    if actor is not None and actor.department_id != department_id:
        raise PermissionDenied("forbidden_department", message)


def jurisdiction_bureau(jurisdiction_id: int) -> Department | None:
    """The active approval bureau (行政审批局) of a jurisdiction."""
    return (
        Department.objects.filter(
            jurisdiction_id=jurisdiction_id, kind=DepartmentKind.BUREAU, active=True
        )
        .order_by("sort_order", "id")
        .first()
    )


def liaison_user_ids(department_ids: Iterable[int], on_date: dt.date | None = None) -> dict:
    """Accounts to alert per department: its current liaisons and leaders in charge, or, if it
    names none with an account, its users holding a claim right (认领权限)."""
    on_date = on_date or timezone.localdate()
    ids = sorted({int(d) for d in department_ids if d})
    out: dict[int, list[int]] = {d: [] for d in ids}
    if not ids:
        return out
    for dept_id, user_id in (
        LiaisonAssignment.objects.filter(
            department_id__in=ids, user__isnull=False, valid_from__lte=on_date
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
        .values_list("department_id", "user_id")
    ):
        out[dept_id].append(user_id)
    missing = [d for d, users in out.items() if not users]
    if missing:
        claimers = {Role.REGULATOR_LIAISON, Role.REGULATOR_LEADER, Role.BUREAU_LIAISON}
        for dept_id, user_id in (
            User.objects.filter(
                department_id__in=missing, is_active=True, role_assignments__role__in=claimers
            )
            .values_list("department_id", "pk")
            .distinct()
        ):
            out[dept_id].append(user_id)
    return {d: sorted(set(u)) for d, u in out.items()}


def oversight_user_ids(jurisdiction_id: int) -> list[int]:
    """Oversight accounts (纪委监委, 审改办) of a jurisdiction and of those above it."""
    j = Jurisdiction.objects.filter(pk=jurisdiction_id).only("path").first()
    if j is None:
        return []
    above = [
        pk for pk, path in Jurisdiction.objects.values_list("pk", "path") if j.path.startswith(path)
    ]
    return sorted(
        set(
            User.objects.filter(
                department__jurisdiction_id__in=above,
                is_active=True,
                role_assignments__role__in=list(OVERSIGHT_ROLES),
            ).values_list("pk", flat=True)
        )
    )


@dataclass
class _Ctx:
    """Per-call caches of a service run (params, liaisons) so that batches stay cheap."""

    at: dt.datetime
    params: dict = field(default_factory=dict)
    liaisons: dict = field(default_factory=dict)
    deadlines: dict = field(default_factory=dict)
    # users already told of this change in-app by another event (one notification per event)
    notified: set = field(default_factory=set)

    def params_for(self, jurisdiction_id: int):
        if jurisdiction_id not in self.params:
            self.params[jurisdiction_id] = params_for_jurisdiction(jurisdiction_id)
        return self.params[jurisdiction_id]

    def deadline(self, budget: int) -> tuple[dt.date, dt.datetime, bool]:
        """The claim deadline of a push made now with a budget (one calendar walk per batch)."""
        if budget not in self.deadlines:
            self.deadlines[budget] = deadline_compute(self.at, budget)
        return self.deadlines[budget]

    def liaisons_of(self, department_id: int) -> list[int]:
        if department_id not in self.liaisons:
            self.liaisons.update(liaison_user_ids([department_id], timezone.localdate(self.at)))
        return self.liaisons.get(department_id, [])


def _check_handler(record_department_id: int, item, on_date: dt.date, cache=None) -> None:
    """Refuse an item the department does not handle on the date (item_handler, 004 三(三)2)."""
    from shenguan.catalog.selectors import item_handling

    key = (item.pk, on_date)
    handling = cache.get(key) if cache is not None else None
    if handling is None:
        handling = item_handling(item=item, on_date=on_date)
        if cache is not None:
            cache[key] = handling
    if handling.department.pk != record_department_id:
        why = "（待签订审管衔接备忘录）" if handling.waiting_for_memo else ""
        raise ValidationFailed(
            "item_not_handled",
            f"{on_date.isoformat()}事项“{item.name}”由{handling.department.name}办理{why}，"
            "本部门不能登记该办件",
            "item",
        )
