"""Writes to the organisation: jurisdictions, departments, users, roles, liaisons and tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.outbox.services import outbox_emit

from .models import (
    ApiToken,
    Department,
    Division,
    Jurisdiction,
    JurisdictionLevel,
    LiaisonAssignment,
    LiaisonKind,
    RoleAssignment,
    User,
)
from .roles import ADMIN_ROLES, ROLE_DEPARTMENT_KINDS, DepartmentKind, Perm, Role
from .validators import clean_name, clean_phone, clean_region_code, clean_uscc


def _require(actor, perm: str, jurisdiction_id: int | None = None) -> None:
    """Refuse unless the actor holds `perm` and, if given, can see the jurisdiction."""
    if actor is None:  # the system itself (migrations, demo loader)
        return
    if not actor.can(perm):
        raise PermissionDenied("forbidden", "无权执行此操作")
    if jurisdiction_id is not None and jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise PermissionDenied("forbidden_jurisdiction", "无权管理该行政区划的数据")


def _guard_admin_account(actor, target: User) -> None:
    """三权分立: the system administrator may not touch a security or audit administrator's
    account (reset its password, rename or deactivate it) — that would let it act as them."""
    if actor is None or getattr(actor, "pk", None) == target.pk:
        return
    if target.role_set & {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}:
        raise PermissionDenied(
            "separation_of_duties",
            "三权分立：不得修改安全管理员、审计管理员的账号；请由其本人或通过命令行处理",
        )


def _all_department_ids(jurisdiction_id: int) -> list[int]:
    return list(
        Department.objects.filter(jurisdiction_id=jurisdiction_id).values_list("pk", flat=True)
    )


def _emit_org(event_type: str, jurisdiction_id: int, payload: dict, aggregate) -> None:
    outbox_emit(
        event_type=event_type,
        jurisdiction_id=jurisdiction_id,
        payload=payload,
        department_ids=_all_department_ids(jurisdiction_id),
        aggregate=aggregate,
    )


# --- jurisdictions ---------------------------------------------------------------------------


def jurisdiction_create(
    *, actor, code: str, name: str, level: str, profile, parent: Jurisdiction | None = None
) -> Jurisdiction:
    """Create a jurisdiction (新增行政区划) under a parent, with a policy profile."""
    _require(actor, Perm.ORG_MANAGE, parent.pk if parent else None)
    if actor is not None and parent is None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("forbidden", "只有超级管理员可以新增顶级行政区划", "parent")
    code = clean_region_code(code)
    name = clean_name(name, "name", "名称")
    if level not in JurisdictionLevel.values:
        raise ValidationFailed("bad_level", "级别无效", "level")
    with transaction.atomic():
        if Jurisdiction.objects.filter(code=code).exists():
            raise Conflict("code_taken", f"行政区划代码 {code} 已存在", "code")
        j = Jurisdiction(code=code, name=name, level=level, parent=parent, profile=profile)
        j.path = (parent.path if parent else "/") + code + "/"
        j.save()
        audit_record(actor=actor, action="org.jurisdiction.create", obj=j, after=snapshot(j))
        _emit_org("org.jurisdiction.created", j.pk, {"id": j.pk, "code": code, "name": name}, j)
    return j


# --- departments and divisions ---------------------------------------------------------------


def department_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    name: str,
    kind: str,
    short_name: str = "",
    uscc: str = "",
    sort_order: int = 100,
) -> Department:
    """Create a department (新增部门) in a jurisdiction."""
    _require(actor, Perm.ORG_MANAGE, jurisdiction.pk)
    name = clean_name(name, "name", "部门名称")
    if kind not in DepartmentKind.values:
        raise ValidationFailed("bad_kind", "部门类型无效", "kind")
    uscc = clean_uscc(uscc)
    with transaction.atomic():
        if Department.objects.filter(jurisdiction=jurisdiction, name=name).exists():
            raise Conflict("name_taken", f"部门“{name}”已存在", "name")
        if (
            kind == DepartmentKind.BUREAU
            and Department.objects.filter(
                jurisdiction=jurisdiction, kind=DepartmentKind.BUREAU, active=True
            ).exists()
        ):
            raise Conflict("bureau_exists", "该行政区划已有行政审批局", "kind")
        d = Department.objects.create(
            jurisdiction=jurisdiction,
            name=name,
            kind=kind,
            short_name=short_name.strip(),
            uscc=uscc,
            sort_order=sort_order,
        )
        audit_record(actor=actor, action="org.department.create", obj=d, after=snapshot(d))
        _emit_org(
            "org.department.created",
            jurisdiction.pk,
            {"id": d.pk, "name": d.name, "kind": d.kind},
            d,
        )
    return d


_DEPT_EDITABLE = {"name", "short_name", "uscc", "sort_order", "active"}


def department_update(*, actor, department: Department, **changes) -> Department:
    """Edit a department's name, short name, code, order or active flag (修改部门)."""
    _require(actor, Perm.ORG_MANAGE, department.jurisdiction_id)
    unknown = set(changes) - _DEPT_EDITABLE
    if unknown:
        raise ValidationFailed(
            "bad_field", f"字段不可修改：{', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    if "name" in changes:
        changes["name"] = clean_name(changes["name"], "name", "部门名称")
    if "uscc" in changes:
        changes["uscc"] = clean_uscc(changes["uscc"])
    with transaction.atomic():
        dept = Department.objects.select_for_update().get(pk=department.pk)
        before = snapshot(dept)
        for k, v in changes.items():
            setattr(dept, k, v)
        if (
            "name" in changes
            and Department.objects.filter(jurisdiction_id=dept.jurisdiction_id, name=dept.name)
            .exclude(pk=dept.pk)
            .exists()
        ):
            raise Conflict("name_taken", f"部门“{dept.name}”已存在", "name")
        dept.save()
        after = snapshot(dept)
        audit_record(
            actor=actor, action="org.department.update", obj=dept, before=before, after=after
        )
        _emit_org(
            "org.department.updated",
            dept.jurisdiction_id,
            {"id": dept.pk, "changes": {k: after[k] for k in changes if k in after}},
            dept,
        )
    return dept


def division_create(*, actor, department: Department, name: str) -> Division:
    """Add a division (科室) to a department."""
    _require(actor, Perm.ORG_MANAGE, department.jurisdiction_id)
    name = clean_name(name, "name", "科室名称")
    with transaction.atomic():
        if Division.objects.filter(department=department, name=name).exists():
            raise Conflict("name_taken", f"科室“{name}”已存在", "name")
        div = Division.objects.create(
            jurisdiction_id=department.jurisdiction_id, department=department, name=name
        )
        audit_record(actor=actor, action="org.division.create", obj=div, after=snapshot(div))
        _emit_org(
            "org.division.created",
            department.jurisdiction_id,
            {"id": div.pk, "department_id": department.pk, "name": name},
            div,
        )
    return div


# --- users and roles -------------------------------------------------------------------------


def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    department: Department,
    password: str,
    phone: str = "",
    division: Division | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an account (新建账号) in a department; roles are granted separately. With
    must_change_password the password is a one-time password (初始密码)."""
    _require(actor, Perm.USER_MANAGE, department.jurisdiction_id)
    username = (username or "").strip()
    if not username or len(username) > 150 or not all(c.isalnum() or c in "._-@" for c in username):
        raise ValidationFailed(
            "bad_username", "用户名须为字母、数字或 ._-@，不超过150位", "username"
        )
    full_name = clean_name(full_name, "full_name", "姓名", 50)
    phone = clean_phone(phone, required=False)
    if division is not None and division.department_id != department.pk:
        raise ValidationFailed("bad_division", "科室不属于该部门", "division")
    user = User(
        username=username,
        full_name=full_name,
        department=department,
        division=division,
        phone=phone,
        must_change_password=must_change_password,
    )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("weak_password", "；".join(exc.messages), "password") from exc
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("username_taken", f"用户名“{username}”已存在", "username")
        user.set_password(password)
        try:
            user.save()
        except IntegrityError as exc:
            raise Conflict("username_taken", f"用户名“{username}”已存在", "username") from exc
        audit_record(
            actor=actor,
            action="org.user.create",
            obj=user,
            after=snapshot(user),
            jurisdiction_id=department.jurisdiction_id,
        )
    return user


def user_update(
    *,
    actor,
    user: User,
    full_name: str | None = None,
    phone: str | None = None,
    division: Division | None = None,
    is_active: bool | None = None,
) -> User:
    """Edit an account's name, phone, division or active flag (修改账号)."""
    _require(actor, Perm.USER_MANAGE, user.jurisdiction_id)
    _guard_admin_account(actor, user)
    with transaction.atomic():
        u = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(u)
        if full_name is not None:
            u.full_name = clean_name(full_name, "full_name", "姓名", 50)
        if phone is not None:
            u.phone = clean_phone(phone, required=False)
        if division is not None:
            if division.department_id != u.department_id:
                raise ValidationFailed("bad_division", "科室不属于该部门", "division")
            u.division = division
        if is_active is not None:
            if actor is not None and u.pk == actor.pk and not is_active:
                raise Conflict("self_deactivate", "不能停用自己的账号", "is_active")
            u.is_active = is_active
        u.save()
        audit_record(
            actor=actor,
            action="org.user.update",
            obj=u,
            before=before,
            after=snapshot(u),
            jurisdiction_id=u.jurisdiction_id,
        )
    return u


def user_set_password(*, actor, user: User, password: str) -> None:
    """Reset an account's password (重置密码); the system administrator or the user itself. A
    password set by someone else is a one-time password: the user must change it at the next
    login."""
    own = actor is not None and actor.pk == user.pk
    if actor is not None and not own:
        _require(actor, Perm.USER_MANAGE, user.jurisdiction_id)
        _guard_admin_account(actor, user)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("weak_password", "；".join(exc.messages), "password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = not own
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=actor,
            action="org.user.set_password",
            obj=user,
            after={"one_time": not own},
            jurisdiction_id=user.jurisdiction_id,
        )


def user_change_own_password(*, actor, old_password: str, new_password: str) -> None:
    """A user replaces its own password (修改密码), e.g. the one-time password of its first
    login: the current password is required, the new one must differ from it."""
    if actor is None or getattr(actor, "kind", "") != "user":
        raise PermissionDenied("forbidden", "只能修改自己账号的密码")
    user = User.objects.get(pk=actor.pk)
    if not user.check_password(old_password or ""):
        raise ValidationFailed("wrong_password", "当前密码不正确", "old_password")
    if old_password == new_password:
        raise ValidationFailed("same_password", "新密码不能与当前密码相同", "new_password")
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("weak_password", "；".join(exc.messages), "new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=actor,
            action="org.user.change_password",
            obj=user,
            jurisdiction_id=user.jurisdiction_id,
        )


def _check_roles(user: User, roles: set[str]) -> None:
    bad = roles - set(Role.values)
    if bad:
        raise ValidationFailed("bad_role", f"角色无效：{', '.join(sorted(bad))}", "roles")
    admin = roles & ADMIN_ROLES
    if admin and len(roles) > 1:
        raise ValidationFailed(
            "separation_of_duties",
            "三权分立：系统管理员、安全管理员、审计管理员只能单独授予，不得兼任其他角色",
            "roles",
        )
    if user.department_id is None:
        raise ValidationFailed("no_department", "账号未归属部门，不能授予角色", "department")
    kind = user.department.kind
    for r in roles:
        if kind not in ROLE_DEPARTMENT_KINDS[r]:
            raise ValidationFailed(
                "role_department_mismatch",
                f"角色“{Role(r).label}”不能授予{DepartmentKind(kind).label}的人员",
                "roles",
            )


def user_set_roles(*, actor, user: User, roles: set[str]) -> set[str]:
    """Set the roles of an account (授权); only the security administrator, never to itself."""
    _require(actor, Perm.ROLE_GRANT, user.jurisdiction_id)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("self_grant", "不能修改自己的角色", "roles")
    roles = {str(r) for r in roles}
    _check_roles(user, roles)
    with transaction.atomic():
        current = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        if current == roles:
            return roles
        RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
        granter = actor if getattr(actor, "kind", None) == "user" else None
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=r, granted_by=granter) for r in roles - current]
        )
        user.__dict__.pop("role_set", None)
        user.__dict__.pop("perms", None)
        user.__dict__.pop("visible_jurisdiction_ids", None)
        audit_record(
            actor=actor,
            action="org.user.set_roles",
            obj=user,
            before={"roles": sorted(current)},
            after={"roles": sorted(roles)},
            jurisdiction_id=user.jurisdiction_id,
        )
    return roles


