"""Reading the organisation, always scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from shenguan.core.errors import NotFound

from .models import ApiToken, Department, Division, Jurisdiction, LiaisonAssignment, User
from .roles import Perm


def jurisdiction_list(*, user, filters: dict | None = None) -> QuerySet[Jurisdiction]:
    """Jurisdictions the actor may read."""
    qs = Jurisdiction.objects.restrict(user).select_related("profile", "parent")
    f = filters or {}
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("parent_id"):
        qs = qs.filter(parent_id=f["parent_id"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__startswith=f["q"]))
    return qs


def jurisdiction_get(*, user, pk: int) -> Jurisdiction:
    """One jurisdiction, or 404."""
    obj = jurisdiction_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def department_list(*, user, filters: dict | None = None) -> QuerySet[Department]:
    """Departments in the actor's jurisdictions (the directory)."""
    qs = Department.objects.restrict(user).select_related("jurisdiction")
    f = filters or {}
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(short_name__icontains=f["q"]))
    if f.get("active") is not None:
        qs = qs.filter(active=f["active"])
    return qs


def department_get(*, user, pk: int) -> Department:
    """One department, or 404."""
    obj = department_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def division_list(*, user, department_id: int | None = None) -> QuerySet[Division]:
    """Divisions in the actor's jurisdictions, optionally of one department."""
    qs = Division.objects.restrict(user).select_related("department")
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs


def user_list(*, user, filters: dict | None = None) -> QuerySet[User]:
    """Accounts the actor may see: all below it for administrators, its department's otherwise."""
    qs = User.objects_restricted.restrict(user).select_related("department", "division")
    qs = qs.prefetch_related("role_assignments")
    f = filters or {}
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("jurisdiction_id"):
        qs = qs.filter(department__jurisdiction_id=f["jurisdiction_id"])
    if f.get("q"):
        qs = qs.filter(Q(username__icontains=f["q"]) | Q(full_name__icontains=f["q"]))
    if f.get("role"):
        qs = qs.filter(role_assignments__role=f["role"])
    if f.get("active") is not None:
        qs = qs.filter(is_active=f["active"])
    return qs.order_by("department__jurisdiction__path", "department__sort_order", "id")


def user_get(*, user, pk: int) -> User:
    """One account, or 404."""
    obj = user_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def liaison_list(
    *,
    user,
    department_id: int | None = None,
    on_date: dt.date | None = None,
    current_only: bool = False,
    kind: str | None = None,
    jurisdiction_id: int | None = None,
) -> QuerySet[LiaisonAssignment]:
    """Liaison persons and leaders in charge, with their dated history."""
    qs = LiaisonAssignment.objects.restrict(user).select_related("department", "division")
    if department_id:
        qs = qs.filter(department_id=department_id)
    if jurisdiction_id:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    if kind:
        qs = qs.filter(kind=kind)
    if current_only and on_date is None:
        on_date = timezone.localdate()
    if on_date is not None:
        qs = qs.filter(valid_from__lte=on_date).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on_date)
        )
    return qs


def liaison_get(*, user, pk: int) -> LiaisonAssignment:
    """One liaison assignment, or 404."""
    obj = liaison_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def current_liaisons(
    *, department_id: int, on_date: dt.date | None = None, kind: str | None = None
):
    """Who holds the liaison posts of a department on a date (for routing and reports; unscoped)."""
    on_date = on_date or timezone.localdate()
    qs = LiaisonAssignment.objects.filter(
        department_id=department_id, valid_from__lte=on_date
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def token_list(*, user, filters: dict | None = None) -> QuerySet[ApiToken]:
    """API tokens visible to the security and audit administrators."""
    qs = ApiToken.objects.restrict(user).select_related("department", "created_by")
    f = filters or {}
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("active") is True:
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    elif f.get("active") is False:
        qs = qs.filter(Q(revoked_at__isnull=False) | Q(expires_at__lte=timezone.now()))
    return qs


def token_get(*, user, pk: int) -> ApiToken:
    """One token, or 404."""
    obj = token_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def lockout_list(*, user, filters: dict | None = None):
    """Login-failure records (django-axes) of accounts in the security administrator's reach.

    Only the security administrator reads them; attempts on unknown usernames belong to no
    jurisdiction and are not shown here.
    """
    from axes.models import AccessAttempt

    if user is None or not user.is_authenticated or not user.can(Perm.LOCKOUT_MANAGE):
        return AccessAttempt.objects.none()
    usernames = User.objects_restricted.restrict(user).values("username")
    qs = AccessAttempt.objects.filter(username__in=usernames)
    f = filters or {}
    if f.get("q"):
        qs = qs.filter(username__icontains=f["q"])
    if f.get("locked"):
        qs = qs.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    return qs.order_by("-attempt_time", "-id")


def lockout_user(*, user, username: str) -> User:
    """The account behind a lockout record, if the actor may manage it; else 404."""
    if not user.can(Perm.LOCKOUT_MANAGE):
        raise NotFound()
    obj = (
        User.objects_restricted.restrict(user)
        .select_related("department")
        .filter(username=username)
        .first()
    )
    if obj is None:
        raise NotFound()
    return obj
