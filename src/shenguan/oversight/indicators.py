"""The indicators of a period per department (通报指标): what a bulletin freezes, what the
dashboards and the API show, what the annual score adds up. See figures.py for how claims are
counted; the definitions of every figure are in FIGURE_LABELS and ADR 0031."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.calendar import workdays

from .figures import CLAIM_STATUSES, _claim_departments, _day_start, claim_stats, quantile
from .models import Alert, AlertLevel, ClaimStatus, SupervisionTask

# The figures of a department's row, in the order of the bulletin's columns.
FIGURE_LABELS: dict[str, object] = {
    "pushes_received": _("收到推送"),
    "claimed_on_time": _("按时认领"),
    "claimed_late": _("逾期人工认领"),
    "auto_claimed": _("超时自动认领"),
    "unclaimed_overdue": _("逾期未认领"),
    "pending": _("认领期内未认领"),
    "on_time_rate": _("按时认领率"),
    "median_claim_days": _("认领用时中位数（工作日）"),
    "p90_claim_days": _("认领用时90分位（工作日）"),
    "feedback_on_time": _("按时推送监管信息"),
    "feedback_late": _("逾期推送监管信息"),
    "feedback_unsent_overdue": _("逾期未推送监管信息"),
    "corrections_due": _("应答复纠错建议"),
    "corrections_late": _("逾期答复纠错建议"),
    "approvals_counted": _("计入考核的办件"),
    "approvals_overtime": _("超时审批"),
    "supervision_due": _("应启动监管"),
    "supervision_late": _("逾期启动监管"),
    "supervision_never": _("逾期未启动监管"),
    "open_red_alerts": _("期末未办结红灯预警"),
}
RATE_FIGURES = {"on_time_rate", "median_claim_days", "p90_claim_days"}


def _in_period(field: str, start: dt.date, end: dt.date) -> Q:
    """A moment field within the local days of a period."""
    return Q(
        **{
            f"{field}__gte": _day_start(start),
            f"{field}__lt": _day_start(end + dt.timedelta(days=1)),
        }
    )


def _empty_row() -> dict:
    return dict.fromkeys(FIGURE_LABELS, 0) | {"hist": Counter()}


def department_figures(
    jurisdiction_id: int, start: dt.date, end: dt.date, as_of: dt.datetime
) -> dict[int, dict]:
    """Every figure of every department of a jurisdiction for a period, at the cut-off
    `as_of` (rates and quantiles not yet derived; see `derive`)."""
    from shenguan.calendar.models import Deadline, DeadlineState
    from shenguan.linkage.models import ApprovalRecord, Feedback, FeedbackState

    from .kinds import approval_deadline_rows

    rows: dict[int, dict] = {d: _empty_row() for d in _claim_departments(jurisdiction_id)}

    def row(d: int) -> dict:
        return rows.setdefault(d, _empty_row())

    for d, s in claim_stats(jurisdiction_id, start, end, as_of).items():
        r = row(d)
        c = s["counts"]
        r["claimed_on_time"] += c[ClaimStatus.ON_TIME]
        r["claimed_late"] += c[ClaimStatus.LATE]
        r["auto_claimed"] += c[ClaimStatus.TIMEOUT]
        r["unclaimed_overdue"] += s["overdue"]
        r["pending"] += s["pending"]
        r["pushes_received"] += sum(c[x] for x in CLAIM_STATUSES) + s["overdue"] + s["pending"]
        r["hist"].update(s["hist"])
    today = workdays.local_date(as_of)
    # feedback sent in the period (on time / late) and held past its date
    fb = Feedback.objects.filter(jurisdiction_id=jurisdiction_id)
    for d, late, n in _count(
        fb.filter(_in_period("sent_at", start, end), state=FeedbackState.PUSHED),
        "sender_department_id",
        "send_late",
    ):
        row(d)["feedback_late" if late else "feedback_on_time"] += n
    for d, n in _count(
        fb.filter(
            state=FeedbackState.HELD,
            send_due_date__gte=start,
            send_due_date__lte=end,
            send_due_date__lt=today,
        ),
        "sender_department_id",
    ):
        row(d)["feedback_unsent_overdue"] += n
    # correction requests whose answer fell due in the period
    dls = Deadline.objects.filter(
        jurisdiction_id=jurisdiction_id,
        purpose="correction_reply",
        subject_type="linkage.feedback",
        due_date__gte=start,
        due_date__lte=end,
    ).values_list("subject_id", "state", "due_at")
    dls = list(dls)
    addressee = dict(
        Feedback.objects.filter(pk__in=[x[0] for x in dls]).values_list(
            "pk", "addressee_department_id"
        )
    )
    for sid, state, due_at in dls:
        if state == DeadlineState.CANCELLED or sid not in addressee:
            continue
        r = row(addressee[sid])
        r["corrections_due"] += 1
        if state == DeadlineState.LATE or (state == DeadlineState.OPEN and due_at <= as_of):
            r["corrections_late"] += 1
    # approvals decided in the period, and those still undecided past their limit
    recs = ApprovalRecord.objects.filter(jurisdiction_id=jurisdiction_id).filter(
        Q(decided_on__gte=start, decided_on__lte=end) | Q(decided_on__isnull=True)
    )
    for dl in approval_deadline_rows(recs, statutory=False):
        if dl.closed_at is None:
            if not (dl.due_date < today and dl.due_date <= end):
                continue
            late = True
        else:
            late = workdays.local_date(dl.closed_at) > dl.due_date
        r = row(dl.department_id)
        r["approvals_counted"] += 1
        r["approvals_overtime"] += int(late)
    # supervision windows that ended in the period: started late, or not started at the cut-off
    tasks = SupervisionTask.objects.filter(
        jurisdiction_id=jurisdiction_id, start_due_date__gte=start, start_due_date__lte=end
    )
    for d, n in _count(tasks, "department_id"):
        row(d)["supervision_due"] += n
    for d, n in _count(tasks.filter(started_at__isnull=False, start_late=True), "department_id"):
        row(d)["supervision_late"] += n
    for d, n in _count(
        tasks.filter(started_at__isnull=True, start_due_at__lte=as_of), "department_id"
    ):
        row(d)["supervision_never"] += n
    # red alerts open at the end of the period (or at the cut-off, if earlier)
    cut = min(as_of, _day_start(end + dt.timedelta(days=1)))
    for d, n in _count(
        Alert.objects.filter(
            jurisdiction_id=jurisdiction_id, level=AlertLevel.RED, raised_at__lt=cut
        ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cut)),
        "department_id",
    ):
        row(d)["open_red_alerts"] += n
    return rows


def _count(qs, *fields):
    """(field values…, n) per distinct combination, one grouped query."""
    from django.db.models import Count

    for values in qs.values(*fields).annotate(_n=Count("pk")).order_by():
        yield (*(values[f] for f in fields), values["_n"])


def derive(r: dict) -> dict:
    """Rates and quantiles of a row (JSON-able: the histogram becomes {days: n})."""
    decided = r["pushes_received"] - r["pending"]
    r["on_time_rate"] = round(r["claimed_on_time"] / decided, 6) if decided else None
    r["median_claim_days"] = quantile(r["hist"], 0.5)
    r["p90_claim_days"] = quantile(r["hist"], 0.9)
    r["late_claims"] = r["claimed_late"] + r["auto_claimed"] + r["unclaimed_overdue"]
    r["late_ratio"] = round(r["late_claims"] / decided, 6) if decided else None
    r["hist"] = {str(k): v for k, v in sorted(r["hist"].items())}
    return r


def period_indicators(
    jurisdiction_id: int, start: dt.date, end: dt.date, as_of: dt.datetime | None = None
) -> dict:
    """A bulletin's data: per department every figure, the ranking, the departments over the
    serious line and those the reminder rule points at, and the jurisdiction's totals."""
    from shenguan.org.models import Department
    from shenguan.policy.selectors import params_for_jurisdiction

    as_of = as_of or timezone.now()
    params, version = params_for_jurisdiction(jurisdiction_id)
    raw = department_figures(jurisdiction_id, start, end, as_of)
    total = _empty_row()
    for r in raw.values():
        for k, v in r.items():
            if k == "hist":
                total["hist"].update(v)
            elif k not in RATE_FIGURES:
                total[k] += v
    names = {
        d.pk: (d.name, d.kind, d.sort_order) for d in Department.objects.filter(pk__in=list(raw))
    }
    rows = []
    for d, r in raw.items():
        name, kind, order = names.get(d, ("", "", 0))
        rows.append(
            {"department_id": d, "department": name, "kind": kind, "_order": order} | derive(r)
        )
    line = float(params.bulletin_serious_on_time_rate)
    for r in rows:
        rate = r["on_time_rate"]
        r["serious"] = rate is not None and rate < line
        r["reminder_suggested"] = bool(
            r["late_claims"] >= params.escalation_reminder_late_claims
            and (r["late_ratio"] or 0) >= params.escalation_reminder_late_ratio
        )
    ranked = sorted(
        (r for r in rows if r["on_time_rate"] is not None),
        key=lambda r: (-r["on_time_rate"], r["late_claims"], r["_order"], r["department_id"]),
    )
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    for r in rows:
        r.setdefault("rank", None)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["_order"], r["department_id"]))
    for r in rows:
        del r["_order"]
    return {
        "jurisdiction_id": jurisdiction_id,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "profile_version_id": version,
        "serious_line": line,
        "reminder_late_claims": params.escalation_reminder_late_claims,
        "reminder_late_ratio": float(params.escalation_reminder_late_ratio),
        "rows": rows,
        "totals": derive(total),
        "serious": [r["department_id"] for r in rows if r["serious"]],
        "reminder_suggested": [r["department_id"] for r in rows if r["reminder_suggested"]],
    }