# --- liaison persons and leaders in charge ---------------------------------------------------


def liaison_appoint(
    *,
    actor,
    department: Department,
    kind: str,
    name: str,
    phone: str,
    valid_from: dt.date,
    division: Division | None = None,
    user: User | None = None,
    note: str = "",
) -> LiaisonAssignment:
    """Name a department's liaison or leader in charge from a date; the predecessor's term ends."""
    _require(actor, Perm.ORG_MANAGE, department.jurisdiction_id)
    if kind not in LiaisonKind.values:
        raise ValidationFailed("bad_kind", "联络人类型无效", "kind")
    name = clean_name(name, "name", "姓名", 50)
    phone = clean_phone(phone)
    if division is not None and division.department_id != department.pk:
        raise ValidationFailed("bad_division", "科室不属于该部门", "division")
    if user is not None and user.department_id != department.pk:
        raise ValidationFailed("bad_user", "账号不属于该部门", "user")
    with transaction.atomic():
        current = list(
            LiaisonAssignment.objects.select_for_update().filter(
                department=department, kind=kind, division=division, valid_to__isnull=True
            )
        )
        for c in current:
            if c.valid_from > valid_from:
                raise ValidationFailed(
                    "date_before_current",
                    f"起始日期早于现任人员的起始日期 {c.valid_from}",
                    "valid_from",
                )
            c.valid_to = valid_from
            c.save(update_fields=["valid_to"])
            audit_record(
                actor=actor,
                action="org.liaison.end",
                obj=c,
                before={"valid_to": None},
                after={"valid_to": valid_from},
            )
        la = LiaisonAssignment.objects.create(
            jurisdiction_id=department.jurisdiction_id,
            department=department,
            kind=kind,
            name=name,
            phone=phone,
            division=division,
            user=user,
            valid_from=valid_from,
            note=note[:200],
        )
        audit_record(actor=actor, action="org.liaison.appoint", obj=la, after=snapshot(la))
        _emit_org(
            "org.liaison.appointed",
            department.jurisdiction_id,
            {
                "id": la.pk,
                "department_id": department.pk,
                "kind": kind,
                "name": name,
                "valid_from": valid_from,
                "replaced": [c.pk for c in current],
            },
            la,
        )
    return la


