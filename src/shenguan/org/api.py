"""HTTP API of the organisation: jurisdictions, departments, divisions, users, liaisons, tokens.

Handlers are thin: they read through selectors (another department's object answers 404) and
write through services (which check the permission: 403). Personal data is masked unless the
caller holds the unmask right and asks for it with `unmask=true`, which is audited.
"""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import PermissionDenied as CorePermissionDenied
from shenguan.core.errors import ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.policy.selectors import profile_list

from . import importers, selectors, services
from .schemas import (
    DepartmentDetail,
    DepartmentFilters,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    DivisionFilters,
    DivisionIn,
    DivisionOut,
    JurisdictionFilters,
    JurisdictionIn,
    JurisdictionOut,
    LiaisonEndIn,
    LiaisonFilters,
    LiaisonIn,
    LiaisonOut,
    OrgImportErrorOut,
    OrgImportOut,
    PasswordIn,
    RolesIn,
    RolesOut,
    TokenCreated,
    TokenFilters,
    TokenIn,
    TokenOut,
    UserFilters,
    UserIn,
    UserOut,
    UserPatch,
)

router = Router(tags=["org"])

READ = error_responses()
DETAIL = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)


def _unmask(request, unmask: bool, object_type: str, ids) -> None:
    """Show personal data in full for this request, after checking the right and auditing."""
    if not unmask:
        return
    ids = list(ids)
    services.personal_data_unmask(
        actor=request.auth, object_type=object_type, object_ids=ids, fields=["phone"]
    )
    request.sg_unmask = True


# --- jurisdictions ---------------------------------------------------------------------------


@router.get("/jurisdictions", response={200: Page[JurisdictionOut], **READ}, summary="行政区划列表")
def jurisdiction_list(request, filters: Query[JurisdictionFilters], page: Query[PageParams]):
    """Jurisdictions the caller may read (its own, and those below it for oversight roles)."""
    qs = selectors.jurisdiction_list(user=request.auth, filters=filters.dict())
    return paginate(qs, page)


@router.get(
    "/jurisdictions/{int:jurisdiction_id}",
    response={200: JurisdictionOut, **DETAIL},
    summary="行政区划详情",
)
def jurisdiction_detail(request, jurisdiction_id: int):
    """One jurisdiction."""
    return selectors.jurisdiction_get(user=request.auth, pk=jurisdiction_id)


@router.post("/jurisdictions", response={201: JurisdictionOut, **WRITE}, summary="新增下级行政区划")
def jurisdiction_create(request, payload: JurisdictionIn):
    """Create a jurisdiction below one the system administrator manages."""
    parent = selectors.jurisdiction_get(user=request.auth, pk=payload.parent_id)
    if payload.profile_code:
        profile = profile_list().filter(code=payload.profile_code).first()
        if profile is None:
            raise ValidationFailed("bad_profile", "政策配置不存在", "profile_code")
    else:
        profile = parent.profile
    j = services.jurisdiction_create(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        level=payload.level,
        profile=profile,
        parent=parent,
    )
    # the actor's visible jurisdictions were computed before the new one existed: answer the row
    return Status(201, j)


# --- departments and divisions ---------------------------------------------------------------


def _department_detail(request, pk: int, unmask: bool = False):
    dept = selectors.department_get(user=request.auth, pk=pk)
    dept.current_liaisons = list(
        selectors.liaison_list(user=request.auth, department_id=dept.pk, current_only=True)
    )
    _unmask(request, unmask, "org.liaisonassignment", [la.pk for la in dept.current_liaisons])
    return dept


@router.get("/departments", response={200: Page[DepartmentOut], **READ}, summary="部门列表")
def department_list(request, filters: Query[DepartmentFilters], page: Query[PageParams]):
    """Departments in the caller's jurisdictions, by jurisdiction and kind."""
    qs = selectors.department_list(user=request.auth, filters=filters.dict())
    return paginate(qs, page)


