"""Installing the built-in profiles with given model classes (used by a data migration)."""

from __future__ import annotations

from .builtin import BUILTIN_PROFILES
from .params import PolicyParams


def install(PolicyProfile, PolicyVersion) -> int:
    """Create any built-in profile that is missing, at version 1."""
    created = 0
    for code, spec in BUILTIN_PROFILES.items():
        if PolicyProfile.objects.filter(code=code).exists():
            continue
        params = PolicyParams.model_validate(spec["params"]).model_dump(mode="json")
        prof = PolicyProfile.objects.create(
            code=code, name=spec["name"], description=spec["description"], builtin=True
        )
        v = PolicyVersion.objects.create(profile=prof, number=1, params=params, note="内置配置")
        prof.current_version = v
        prof.save(update_fields=["current_version"])
        created += 1
    return created