def liaison_end(*, actor, liaison: LiaisonAssignment, valid_to: dt.date) -> LiaisonAssignment:
    """End a liaison's term without a successor (免去联络员)."""
    _require(actor, Perm.ORG_MANAGE, liaison.jurisdiction_id)
    with transaction.atomic():
        liaison = LiaisonAssignment.objects.select_for_update().get(pk=liaison.pk)
        if liaison.valid_to is not None:
            raise Conflict("already_ended", "该人员任期已结束", "valid_to")
        if valid_to < liaison.valid_from:
            raise ValidationFailed("bad_date", "终止日期不得早于起始日期", "valid_to")
        liaison.valid_to = valid_to
        liaison.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="org.liaison.end",
            obj=liaison,
            before={"valid_to": None},
            after={"valid_to": valid_to},
        )
        _emit_org(
            "org.liaison.ended",
            liaison.jurisdiction_id,
            {"id": liaison.pk, "department_id": liaison.department_id, "valid_to": valid_to},
            liaison,
        )
    return liaison


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "sg_"  # noqa: S105 - a public marker, not a secret


def hash_secret(secret: str) -> str:
    """SHA-256 of a token secret (tokens are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def token_create(
    *,
    actor,
    department: Department,
    name: str,
    roles: set[str],
    expires_at: dt.datetime,
    rate_limit_per_minute: int | None = None,
) -> tuple[ApiToken, str]:
    """Issue a system client's token (签发令牌); the plain token is returned once, never stored."""
    _require(actor, Perm.TOKEN_MANAGE, department.jurisdiction_id)
    name = clean_name(name, "name", "名称")
    roles = {str(r) for r in roles}
    if not roles:
        raise ValidationFailed("roles_required", "请至少选择一个角色", "roles")
    if roles & ADMIN_ROLES:
        raise ValidationFailed("admin_role_token", "接口令牌不能授予管理员角色", "roles")
    bad = roles - set(Role.values)
    if bad:
        raise ValidationFailed("bad_role", f"角色无效：{', '.join(sorted(bad))}", "roles")
    for r in roles:
        if department.kind not in ROLE_DEPARTMENT_KINDS[r]:
            raise ValidationFailed(
                "role_department_mismatch", f"角色“{Role(r).label}”与部门类型不符", "roles"
            )
    now = timezone.now()
    if expires_at <= now:
        raise ValidationFailed("expired", "过期时间须晚于当前时间", "expires_at")
    if expires_at > now + dt.timedelta(days=366):
        raise ValidationFailed("too_long", "令牌有效期不得超过一年", "expires_at")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        tok = ApiToken.objects.create(
            jurisdiction_id=department.jurisdiction_id,
            department=department,
            name=name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            roles=sorted(roles),
            expires_at=expires_at,
            created_by=actor if getattr(actor, "kind", None) == "user" else None,
            rate_limit_per_minute=rate_limit_per_minute,
        )
        audit_record(actor=actor, action="org.token.create", obj=tok, after=snapshot(tok))
    return tok, f"{TOKEN_PREFIX}{prefix}_{secret}"


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once (吊销令牌)."""
    _require(actor, Perm.TOKEN_MANAGE, token.jurisdiction_id)
    with transaction.atomic():
        tok = ApiToken.objects.select_for_update().get(pk=token.pk)
        if tok.revoked_at is not None:
            raise Conflict("already_revoked", "该令牌已吊销")
        tok.revoked_at = timezone.now()
        tok.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="org.token.revoke",
            obj=tok,
            before={"revoked_at": None},
            after={"revoked_at": tok.revoked_at},
        )
    return tok


# --- login lockouts (django-axes) ------------------------------------------------------------


def lockout_reset(*, actor, user: User) -> int:
    """Unlock an account locked by repeated login failures (解除登录锁定); audited."""
    from axes.models import AccessAttempt

    _require(actor, Perm.LOCKOUT_MANAGE, user.jurisdiction_id)
    with transaction.atomic():
        rows = list(
            AccessAttempt.objects.filter(username=user.username).values_list(
                "ip_address", "failures_since_start"
            )
        )
        if not rows:
            raise Conflict("not_locked", "该账号没有登录失败记录", "username")
        AccessAttempt.objects.filter(username=user.username).delete()
        audit_record(
            actor=actor,
            action="org.lockout.reset",
            obj=user,
            jurisdiction_id=user.jurisdiction_id,
            before={"attempts": [{"ip": ip, "failures": n} for ip, n in rows]},
            after={"attempts": []},
        )
    return len(rows)


# --- personal data ---------------------------------------------------------------------------


def personal_data_unmask(*, actor, object_type: str, object_ids: list, fields: list[str]) -> None:
    """Record that an actor with the unmask right viewed personal data in full (查看完整信息)."""
    if not actor.can(Perm.UNMASK):
        raise PermissionDenied("forbidden_unmask", "无权查看完整的个人信息", "unmask")
    audit_record(
        actor=actor,
        action="personal.unmask",
        obj=(object_type, ",".join(map(str, object_ids))[:64]),
        after={"ids": list(object_ids)[:500], "fields": fields},
    )