@router.get(
    "/departments/{int:department_id}",
    response={200: DepartmentDetail, **error_responses(403, 404)},
    summary="部门详情（含科室与现任联络员、分管领导）",
)
def department_detail(request, department_id: int, unmask: bool = False):
    """One department with its divisions and who holds its liaison posts today."""
    return _department_detail(request, department_id, unmask)


@router.post("/departments", response={201: DepartmentDetail, **WRITE}, summary="新增部门")
def department_create(request, payload: DepartmentIn):
    """Create a department (system administrator)."""
    j = selectors.jurisdiction_get(user=request.auth, pk=payload.jurisdiction_id)
    d = services.department_create(
        actor=request.auth,
        jurisdiction=j,
        name=payload.name,
        kind=payload.kind,
        short_name=payload.short_name,
        uscc=payload.uscc,
        sort_order=payload.sort_order,
    )
    return Status(201, _department_detail(request, d.pk))


@router.patch(
    "/departments/{int:department_id}",
    response={200: DepartmentDetail, **WRITE},
    summary="修改部门",
)
def department_update(request, department_id: int, payload: DepartmentPatch):
    """Change a department's name, short name, code, order or active flag."""
    dept = selectors.department_get(user=request.auth, pk=department_id)
    changes = payload.dict(exclude_unset=True)
    for k, v in list(changes.items()):
        if v is None:
            raise ValidationFailed("required", f"字段“{k}”不能为空", k)
    services.department_update(actor=request.auth, department=dept, **changes)
    return _department_detail(request, dept.pk)


@router.get("/divisions", response={200: Page[DivisionOut], **READ}, summary="科室列表")
def division_list(request, filters: Query[DivisionFilters], page: Query[PageParams]):
    """Divisions of the departments the caller can see."""
    qs = selectors.division_list(user=request.auth, department_id=filters.department_id)
    return paginate(qs, page)


@router.post("/divisions", response={201: DivisionOut, **WRITE}, summary="新增科室")
def division_create(request, payload: DivisionIn):
    """Add a division to a department (system administrator)."""
    dept = selectors.department_get(user=request.auth, pk=payload.department_id)
    return Status(
        201, services.division_create(actor=request.auth, department=dept, name=payload.name)
    )


# --- users and roles -------------------------------------------------------------------------


def _division_of(request, division_id, field: str = "division_id"):
    if division_id is None:
        return None
    div = selectors.division_list(user=request.auth).filter(pk=division_id).first()
    if div is None:
        raise ValidationFailed("bad_division", "科室不存在", field)
    return div


@router.get("/users", response={200: Page[UserOut], **error_responses(403)}, summary="账号列表")
def user_list(request, filters: Query[UserFilters], page: Query[PageParams], unmask: bool = False):
    """Accounts: administrators see those of their jurisdictions, others their department's."""
    qs = selectors.user_list(user=request.auth, filters=filters.dict())
    out = paginate(qs, page)
    _unmask(request, unmask, "org.user", [u.pk for u in out["items"]])
    return out


@router.get(
    "/users/{int:user_id}",
    response={200: UserOut, **error_responses(403, 404)},
    summary="账号详情",
)
def user_detail(request, user_id: int, unmask: bool = False):
    """One account."""
    u = selectors.user_get(user=request.auth, pk=user_id)
    _unmask(request, unmask, "org.user", [u.pk])
    return u


@router.post("/users", response={201: UserOut, **WRITE}, summary="新建账号（系统管理员）")
def user_create(request, payload: UserIn):
    """Create an account; roles are granted separately by the security administrator."""
    dept = selectors.department_get(user=request.auth, pk=payload.department_id)
    u = services.user_create(
        actor=request.auth,
        username=payload.username,
        full_name=payload.full_name,
        department=dept,
        password=payload.password,
        phone=payload.phone,
        division=_division_of(request, payload.division_id),
    )
    return Status(201, selectors.user_get(user=request.auth, pk=u.pk))


