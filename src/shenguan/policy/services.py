"""Writes to policy profiles: install built-ins, clone, edit (new version), assign, recompute.

Deadline purposes. A deadline (`calendar.Deadline`) carries a `purpose` such as "push.claim".
The app that opens deadlines of a purpose declares, in its AppConfig.ready(), which profile
parameter gives their budget::

    register_deadline_purpose("push.claim", "claim_window_days")        # linkage (issue 4)
    register_deadline_purpose("feedback.push", "feedback_push_days")    # linkage
    register_deadline_purpose("feedback.claim", "bureau_claim_days")    # linkage
    register_deadline_purpose("correction.reply", "correction_reply_days")
    register_deadline_purpose("credit.push", "credit_push_days")        # credit
    register_deadline_purpose("notice.objection", "public_notice_days") # public notices

The calendar and policy apps open no deadlines of their own, so they register none; each later
issue registers the purposes it defines. The registry serves two things: `deadline_open_by_policy`
(opens a deadline with the budget and the profile version in force) and `policy_recompute` (an
administrator's explicit re-budgeting of open deadlines after a profile change). Editing a
profile never moves a deadline already set; only `policy_recompute` does, and it audits each one.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from pydantic import ValidationError

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm

from .builtin import BUILTIN_PROFILES
from .models import PolicyProfile, PolicyVersion
from .params import PARAM_TITLES, PolicyParams
from .registry import (  # noqa: F401  (re-exported: apps register through policy.services)
    _POLICY_PREVIEWS,
    _POLICY_SOURCES,
    _PURPOSE_PARAMS,
    policy_source_previews,
    purpose_param,
    register_deadline_purpose,
    register_policy_source,
    registered_purposes,
)
from .selectors import deadline_budget, recompute_candidates


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", "无权执行此操作")


def _reason(err: dict) -> str:
    """A pydantic error in Chinese."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    simple = {
        "int_parsing": "须为整数",
        "int_type": "须为整数",
        "int_from_float": "须为整数",
        "float_parsing": "须为数字",
        "float_type": "须为数字",
        "bool_parsing": "须为“是”或“否”",
        "bool_type": "须为“是”或“否”",
        "string_type": "须为文字",
        "missing": "必须填写",
        "extra_forbidden": "不是已知的参数",
        "enum": "取值不在允许范围内",
        "literal_error": "取值不在允许范围内",
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": ("ge", "不得小于 {}"),
        "less_than_equal": ("le", "不得大于 {}"),
        "greater_than": ("gt", "须大于 {}"),
        "less_than": ("lt", "须小于 {}"),
    }
    if kind in bounds:
        key, text = bounds[kind]
        return text.format(ctx.get(key, ""))
    msg = str(err.get("msg", "取值无效"))
    return msg.removeprefix("Value error, ")


def params_problems(raw: dict) -> list[dict]:
    """Every invalid parameter: [{field, title, message}] with Chinese messages naming it."""
    try:
        PolicyParams.model_validate(raw)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err.get("loc") else None
            title = PARAM_TITLES.get(field or "", field or "参数")
            out.append({"field": field, "title": title, "message": f"参数“{title}”{_reason(err)}"})
        return out
    return []


def validate_params(raw: dict) -> PolicyParams:
    """Validate parameters, answering with the Chinese title of the first bad field."""
    try:
        return PolicyParams.model_validate(raw)
    except ValidationError as exc:
        first = params_problems(raw)[0]
        raise ValidationFailed("invalid_param", first["message"], first["field"]) from exc


def policy_install_builtin() -> list[PolicyProfile]:
    """Create or refresh the five built-in profiles (idempotent; a changed one gets a version)."""
    out = []
    with transaction.atomic():
        for code, spec in BUILTIN_PROFILES.items():
            params = PolicyParams.model_validate(spec["params"]).model_dump(mode="json")
            prof, created = PolicyProfile.objects.get_or_create(
                code=code,
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "builtin": True,
                },
            )
            if created or prof.current_version is None or prof.current_version.params != params:
                number = (
                    prof.versions.order_by("-number").values_list("number", flat=True).first() or 0
                ) + 1
                v = PolicyVersion.objects.create(
                    profile=prof, number=number, params=params, note="内置配置"
                )
                prof.current_version = v
                prof.save(update_fields=["current_version"])
                audit_record(
                    actor=None,
                    action="policy.install_builtin",
                    obj=prof,
                    after={"version": number, "params": params},
                )
            out.append(prof)
    return out


_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


def policy_clone(
    *, actor, source: PolicyProfile, code: str, name: str, description: str = ""
) -> PolicyProfile:
    """Derive a new editable profile from an existing one (复制配置)."""
    _require(actor, Perm.POLICY_MANAGE)
    code = (code or "").strip()
    if not _CODE.match(code):
        raise ValidationFailed(
            "bad_code", "代码须为 3–40 位小写字母、数字或连字符，且不以连字符开头或结尾", "code"
        )
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("name_required", "请填写名称", "name")
    if len(name) > 100:
        raise ValidationFailed("name_too_long", "名称不得超过 100 字", "name")
    with transaction.atomic():
        if PolicyProfile.objects.filter(code=code).exists():
            raise Conflict("code_taken", f"代码“{code}”已被使用", "code")
        prof = PolicyProfile.objects.create(
            code=code, name=name, description=(description or "").strip(), based_on=source
        )
        v = PolicyVersion.objects.create(
            profile=prof,
            number=1,
            params=source.current_version.params,
            note=f"复制自 {source.code} v{source.current_version.number}",
            created_by=_user(actor),
        )
        prof.current_version = v
        prof.save(update_fields=["current_version"])
        audit_record(
            actor=actor,
            action="policy.clone",
            obj=prof,
            after={
                "based_on": source.code,
                "based_on_version": source.current_version.number,
                "params": v.params,
            },
        )
    return prof


