"""Reading alerts (监管预警): oversight roles read their jurisdictions, departments their own."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from shenguan.core.deadlines import deadline_kind

from ..models import Alert
from ._common import day_start, one


def alert_list(*, user, filters: dict | None = None) -> QuerySet[Alert]:
    """Alerts the actor may see, newest first, filtered by level, kind, department, open or
    closed, review, jurisdiction and days raised."""
    qs = Alert.objects.restrict(user).select_related("department", "jurisdiction")
    f = filters or {}
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("department_id"):
        qs = qs.filter(department_id=f["department_id"])
    if f.get("jurisdiction_id"):
        qs = qs.filter(jurisdiction_id=f["jurisdiction_id"])
    if f.get("open") is True:
        qs = qs.filter(closed_at__isnull=True)
    elif f.get("open") is False:
        qs = qs.filter(closed_at__isnull=False)
    if f.get("late") is True:
        qs = qs.filter(closed_late=True)
    if f.get("review") == "none":
        qs = qs.filter(review="")
    elif f.get("review"):
        qs = qs.filter(review=f["review"])
    if f.get("explained") is True:
        qs = qs.exclude(explanation="")
    elif f.get("explained") is False:
        qs = qs.filter(explanation="")
    if f.get("raised_from"):
        qs = qs.filter(raised_at__gte=day_start(f["raised_from"]))
    if f.get("raised_to"):
        qs = qs.filter(raised_at__lt=day_start(f["raised_to"] + dt.timedelta(days=1)))
    return qs.order_by("-raised_at", "-id")


def alert_get(*, user, pk) -> Alert:
    """One alert the actor may see, or 404."""
    return one(Alert.objects.restrict(user).select_related("department", "jurisdiction"), pk)


def alert_url(a: Alert) -> str:
    """The page of the object behind an alert."""
    if a.url:
        return a.url
    if a.object_type == "linkage.push":
        return f"/linkage/pushes/{a.object_id}/"
    if a.object_type == "oversight.supervisiontask":
        return f"/oversight/supervision/{a.object_id}/"
    return ""


def kind_label(code: str) -> str:
    """The label of a deadline kind (its code when unknown)."""
    k = deadline_kind(code)
    return str(k.label) if k else code


def open_alert_counts(*, user, jurisdiction_id: int | None = None) -> dict:
    """Open alerts the actor may see by level, by kind and level, and by department and level."""
    qs = Alert.objects.restrict(user).filter(closed_at__isnull=True)
    if jurisdiction_id:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    by_level = {r["level"]: r["n"] for r in qs.values("level").annotate(n=Count("pk")).order_by()}
    by_kind: dict[str, dict] = {}
    for r in qs.values("kind", "level").annotate(n=Count("pk")).order_by():
        by_kind.setdefault(r["kind"], {})[r["level"]] = r["n"]
    by_dept: dict[int, dict] = {}
    for r in qs.values("department_id", "department__name", "level").annotate(n=Count("pk")):
        d = by_dept.setdefault(
            r["department_id"], {"name": r["department__name"], "yellow": 0, "red": 0}
        )
        d[r["level"]] = r["n"]
    unreviewed_red = qs.filter(level="red", review="").count()
    late_closed = (
        Alert.objects.restrict(user)
        .filter(closed_late=True, level="red")
        .filter(Q(jurisdiction_id=jurisdiction_id) if jurisdiction_id else Q())
        .count()
    )
    return {
        "yellow": by_level.get("yellow", 0),
        "red": by_level.get("red", 0),
        "unreviewed_red": unreviewed_red,
        "closed_late": late_closed,
        "by_kind": by_kind,
        "by_department": by_dept,
    }