@router.patch(
    "/users/{int:user_id}", response={200: UserOut, **WRITE}, summary="修改账号（含停用）"
)
def user_update(request, user_id: int, payload: UserPatch):
    """Change an account's name, phone, division or active flag (system administrator)."""
    u = selectors.user_get(user=request.auth, pk=user_id)
    data = payload.dict(exclude_unset=True)
    services.user_update(
        actor=request.auth,
        user=u,
        full_name=data.get("full_name"),
        phone=data.get("phone"),
        division=_division_of(request, data.get("division_id")),
        is_active=data.get("is_active"),
    )
    return selectors.user_get(user=request.auth, pk=u.pk)


@router.post("/users/{int:user_id}/set-password", response={204: None, **WRITE}, summary="重置密码")
def user_set_password(request, user_id: int, payload: PasswordIn):
    """Reset an account's password (system administrator, or the account itself)."""
    u = selectors.user_get(user=request.auth, pk=user_id)
    services.user_set_password(actor=request.auth, user=u, password=payload.password)
    return Status(204, None)


@router.post(
    "/users/{int:user_id}/set-roles",
    response={200: RolesOut, **WRITE},
    summary="设置角色（安全管理员；三权分立）",
)
def user_set_roles(request, user_id: int, payload: RolesIn):
    """Set the complete role set of an account. The three administrator roles are exclusive."""
    u = selectors.user_get(user=request.auth, pk=user_id)
    roles = services.user_set_roles(
        actor=request.auth, user=u, roles={r.value for r in payload.roles}
    )
    return {"user_id": u.pk, "roles": sorted(roles)}


# --- liaison persons ---------------------------------------------------------------------------


@router.get(
    "/liaisons",
    response={200: Page[LiaisonOut], **error_responses(403)},
    summary="联络员与分管领导（含历史）",
)
def liaison_list(
    request, filters: Query[LiaisonFilters], page: Query[PageParams], unmask: bool = False
):
    """Liaison persons and leaders in charge with their dated history; `current` for today's."""
    qs = selectors.liaison_list(
        user=request.auth,
        department_id=filters.department_id,
        kind=filters.kind,
        current_only=filters.current,
        on_date=filters.on_date,
    )
    out = paginate(qs, page)
    _unmask(request, unmask, "org.liaisonassignment", [la.pk for la in out["items"]])
    return out


@router.get(
    "/liaisons/{int:liaison_id}",
    response={200: LiaisonOut, **error_responses(403, 404)},
    summary="联络员任职详情",
)
def liaison_detail(request, liaison_id: int, unmask: bool = False):
    """One term of a liaison person or leader in charge."""
    la = selectors.liaison_get(user=request.auth, pk=liaison_id)
    _unmask(request, unmask, "org.liaisonassignment", [la.pk])
    return la


@router.post("/liaisons", response={201: LiaisonOut, **WRITE}, summary="任命联络员或分管领导")
def liaison_appoint(request, payload: LiaisonIn):
    """Name a department's liaison or leader in charge from a date; the predecessor's term ends."""
    dept = selectors.department_get(user=request.auth, pk=payload.department_id)
    user = None
    if payload.user_id is not None:
        user = selectors.user_list(user=request.auth).filter(pk=payload.user_id).first()
        if user is None:
            raise ValidationFailed("bad_user", "账号不存在", "user_id")
    la = services.liaison_appoint(
        actor=request.auth,
        department=dept,
        kind=payload.kind,
        name=payload.name,
        phone=payload.phone,
        valid_from=payload.valid_from,
        division=_division_of(request, payload.division_id),
        user=user,
        note=payload.note,
    )
    return Status(201, selectors.liaison_get(user=request.auth, pk=la.pk))


