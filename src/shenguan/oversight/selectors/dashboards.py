"""What the dashboards show (监察看板): open alerts by level, kind and department, the current
period's indicators per department, weekly trends — and the lists behind every number."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from shenguan.calendar import workdays
from shenguan.core.errors import NotFound, PermissionDenied
from shenguan.org.models import Jurisdiction
from shenguan.org.roles import Perm

from ..figures import claim_stats, period_bounds, period_label
from ..indicators import period_indicators
from ..models import Alert
from ._common import day_start
from .alerts import open_alert_counts

WEEKS = 12


def dashboard_jurisdiction(*, user, jurisdiction_id=None) -> Jurisdiction:
    """The jurisdiction a dashboard shows: the actor's own, or one below it it may read."""
    if user is None or not user.can(Perm.OVERSIGHT_DASHBOARD):
        raise PermissionDenied("forbidden", "无权查看监察看板")
    jid = jurisdiction_id or user.jurisdiction_id
    try:
        jid = int(jid)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if jid not in user.visible_jurisdiction_ids:
        raise NotFound()
    return Jurisdiction.objects.get(pk=jid)


def weekly_trend(jurisdiction_id: int, now: dt.datetime, weeks: int = WEEKS) -> list[dict]:
    """Per week (Monday to Sunday, the last `weeks` ones): pushes received, claimed on time,
    late by hand, auto-claimed, the on-time rate; and the alerts raised by level."""
    today = workdays.local_date(now)
    monday = today - dt.timedelta(days=today.weekday())
    out = []
    for i in range(weeks - 1, -1, -1):
        start = monday - dt.timedelta(weeks=i)
        end = min(start + dt.timedelta(days=6), today)
        received = on_time = late = timeout = pending = 0
        for s in claim_stats(jurisdiction_id, start, end, now).values():
            c = s["counts"]
            on_time += c["on_time"]
            late += c["late"]
            timeout += c["timeout"]
            pending += s["pending"]
            received += c["on_time"] + c["late"] + c["timeout"] + s["pending"] + s["overdue"]
        decided = received - pending
        alerts = dict(
            Alert.objects.filter(
                jurisdiction_id=jurisdiction_id,
                raised_at__gte=day_start(start),
                raised_at__lt=day_start(end + dt.timedelta(days=1)),
            )
            .values_list("level")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out.append(
            {
                "week": start.isoformat(),
                "end": end.isoformat(),
                "received": received,
                "on_time": on_time,
                "late": late,
                "timeout": timeout,
                "rate": round(on_time / decided, 4) if decided else None,
                "yellow": alerts.get("yellow", 0),
                "red": alerts.get("red", 0),
            }
        )
    return out


def dashboard_data(*, user, jurisdiction: Jurisdiction, now: dt.datetime | None = None) -> dict:
    """Everything a dashboard shows for one jurisdiction."""
    from shenguan.policy.selectors import params_for_jurisdiction

    now = now or timezone.now()
    today = workdays.local_date(now)
    period = params_for_jurisdiction(jurisdiction.pk)[0].bulletin_period
    start, end = period_bounds(period, today)
    indicators = period_indicators(jurisdiction.pk, start, min(end, today), now)
    return {
        "jurisdiction": jurisdiction,
        "period": {"start": start, "end": min(end, today), "label": period_label(period, start)},
        "alerts": open_alert_counts(user=user, jurisdiction_id=jurisdiction.pk),
        "indicators": indicators,
        "weeks": weekly_trend(jurisdiction.pk, now),
    }


# --- the lists behind the numbers ----------------------------------------------------------------

CLAIM_FILTERS = {
    "on_time": Q(claimed_mode__in=["manual", "on_push"], claim_late=False, open__isnull=True),
    "late": Q(claimed_mode="manual", claim_late=True),
    "timeout": Q(open__isnull=True)
    & (Q(claimed_mode="timeout") | Q(claimed_mode="", state="pending")),
    "open": Q(open__isnull=False),
}


def claim_pushes(
    *,
    user,
    department_id: int,
    start: dt.date,
    end: dt.date,
    status: str = "",
    overdue: bool | None = None,
):
    """The pushes behind a claim figure: addressed to a department, pushed on the local days of
    a period, by claim status (on_time, late, timeout, open; open split by `overdue`) — scoped
    like the inbox (the bureau sees what it sent, oversight everything)."""
    from shenguan.linkage.models import Push

    qs = (
        Push.objects.restrict(user)
        .with_claim()
        .select_related("sender_department", "addressee_department")
        .filter(
            addressee_department_id=department_id,
            pushed_at__gte=day_start(start),
            pushed_at__lt=day_start(end + dt.timedelta(days=1)),
        )
    )
    if status in CLAIM_FILTERS:
        qs = qs.filter(CLAIM_FILTERS[status])
    if status == "open" and overdue is not None:
        now = timezone.now()
        qs = qs.filter(claim_due_at__lte=now) if overdue else qs.filter(claim_due_at__gt=now)
    return qs.order_by("pushed_at", "id")