def _user(actor):
    return actor if getattr(actor, "kind", None) == "user" else None


def policy_update(*, actor, profile: PolicyProfile, params: dict, note: str = "") -> PolicyVersion:
    """Save edited parameters as a new version (修改配置); deadlines already set do not move."""
    _require(actor, Perm.POLICY_MANAGE)
    if profile.builtin:
        raise Conflict("builtin_readonly", "内置配置不可修改，请先复制后再编辑", "profile")
    if not isinstance(params, dict):
        raise ValidationFailed("invalid_param", "参数须为对象", "params")
    note = (note or "").strip()[:300]
    given = profile
    with transaction.atomic():
        profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)
        before = profile.current_version.params
        merged = {**before, **params}
        clean = validate_params(merged).model_dump(mode="json")
        if clean == before:
            raise ValidationFailed("no_change", "参数没有变化", None)
        number = profile.versions.order_by("-number").values_list("number", flat=True).first() + 1
        v = PolicyVersion.objects.create(
            profile=profile, number=number, params=clean, note=note, created_by=_user(actor)
        )
        profile.current_version = v
        profile.save(update_fields=["current_version"])
        b = {k: before.get(k) for k in clean if before.get(k) != clean[k]}
        a = {k: clean[k] for k in b}
        audit_record(
            actor=actor,
            action="policy.update",
            obj=profile,
            before=b,
            after={**a, "version": number, "note": note},
        )
    given.current_version = v
    return v


def policy_assign(*, actor, jurisdiction, profile: PolicyProfile):
    """Put a jurisdiction under a profile (指定政策配置); open deadlines keep their budgets."""
    _require(actor, Perm.POLICY_MANAGE)
    if actor is not None and jurisdiction.pk not in actor.visible_jurisdiction_ids:
        raise NotFound()
    if jurisdiction.profile_id == profile.pk:
        raise ValidationFailed("no_change", f"{jurisdiction.name}已使用该配置", "profile")
    with transaction.atomic():
        before = jurisdiction.profile_id
        jurisdiction.profile = profile
        jurisdiction.save(update_fields=["profile"])
        audit_record(
            actor=actor,
            action="policy.assign",
            obj=jurisdiction,
            before={"profile_id": before},
            after={
                "profile_id": profile.pk,
                "profile": profile.code,
                "version": profile.current_version.number,
            },
        )
    return jurisdiction


def policy_recompute(*, actor, profile: PolicyProfile) -> int:
    """On an administrator's request, re-budget every open deadline under the profile (重算时限),
    in `calendar.Deadline` and in every registered policy source (e.g. pending pushes).

    Each deadline takes the budget of its purpose in the current version and records that
    version; every change is audited as `deadline.recompute`. Returns how many moved.
    """
    from shenguan.calendar.services import deadlines_recompute_batch

    _require(actor, Perm.POLICY_MANAGE)
    # Always the version in force now, never one cached on the caller's object.
    profile = PolicyProfile.objects.select_related("current_version").get(pk=profile.pk)
    version = profile.current_version
    params = version.parsed().model_dump()
    ids = list(recompute_candidates(profile).order_by("id").values_list("id", flat=True))

    def rebudget(d) -> tuple[int | None, int | None]:
        budget = params.get(_PURPOSE_PARAMS.get(d.purpose, ""))
        return (None, None) if budget is None else (budget, version.pk)

    reason = f"policy {profile.code} v{version.number}"
    changed = deadlines_recompute_batch(actor=actor, ids=ids, reason=reason, rebudget=rebudget)
    for func in list(_POLICY_SOURCES.values()):
        changed += func(
            actor=actor, profile=profile, version=version, params=version.parsed(), reason=reason
        )
    audit_record(
        actor=actor,
        action="policy.recompute",
        obj=profile,
        after={"version": version.number, "candidates": len(ids), "changed": changed},
    )
    return changed


def deadline_open_by_policy(
    *,
    jurisdiction_id: int,
    subject_type: str,
    subject_id: int,
    purpose: str,
    start_at: dt.datetime,
):
    """Open a deadline with its purpose's budget in the jurisdiction's profile (按配置设定时限).

    Records the profile version used. Returns None when the profile sets no such deadline
    (a parameter left empty, e.g. no credit-push window).
    """
    from shenguan.calendar.services import deadline_open

    budget, version_id = deadline_budget(jurisdiction_id=jurisdiction_id, purpose=purpose)
    if budget is None:
        return None
    return deadline_open(
        jurisdiction_id=jurisdiction_id,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        start_at=start_at,
        budget_days=budget,
        profile_version_id=version_id,
    )