@router.post(
    "/liaisons/{int:liaison_id}/end",
    response={200: LiaisonOut, **WRITE},
    summary="免去联络员或分管领导",
)
def liaison_end(request, liaison_id: int, payload: LiaisonEndIn):
    """End a term without naming a successor."""
    la = selectors.liaison_get(user=request.auth, pk=liaison_id)
    services.liaison_end(actor=request.auth, liaison=la, valid_to=payload.valid_to)
    return selectors.liaison_get(user=request.auth, pk=la.pk)


# --- API tokens ------------------------------------------------------------------------------


@router.get(
    "/tokens", response={200: Page[TokenOut], **error_responses(403)}, summary="接口令牌列表"
)
def token_list(request, filters: Query[TokenFilters], page: Query[PageParams]):
    """Tokens of the caller's jurisdictions (security and audit administrators)."""
    qs = selectors.token_list(user=request.auth, filters=filters.dict())
    return paginate(qs, page)


@router.get(
    "/tokens/{int:token_id}",
    response={200: TokenOut, **error_responses(403, 404)},
    summary="接口令牌详情",
)
def token_detail(request, token_id: int):
    """One token (never its secret)."""
    return selectors.token_get(user=request.auth, pk=token_id)


@router.post(
    "/tokens",
    response={201: TokenCreated, **WRITE},
    summary="签发接口令牌（完整令牌仅返回一次）",
)
def token_create(request, payload: TokenIn):
    """Issue a token for a department's system; the plain token is in this answer only."""
    dept = selectors.department_get(user=request.auth, pk=payload.department_id)
    expires_at = payload.expires_at or (timezone.now() + dt.timedelta(days=payload.expires_in_days))
    tok, plain = services.token_create(
        actor=request.auth,
        department=dept,
        name=payload.name,
        roles={r.value for r in payload.roles},
        expires_at=expires_at,
        rate_limit_per_minute=payload.rate_limit_per_minute,
    )
    tok = selectors.token_get(user=request.auth, pk=tok.pk)
    tok.token = plain
    return Status(201, tok)


@router.post(
    "/tokens/{int:token_id}/revoke", response={200: TokenOut, **WRITE}, summary="吊销接口令牌"
)
def token_revoke(request, token_id: int):
    """Revoke a token at once; its next request answers 401."""
    tok = selectors.token_get(user=request.auth, pk=token_id)
    services.token_revoke(actor=request.auth, token=tok)
    return selectors.token_get(user=request.auth, pk=tok.pk)


# --- imports -------------------------------------------------------------------------------------

ImportKind = Literal["departments", "users", "roles", "liaisons"]


@router.get(
    "/import/{kind}/template",
    response={200: None, **error_responses(403)},
    summary="下载组织机构导入模板（xlsx）",
)
def import_template(request, kind: ImportKind):
    """An empty xlsx in the layout of an import, with notes of the accepted values."""
    if not request.auth.can(importers.REQUIRED_PERM[kind]):
        raise CorePermissionDenied("forbidden", "无权执行此导入")
    resp = HttpResponse(
        importers.template(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="org-{kind}-template.xlsx"'
    return resp


@router.post(
    "/import/{kind}",
    response={
        200: OrgImportOut,
        201: OrgImportOut,
        422: OrgImportErrorOut,
        **error_responses(400, 403),
    },
    summary="导入部门和科室、账号、账号角色或联络员（xlsx/csv；先试运行，全部通过才写入）",
)
def import_file(
    request,
    kind: ImportKind,
    file: Annotated[UploadedFile, File(description="xlsx 或 csv 文件")],
    dry_run: Annotated[bool, Form(description="只校验，不写入")] = True,
):
    """departments and users by the system administrator, roles (the accounts sheet) by the
    security administrator, liaisons by the system administrator: every problem by row and
    column, nothing written unless every row passes. New accounts come with one-time
    passwords, returned this once."""
    result = importers.org_import(
        actor=request.auth, kind=kind, source=file, filename=file.name or "", dry_run=dry_run
    )
    return Status(200 if dry_run else 201, result.as_dict())
