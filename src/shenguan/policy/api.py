"""HTTP API of the policy app: profiles, versions, clone, edit, assign, recompute."""

from __future__ import annotations

from ninja import Router, Status

from shenguan.core.api_errors import ApiError
from shenguan.core.errors import NotFound, PermissionDenied
from shenguan.org.roles import Perm

from . import selectors
from .schemas import (
    AssignIn,
    AssignOut,
    CloneIn,
    JurisdictionParamsOut,
    ParamsIn,
    PolicyVersionOut,
    ProfileOut,
    ProfileSummaryOut,
    RecomputeIn,
    RecomputeOut,
)
from .services import policy_assign, policy_clone, policy_recompute, policy_update

router = Router(tags=["policy"])

_READ = {401: ApiError, 403: ApiError, 404: ApiError}
_WRITE = {400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError}


def _summary(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "builtin": p.builtin,
        "based_on": p.based_on.code if p.based_on else None,
        "version": p.current_version.number,
        "versions": getattr(p, "n_versions", None) or p.versions.count(),
    }


def _detail(request, p) -> dict:
    return {
        **_summary(p),
        "description": p.description,
        "version_created_at": p.current_version.created_at,
        "params": selectors.param_rows(p),
        "jurisdictions": list(
            selectors.profile_jurisdictions(user=request.auth, profile=p).values_list(
                "code", flat=True
            )
        ),
    }


def _manage(actor) -> None:
    if not actor.can(Perm.POLICY_MANAGE):
        raise PermissionDenied("forbidden", "无权管理政策配置")


@router.get("/profiles", response={200: list[ProfileSummaryOut], **_READ}, summary="政策配置列表")
def list_profiles(request):
    """Every profile: the five built-ins and those administrators derived."""
    return [_summary(p) for p in selectors.profile_list(user=request.auth)]


@router.get("/profiles/{code}", response={200: ProfileOut, **_READ}, summary="政策配置详情")
def get_profile(request, code: str):
    """A profile's parameters with Chinese titles, values and, for built-ins, source articles."""
    return _detail(request, selectors.profile_get(user=request.auth, code=code))


@router.get(
    "/profiles/{code}/versions",
    response={200: list[PolicyVersionOut], **_READ},
    summary="政策配置的版本历史",
)
def list_versions(request, code: str):
    """Every version, newest first, with the parameters that changed from the one before."""
    prof = selectors.profile_get(user=request.auth, code=code)
    return [
        {
            "number": h["number"],
            "created_at": h["created_at"],
            "created_by": h["created_by"],
            "note": h["note"],
            "current": h["current"],
            "params": h["version"].params,
            "changes": h["changes"],
        }
        for h in selectors.profile_history(user=request.auth, profile=prof)
    ]


@router.post("/profiles/{code}/clone", response={201: ProfileOut, **_WRITE}, summary="复制政策配置")
def clone(request, code: str, body: CloneIn):
    """Derive a new, editable profile from this one (its current version becomes version 1)."""
    _manage(request.auth)
    src = selectors.profile_get(user=request.auth, code=code)
    new = policy_clone(
        actor=request.auth, source=src, code=body.code, name=body.name, description=body.description
    )
    return Status(201, _detail(request, selectors.profile_get(user=request.auth, code=new.code)))


@router.put(
    "/profiles/{code}/params",
    response={200: ProfileOut, **_WRITE},
    summary="修改政策配置参数（形成新版本）",
)
def update_params(request, code: str, body: ParamsIn):
    """Save changed parameters as a new version. Deadlines already set do not move."""
    _manage(request.auth)
    prof = selectors.profile_get(user=request.auth, code=code)
    policy_update(actor=request.auth, profile=prof, params=body.params, note=body.note)
    return _detail(request, selectors.profile_get(user=request.auth, code=code))


@router.post(
    "/profiles/{code}/assign", response={200: AssignOut, **_WRITE}, summary="指定行政区划使用本配置"
)
def assign(request, code: str, body: AssignIn):
    """Put a jurisdiction the administrator can see under this profile."""
    from shenguan.org.models import Jurisdiction

    _manage(request.auth)
    prof = selectors.profile_get(user=request.auth, code=code)
    j = Jurisdiction.objects.restrict(request.auth).filter(code=body.jurisdiction).first()
    if j is None:
        raise NotFound("行政区划不存在或无权查看", field="jurisdiction")
    policy_assign(actor=request.auth, jurisdiction=j, profile=prof)
    return {
        "jurisdiction": j.code,
        "name": j.name,
        "profile": prof.code,
        "version": prof.current_version.number,
    }


@router.post(
    "/profiles/{code}/recompute",
    response={200: RecomputeOut, **_WRITE},
    summary="按当前参数重算进行中的时限",
)
def recompute(request, code: str, body: RecomputeIn):
    """The administrator's explicit recompute of open deadlines under this profile."""
    _manage(request.auth)
    prof = selectors.profile_get(user=request.auth, code=code)
    preview = selectors.recompute_preview(user=request.auth, profile=prof)
    changed = None if body.dry_run else policy_recompute(actor=request.auth, profile=prof)
    return {
        "dry_run": body.dry_run,
        "version": prof.current_version.number,
        "candidates": preview["candidates"],
        "rebudgeted": preview["rebudgeted"],
        "changed": changed,
    }


@router.get(
    "/jurisdictions/{code}",
    response={200: JurisdictionParamsOut, **_READ},
    summary="某行政区划适用的政策参数",
)
def jurisdiction_params(request, code: str):
    """The profile, version and parameters in force in a jurisdiction the reader can see."""
    from shenguan.org.models import Jurisdiction

    j = (
        Jurisdiction.objects.restrict(request.auth)
        .select_related("profile__current_version")
        .filter(code=code)
        .first()
    )
    if j is None:
        raise NotFound("行政区划不存在或无权查看")
    v = j.profile.current_version
    return {
        "jurisdiction": j.code,
        "profile": j.profile.code,
        "version": v.number,
        "params": v.params,
    }
