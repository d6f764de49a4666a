"""Reading policy profiles and the parameters that apply to a jurisdiction."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import PolicyProfile, PolicyVersion
from .params import PolicyParams


def profile_list() -> QuerySet[PolicyProfile]:
    """All profiles (reference data readable by every signed-in user)."""
    return PolicyProfile.objects.select_related("current_version", "based_on")


def profile_versions(*, profile: PolicyProfile) -> QuerySet[PolicyVersion]:
    """A profile's versions, newest first."""
    return profile.versions.select_related("created_by").order_by("-number")


def params_for_jurisdiction(jurisdiction_id: int) -> tuple[PolicyParams, int]:
    """The parameters in force in a jurisdiction and the id of the version they come from."""
    from shenguan.org.models import Jurisdiction

    j = Jurisdiction.objects.select_related("profile__current_version").get(pk=jurisdiction_id)
    v = j.profile.current_version
    return v.parsed(), v.pk
