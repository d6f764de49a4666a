"""The annual assessment score (年度绩效考核, 000 §27, 002 §23) per department: weighted rates
summed over the year's published bulletins (the current version of each period), minus points
for each reminder, 约谈 and accountability referral of the year; every line shown."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from .models import Bulletin, BulletinState, EscalationLevel, EscalationStep

# (key, label, numerator(row), denominator(row), weight parameter)
INDICATORS = [
    (
        "claim",
        _("按时认领率"),
        lambda r: r["claimed_on_time"],
        lambda r: r["pushes_received"] - r["pending"],
        "score_weight_claim",
    ),
    (
        "feedback",
        _("监管信息按时推送率"),
        lambda r: r["feedback_on_time"],
        lambda r: r["feedback_on_time"] + r["feedback_late"] + r["feedback_unsent_overdue"],
        "score_weight_feedback",
    ),
    (
        "correction",
        _("纠错建议按时答复率"),
        lambda r: r["corrections_due"] - r["corrections_late"],
        lambda r: r["corrections_due"],
        "score_weight_correction",
    ),
    (
        "approval",
        _("审批按时办结率"),
        lambda r: r["approvals_counted"] - r["approvals_overtime"],
        lambda r: r["approvals_counted"],
        "score_weight_approval",
    ),
    (
        "supervision",
        _("按时启动监管率"),
        lambda r: r["supervision_due"] - r["supervision_late"] - r["supervision_never"],
        lambda r: r["supervision_due"],
        "score_weight_supervision",
    ),
]
DEDUCTIONS = [
    (EscalationLevel.REMINDER, _("提醒"), "score_deduct_reminder"),
    (EscalationLevel.INTERVIEW, _("约谈"), "score_deduct_interview"),
    (EscalationLevel.ACCOUNTABILITY, _("问责"), "score_deduct_accountability"),
]


def year_bulletins(jurisdiction_id: int, year: int) -> list[Bulletin]:
    """The current published version of each period of the year."""
    return list(
        Bulletin.objects.filter(
            jurisdiction_id=jurisdiction_id,
            period_start__year=year,
            state=BulletinState.PUBLISHED,
        ).order_by("period_start")
    )


def annual_scores(jurisdiction_id: int, year: int) -> dict:
    """Each department's score with the computation line by line."""
    from shenguan.org.models import Department
    from shenguan.policy.selectors import params_for_jurisdiction

    params = params_for_jurisdiction(jurisdiction_id)[0]
    bulletins = year_bulletins(jurisdiction_id, year)
    sums: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for b in bulletins:
        for r in b.figures.get("rows", []):
            names[r["department_id"]] = r["department"]
            for key, _label, num, den, _w in INDICATORS:
                sums[r["department_id"]][f"{key}_n"] += num(r)
                sums[r["department_id"]][f"{key}_d"] += den(r)
    steps = defaultdict(lambda: defaultdict(int))
    for dept, level in EscalationStep.objects.filter(
        jurisdiction_id=jurisdiction_id, issued_at__year=year
    ).values_list("escalation__department_id", "level"):
        steps[dept][level] += 1
    for d in Department.objects.filter(pk__in=set(sums) | set(steps)):
        names.setdefault(d.pk, d.name)
    out = []
    for dept in sorted(set(sums) | set(steps), key=lambda d: names.get(d, "")):
        s = sums[dept]
        lines, weights, points = [], 0, 0.0
        for key, label, _num, _den, wparam in INDICATORS:
            n, d, w = s[f"{key}_n"], s[f"{key}_d"], getattr(params, wparam)
            rate = n / d if d else None
            if rate is not None:
                weights += w
                points += w * rate
            lines.append(
                {
                    "key": key,
                    "label": str(label),
                    "numerator": n,
                    "denominator": d,
                    "rate": rate,
                    "weight": w,
                    "points": round(w * rate, 4) if rate is not None else None,
                }
            )
        base = round(points / weights * 100, 2) if weights else None
        deductions = []
        minus = 0.0
        for level, label, dparam in DEDUCTIONS:
            count, each = steps[dept][level], float(getattr(params, dparam))
            deductions.append(
                {
                    "level": level,
                    "label": str(label),
                    "count": count,
                    "each": each,
                    "points": count * each,
                }
            )
            minus += count * each
        score = None if base is None else round(max(0.0, base - minus), 2)
        out.append(
            {
                "department_id": dept,
                "department": names.get(dept, ""),
                "lines": lines,
                "applicable_weight": weights,
                "base": base,
                "deductions": deductions,
                "deducted": minus,
                "score": score,
            }
        )
    out.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["department"]))
    return {
        "jurisdiction_id": jurisdiction_id,
        "year": year,
        "bulletins": [{"id": b.pk, "label": b.label, "version": b.version} for b in bulletins],
        "departments": out,
    }
