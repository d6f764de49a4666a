"""Writes to policy profiles: install built-ins, clone, edit (new version), assign, recompute."""

from __future__ import annotations

import re

from django.db import transaction
from pydantic import ValidationError

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from .builtin import BUILTIN_PROFILES
from .models import PolicyProfile, PolicyVersion
from .params import PARAM_TITLES, PolicyParams

# Which profile parameter gives the budget of deadlines of each purpose (filled by apps).
_PURPOSE_PARAMS: dict[str, str] = {}


def register_deadline_purpose(purpose: str, param: str) -> None:
    """Declare that deadlines of `purpose` take their budget from profile parameter `param`."""
    if param not in PolicyParams.model_fields:
        raise ValueError(f"unknown policy parameter {param}")
    _PURPOSE_PARAMS[purpose] = param


def purpose_param(purpose: str) -> str | None:
    """The profile parameter behind a deadline purpose, if registered."""
    return _PURPOSE_PARAMS.get(purpose)


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", "无权执行此操作")


def validate_params(raw: dict) -> PolicyParams:
    """Validate parameters, answering with the Chinese title of the first bad field."""
    try:
        return PolicyParams.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else None
        title = PARAM_TITLES.get(field or "", field or "参数")
        raise ValidationFailed("invalid_param", f"参数“{title}”无效：{err['msg']}", field) from exc


def policy_install_builtin() -> list[PolicyProfile]:
    """Create or refresh the five built-in profiles (idempotent; a changed built-in gets a version)."""
    out = []
    with transaction.atomic():
        for code, spec in BUILTIN_PROFILES.items():
            params = PolicyParams.model_validate(spec["params"]).model_dump(mode="json")
            prof, created = PolicyProfile.objects.get_or_create(
                code=code,
                defaults={"name": spec["name"], "description": spec["description"], "builtin": True},
            )
            if created or prof.current_version is None or prof.current_version.params != params:
                number = (prof.versions.order_by("-number").values_list("number", flat=True)
                          .first() or 0) + 1
                v = PolicyVersion.objects.create(
                    profile=prof, number=number, params=params, note="内置配置"
                )
                prof.current_version = v
                prof.save(update_fields=["current_version"])
                audit_record(actor=None, action="policy.install_builtin", obj=prof,
                             after={"version": number, "params": params})
            out.append(prof)
    return out


_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


def policy_clone(*, actor, source: PolicyProfile, code: str, name: str) -> PolicyProfile:
    """Derive a new editable profile from an existing one (复制配置)."""
    _require(actor, Perm.POLICY_MANAGE)
    if not _CODE.match(code or ""):
        raise ValidationFailed("bad_code", "代码须为 3–40 位小写字母、数字或连字符", "code")
    if not (name or "").strip():
        raise ValidationFailed("name_required", "请填写名称", "name")
    with transaction.atomic():
        if PolicyProfile.objects.filter(code=code).exists():
            raise Conflict("code_taken", f"代码“{code}”已被使用", "code")
        prof = PolicyProfile.objects.create(code=code, name=name.strip(), based_on=source)
        v = PolicyVersion.objects.create(
            profile=prof, number=1, params=source.current_version.params,
            note=f"复制自 {source.code} v{source.current_version.number}", created_by=_user(actor),
        )
        prof.current_version = v
        prof.save(update_fields=["current_version"])
        audit_record(actor=actor, action="policy.clone", obj=prof,
                     after={"based_on": source.code, "params": v.params})
    return prof


def _user(actor):
    return actor if getattr(actor, "kind", None) == "user" else None


def policy_update(*, actor, profile: PolicyProfile, params: dict, note: str = "") -> PolicyVersion:
    """Save edited parameters as a new version; deadlines already set do not move."""
    _require(actor, Perm.POLICY_MANAGE)
    if profile.builtin:
        raise Conflict("builtin_readonly", "内置配置不可修改，请先复制后再编辑", "profile")
    merged = {**profile.current_version.params, **params}
    clean = validate_params(merged).model_dump(mode="json")
    with transaction.atomic():
        profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)
        before = profile.current_version.params
        if clean == before:
            raise ValidationFailed("no_change", "参数没有变化", None)
        number = profile.versions.order_by("-number").values_list("number", flat=True).first() + 1
        v = PolicyVersion.objects.create(
            profile=profile, number=number, params=clean, note=note[:300], created_by=_user(actor)
        )
        profile.current_version = v
        profile.save(update_fields=["current_version"])
        b = {k: before.get(k) for k in clean if before.get(k) != clean[k]}
        a = {k: clean[k] for k in b}
        audit_record(actor=actor, action="policy.update", obj=profile,
                     before=b, after={**a, "version": number, "note": note[:300]})
    return v


def policy_assign(*, actor, jurisdiction, profile: PolicyProfile):
    """Put a jurisdiction under a profile; open deadlines keep their budgets until recomputed."""
    _require(actor, Perm.POLICY_MANAGE)
    with transaction.atomic():
        before = jurisdiction.profile_id
        jurisdiction.profile = profile
        jurisdiction.save(update_fields=["profile"])
        audit_record(actor=actor, action="policy.assign", obj=jurisdiction,
                     before={"profile_id": before}, after={"profile_id": profile.pk})
    return jurisdiction


def policy_recompute(*, actor, profile: PolicyProfile) -> int:
    """On an administrator's request, re-budget every open deadline under the profile."""
    from shenguan.calendar.models import Deadline, DeadlineState
    from shenguan.calendar.services import deadline_recompute

    _require(actor, Perm.POLICY_MANAGE)
    params = profile.params.model_dump()
    changed = 0
    qs = Deadline.objects.filter(
        state=DeadlineState.OPEN, jurisdiction__profile=profile, purpose__in=list(_PURPOSE_PARAMS)
    ).order_by("id")
    for d in qs.iterator(chunk_size=1000):
        budget = params.get(_PURPOSE_PARAMS[d.purpose])
        if budget is None:
            continue
        with transaction.atomic():
            if deadline_recompute(actor=actor, deadline=d, budget_days=budget,
                                  reason=f"policy {profile.code} v{profile.current_version.number}"):
                Deadline.objects.filter(pk=d.pk).update(profile_version_id=profile.current_version_id)
                changed += 1
    return changed
