"""Reading policy profiles and the parameters that apply to a jurisdiction.

Profiles are reference data: every signed-in user (and API token) may read them. Which
jurisdictions use a profile is restricted to the jurisdictions the reader can see.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from shenguan.core.errors import NotFound, PermissionDenied

from .builtin import SOURCES
from .models import PolicyProfile, PolicyVersion
from .params import PARAM_GROUPS, PolicyParams, display_value, param_title
from .registry import _PURPOSE_PARAMS, policy_source_previews, purpose_param


def _require_reader(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("forbidden", "请先登录")


def profile_list(*, user=None) -> QuerySet[PolicyProfile]:
    """All profiles (reference data readable by every signed-in user)."""
    if user is not None:
        _require_reader(user)
    return PolicyProfile.objects.select_related("current_version", "based_on").annotate(
        n_versions=Count("versions", distinct=True)
    )


def profile_get(*, user, code: str) -> PolicyProfile:
    """One profile by code, or NotFound."""
    _require_reader(user)
    prof = (
        PolicyProfile.objects.select_related("current_version", "based_on")
        .filter(code=code)
        .first()
    )
    if prof is None:
        raise NotFound("政策配置不存在")
    return prof


def profile_versions(*, profile: PolicyProfile) -> QuerySet[PolicyVersion]:
    """A profile's versions, newest first."""
    return profile.versions.select_related("created_by").order_by("-number")


def param_rows(profile: PolicyProfile, params: dict | None = None) -> list[dict]:
    """Every parameter with its title (in the interface language), value and (for built-ins) its
    source article."""
    params = params if params is not None else profile.current_version.params
    sources = SOURCES.get(profile.code, {}) if profile.builtin else {}
    rows = []
    for group, names in PARAM_GROUPS:
        for name in names:
            value = params.get(name, PolicyParams.model_fields[name].default)
            rows.append(
                {
                    "group": gettext(group),
                    "param": name,
                    "title": param_title(name),
                    "value": value,
                    "display": display_value(name, value),
                    "source": sources.get(name, ""),
                }
            )
    return rows


def version_diff(before: dict | None, after: dict) -> list[dict]:
    """The parameters that differ between two versions, with titles and display values."""
    if before is None:
        return []
    out = []
    for _group, names in PARAM_GROUPS:
        for name in names:
            b, a = before.get(name), after.get(name)
            if b != a:
                out.append(
                    {
                        "param": name,
                        "title": param_title(name),
                        "before": b,
                        "after": a,
                        "before_display": display_value(name, b),
                        "after_display": display_value(name, a),
                    }
                )
    return out


def profile_history(*, user, profile: PolicyProfile) -> list[dict]:
    """The version history (版本历史), newest first, each with its changes from the previous."""
    _require_reader(user)
    versions = list(profile.versions.select_related("created_by").order_by("number"))
    out = []
    prev = None
    for v in versions:
        out.append(
            {
                "version": v,
                "number": v.number,
                "created_at": v.created_at,
                "created_by": v.created_by.display_name if v.created_by else gettext("系统"),
                "note": v.note,
                "changes": version_diff(prev.params if prev else None, v.params),
                "current": v.pk == profile.current_version_id,
            }
        )
        prev = v
    out.reverse()
    return out


def profile_jurisdictions(*, user, profile: PolicyProfile):
    """The jurisdictions the reader can see that run under a profile."""
    from shenguan.org.models import Jurisdiction

    return Jurisdiction.objects.restrict(user).filter(profile=profile).order_by("path")


def assignable_jurisdictions(*, user):
    """The jurisdictions an administrator may put under a profile (those they can see)."""
    from shenguan.org.models import Jurisdiction

    return Jurisdiction.objects.restrict(user).select_related("profile").order_by("path")


def params_for_jurisdiction(jurisdiction_id: int) -> tuple[PolicyParams, int]:
    """The parameters in force in a jurisdiction and the id of the version they come from."""
    from shenguan.org.models import Jurisdiction

    j = Jurisdiction.objects.select_related("profile__current_version").get(pk=jurisdiction_id)
    v = j.profile.current_version
    return v.parsed(), v.pk


def deadline_budget(*, jurisdiction_id: int, purpose: str) -> tuple[int | None, int]:
    """The working-day budget a purpose has in a jurisdiction, and the profile version it is from.

    Raises ValueError for a purpose no app registered (see policy.services).
    """
    param = purpose_param(purpose)
    if param is None:
        raise ValueError(f"deadline purpose {purpose!r} is not registered")
    params, version_id = params_for_jurisdiction(jurisdiction_id)
    return getattr(params, param), version_id


def recompute_preview(*, user, profile: PolicyProfile) -> dict:
    """What an administrator's recompute would do: candidates and how many would move."""
    _require_reader(user)
    profile = PolicyProfile.objects.select_related("current_version").get(pk=profile.pk)
    params = profile.current_version.parsed().model_dump()
    candidates = 0
    moved = 0
    by_purpose: dict[str, int] = {}
    for purpose, budget_days in recompute_candidates(profile).values_list("purpose", "budget_days"):
        candidates += 1
        budget = params.get(purpose_param(purpose))
        if budget is None or budget == budget_days:
            continue
        moved += 1
        by_purpose[purpose] = by_purpose.get(purpose, 0) + 1
    parsed = profile.current_version.parsed()
    for name, preview in policy_source_previews().items():
        n, m = preview(profile=profile, params=parsed)
        candidates += n
        moved += m
        if m:
            by_purpose[name] = m
    return {"candidates": candidates, "rebudgeted": moved, "by_purpose": by_purpose}


def recompute_candidates(profile: PolicyProfile):
    """Open deadlines of registered purposes in the jurisdictions under a profile."""
    from shenguan.calendar.models import Deadline, DeadlineState

    return Deadline.objects.filter(
        state=DeadlineState.OPEN,
        jurisdiction__profile=profile,
        purpose__in=list(_PURPOSE_PARAMS),
    )
