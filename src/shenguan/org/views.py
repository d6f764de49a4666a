"""Pages of the organisation: departments, accounts, role grants, liaison persons, API tokens and
login lockouts. Reads go through selectors (another department's object is a 404), writes through
services; the three administrators (三权分立) each see only their own pages."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shenguan.audit.services import audit_denied
from shenguan.core.errors import DomainError
from shenguan.core.errors import PermissionDenied as CorePermissionDenied
from shenguan.core.masking import mask_phone

from . import selectors, services
from .forms import (
    ConfirmForm,
    DepartmentFilterForm,
    DepartmentForm,
    DivisionForm,
    JurisdictionForm,
    LiaisonEndForm,
    LiaisonFilterForm,
    LiaisonForm,
    OwnPasswordForm,
    PasswordForm,
    RolesForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    apply_domain_error,
)
from .models import LiaisonKind
from .roles import ADMIN_ROLES, ROLE_DEPARTMENT_KINDS, Perm, Role

PAGE_SIZE = 50


# --- helpers shared with the audit pages -------------------------------------------------------


def require_perm(*perms: str):
    """Let the view run only for a signed-in user holding one of `perms`; otherwise audit the
    denied attempt and answer 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.can(p) for p in perms):
                audit_denied(
                    actor=request.user,
                    action="page.denied",
                    obj=("page", request.path[:64]),
                    reason=",".join(perms),
                )
                raise DjangoPermissionDenied(_("无权访问此页面"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def page_of(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page with its (capped) total and page numbers (core.paging)."""
    from shenguan.core.paging import paginate

    return paginate(request, qs, size)


def _form_error(request, form, exc: DomainError) -> None:
    """Show a service's refusal on its field; a refused permission is also audited."""
    if isinstance(exc, CorePermissionDenied):
        audit_denied(
            actor=request.user,
            action=f"page.{request.resolver_match.url_name}",
            obj=("page", request.path[:64]),
            reason=exc.code,
        )
    apply_domain_error(form, exc)


def _unmask_requested(request, object_type: str, objects) -> bool:
    """Whether to show phones in full: asked for with ?unmask=1, allowed, and audited."""
    if request.GET.get("unmask") != "1" or not request.user.can(Perm.UNMASK):
        return False
    ids = [o.pk for o in objects]
    if ids:
        services.personal_data_unmask(
            actor=request.user, object_type=object_type, object_ids=ids, fields=["phone"]
        )
    return True


def _show_phones(rows, unmask: bool) -> None:
    for r in rows:
        r.phone_shown = r.phone if unmask else mask_phone(r.phone)


def _departments(user):
    return selectors.department_list(user=user, filters={"active": True})


def _manage_jurisdictions(user):
    return selectors.jurisdiction_list(user=user)


# --- departments -------------------------------------------------------------------------------


@login_required
def department_list(request):
    """The department directory (部门) by jurisdiction and kind."""
    form = DepartmentFilterForm(
        request.GET or None, jurisdictions=selectors.jurisdiction_list(user=request.user)
    )
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "jurisdiction_id": d["jurisdiction"].pk if d.get("jurisdiction") else None,
            "kind": d.get("kind") or None,
            "q": d.get("q") or None,
        }
    qs = selectors.department_list(user=request.user, filters=filters)
    return render(
        request,
        "org/department_list.html",
        {
            "form": form,
            "page": page_of(request, qs),
            "can_manage": request.user.can(Perm.ORG_MANAGE),
        },
    )


@login_required
def department_detail(request, pk: int):
    """A department with its divisions, current liaison and leader in charge, and their history."""
    dept = selectors.department_get(user=request.user, pk=pk)
    history = list(selectors.liaison_list(user=request.user, department_id=dept.pk))
    unmask = _unmask_requested(request, "org.liaisonassignment", history)
    _show_phones(history, unmask)
    current = [la for la in history if la.is_current]
    return render(
        request,
        "org/department_detail.html",
        {
            "dept": dept,
            "divisions": selectors.division_list(user=request.user, department_id=dept.pk),
            "current_liaisons": [la for la in current if la.kind == LiaisonKind.LIAISON],
            "current_leaders": [la for la in current if la.kind == LiaisonKind.LEADER],
            "history": history,
            "division_form": DivisionForm(),
            "can_manage": request.user.can(Perm.ORG_MANAGE),
            "can_unmask": request.user.can(Perm.UNMASK) and not unmask,
        },
    )


@require_perm(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def department_create(request):
    """Create a department (新增部门)."""
    form = DepartmentForm(request.POST or None, jurisdictions=_manage_jurisdictions(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            dept = services.department_create(
                actor=request.user,
                jurisdiction=d["jurisdiction"],
                name=d["name"],
                kind=d["kind"],
                short_name=d["short_name"],
                uscc=d["uscc"],
                sort_order=d["sort_order"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已新增部门“%(name)s”") % {"name": dept.name})
            return redirect("org:department_detail", pk=dept.pk)
    return render(request, "org/department_form.html", {"form": form, "dept": None})


@require_perm(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def department_edit(request, pk: int):
    """Edit a department (修改部门)."""
    dept = selectors.department_get(user=request.user, pk=pk)
    initial = {k: getattr(dept, k) for k in ("name", "short_name", "uscc", "sort_order", "active")}
    form = DepartmentForm(
        request.POST or None,
        initial=initial,
        editing=True,
        jurisdictions=_manage_jurisdictions(request.user),
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if initial.get(k) != v}
        try:
            if changes:
                services.department_update(actor=request.user, department=dept, **changes)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("org:department_detail", pk=dept.pk)
    return render(request, "org/department_form.html", {"form": form, "dept": dept})


@require_perm(Perm.ORG_MANAGE)
@require_POST
def division_create(request, pk: int):
    """Add a division (新增科室) to a department."""
    dept = selectors.department_get(user=request.user, pk=pk)
    form = DivisionForm(request.POST)
    if form.is_valid():
        try:
            services.division_create(
                actor=request.user, department=dept, name=form.cleaned_data["name"]
            )
            messages.success(request, _("已新增科室"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写科室名称"))
    return redirect("org:department_detail", pk=dept.pk)


@require_perm(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def jurisdiction_create(request):
    """Add a jurisdiction below one the administrator manages (新增下级行政区划)."""
    form = JurisdictionForm(request.POST or None, jurisdictions=_manage_jurisdictions(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            j = services.jurisdiction_create(
                actor=request.user,
                code=d["code"],
                name=d["name"],
                level=d["level"],
                profile=d["parent"].profile,
                parent=d["parent"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已新增行政区划“%(name)s”") % {"name": j.name})
            return redirect("org:department_list")
    return render(request, "org/jurisdiction_form.html", {"form": form})


# --- accounts ----------------------------------------------------------------------------------


@require_perm(Perm.USER_MANAGE, Perm.ROLE_GRANT)
def user_list(request):
    """Accounts (账号) of the administrator's jurisdictions, with filters."""
    form = UserFilterForm(request.GET or None, departments=_departments(request.user))
    filters = form.filters() if request.GET else {}
    qs = selectors.user_list(user=request.user, filters=filters)
    page = page_of(request, qs)
    unmask = _unmask_requested(request, "org.user", page["items"])
    _show_phones(page["items"], unmask)
    return render(
        request,
        "org/user_list.html",
        {
            "form": form,
            "page": page,
            "can_manage": request.user.can(Perm.USER_MANAGE),
            "can_grant": request.user.can(Perm.ROLE_GRANT),
        },
    )


@require_perm(Perm.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_create(request):
    """Create an account (新建账号)."""
    depts = _departments(request.user)
    form = UserCreateForm(
        request.POST or None,
        departments=depts,
        divisions=selectors.division_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            u = services.user_create(
                actor=request.user,
                username=d["username"],
                full_name=d["full_name"],
                department=d["department"],
                password=d["password1"],
                phone=d["phone"],
                division=d.get("division"),
            )
        except DomainError as exc:
            if exc.field == "password":
                exc.field = "password1"
            _form_error(request, form, exc)
        else:
            messages.success(
                request, _("已新建账号“%(u)s”。请联系安全管理员授予角色。") % {"u": u.username}
            )
            return redirect("org:user_edit", pk=u.pk)
    return render(request, "org/user_create.html", {"form": form})


@require_perm(Perm.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    """Edit an account (修改账号): name, phone, division; links to password reset and
    deactivation."""
    u = selectors.user_get(user=request.user, pk=pk)
    form = UserEditForm(
        request.POST or None,
        initial={"full_name": u.full_name, "division": u.division_id},
        divisions=selectors.division_list(user=request.user, department_id=u.department_id),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=u,
                full_name=d["full_name"],
                phone=d["phone"] or None,
                division=d.get("division"),
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("org:user_edit", pk=u.pk)
    u.phone_shown = mask_phone(u.phone)
    return render(
        request,
        "org/user_edit.html",
        {
            "u": u,
            "form": form,
            "roles": [Role(r).label for r in sorted(u.role_set)],
            "is_self": u.pk == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password (修改密码); required at the first login with a one-time
    password before any other page opens."""
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
            )
        except DomainError as exc:
            exc.field = {"new_password": "password1"}.get(exc.field, exc.field)
            _form_error(request, form, exc)
        else:
            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("home")
    return render(
        request,
        "org/password_change.html",
        {"form": form, "one_time": request.user.must_change_password},
    )


@require_perm(Perm.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_password(request, pk: int):
    """Reset an account's password (重置密码)."""
    u = selectors.user_get(user=request.user, pk=pk)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=u, password=form.cleaned_data["password1"]
            )
        except DomainError as exc:
            if exc.field == "password":
                exc.field = "password1"
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已重置密码"))
            return redirect("org:user_edit", pk=u.pk)
    return render(request, "org/user_password.html", {"u": u, "form": form})


@require_perm(Perm.USER_MANAGE)
@require_POST
def user_set_active(request, pk: int):
    """Deactivate or reactivate an account (停用/启用)."""
    u = selectors.user_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_update(actor=request.user, user=u, is_active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号已启用") if active else _("账号已停用"))
    return redirect("org:user_edit", pk=u.pk)


# --- role grants (security administrator) --------------------------------------------------------


@require_perm(Perm.ROLE_GRANT)
def role_list(request):
    """Role grants (角色授权): who holds which role, and the 三权分立 rule."""
    form = UserFilterForm(request.GET or None, departments=_departments(request.user))
    filters = form.filters() if request.GET else {}
    qs = selectors.user_list(user=request.user, filters=filters)
    return render(request, "org/role_list.html", {"form": form, "page": page_of(request, qs)})


@require_perm(Perm.ROLE_GRANT)
@require_http_methods(["GET", "POST"])
def user_roles(request, pk: int):
    """Set an account's roles (授权). The three administrator roles are exclusive and nobody
    grants roles to themselves."""
    u = selectors.user_get(user=request.user, pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(u.role_set)})
    kind = u.department.kind if u.department_id else None
    allowed = [r for r in Role if kind in ROLE_DEPARTMENT_KINDS[r]]
    form.fields["roles"].choices = [(r.value, r.label) for r in allowed]
    is_self = u.pk == request.user.pk
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(
                actor=request.user, user=u, roles=set(form.cleaned_data["roles"])
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已更新角色"))
            return redirect("org:user_roles", pk=u.pk)
    return render(
        request,
        "org/user_roles.html",
        {
            "u": u,
            "form": form,
            "is_self": is_self,
            "admin_roles": [Role(r).label for r in sorted(ADMIN_ROLES)],
        },
    )


# --- liaison persons ---------------------------------------------------------------------------


@login_required
def liaison_list(request):
    """Liaison persons and leaders in charge (联络员/分管领导): current, or with their history."""
    form = LiaisonFilterForm(request.GET or None, departments=_departments(request.user))
    d = form.cleaned_data if form.is_valid() else {}
    qs = selectors.liaison_list(
        user=request.user,
        department_id=d["department"].pk if d.get("department") else None,
        kind=d.get("kind") or None,
        current_only=not d.get("history"),
    )
    page = page_of(request, qs)
    unmask = _unmask_requested(request, "org.liaisonassignment", page["items"])
    _show_phones(page["items"], unmask)
    return render(
        request,
        "org/liaison_list.html",
        {
            "form": form,
            "page": page,
            "can_manage": request.user.can(Perm.ORG_MANAGE),
            "can_unmask": request.user.can(Perm.UNMASK) and not unmask,
        },
    )


@require_perm(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def liaison_appoint(request):
    """Appoint a liaison person or leader in charge from a date (任命)."""
    depts = _departments(request.user)
    initial = {}
    if request.GET.get("department", "").isdigit():
        initial["department"] = int(request.GET["department"])
    if request.GET.get("kind") in LiaisonKind.values:
        initial["kind"] = request.GET["kind"]
    form = LiaisonForm(
        request.POST or None,
        initial=initial,
        departments=depts,
        divisions=selectors.division_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            la = services.liaison_appoint(
                actor=request.user,
                department=d["department"],
                kind=d["kind"],
                name=d["name"],
                phone=d["phone"],
                valid_from=d["valid_from"],
                division=d.get("division"),
                note=d.get("note") or "",
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已任命，前任的任期自同日结束"))
            return redirect("org:department_detail", pk=la.department_id)
    return render(request, "org/liaison_form.html", {"form": form})


@require_perm(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def liaison_end(request, pk: int):
    """End a term without a successor (免去)."""
    la = selectors.liaison_get(user=request.user, pk=pk)
    form = LiaisonEndForm(request.POST or None, initial={"valid_to": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_end(
                actor=request.user, liaison=la, valid_to=form.cleaned_data["valid_to"]
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("已免去"))
            return redirect("org:department_detail", pk=la.department_id)
    la.phone_shown = mask_phone(la.phone)
    return render(request, "org/liaison_end.html", {"la": la, "form": form})


# --- API tokens (security administrator; the audit administrator reads) --------------------------


@require_perm(Perm.TOKEN_MANAGE, Perm.AUDIT_VIEW)
def token_list(request):
    """API tokens (接口令牌) of the administrator's jurisdictions."""
    show = request.GET.get("show", "active")
    filters = {"active": True} if show == "active" else {}
    qs = selectors.token_list(user=request.user, filters=filters)
    page = page_of(request, qs)
    for t in page["items"]:
        t.role_labels = [Role(r).label for r in t.roles]
    return render(
        request,
        "org/token_list.html",
        {
            "page": page,
            "show": show,
            "now": timezone.now(),
            "can_manage": request.user.can(Perm.TOKEN_MANAGE),
        },
    )


@require_perm(Perm.TOKEN_MANAGE, Perm.AUDIT_VIEW)
def token_detail(request, pk: int):
    """One token: who, which roles, until when, last used (never its secret)."""
    tok = selectors.token_get(user=request.user, pk=pk)
    return render(
        request,
        "org/token_detail.html",
        {
            "tok": tok,
            "roles": [Role(r).label for r in tok.roles],
            "can_manage": request.user.can(Perm.TOKEN_MANAGE),
        },
    )


@require_perm(Perm.TOKEN_MANAGE)
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    """Issue a token; the plain token is shown on the next page once and never again."""
    form = TokenForm(request.POST or None, departments=_departments(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            tok, plain = services.token_create(
                actor=request.user,
                department=d["department"],
                name=d["name"],
                roles=set(d["roles"]),
                expires_at=timezone.now() + dt.timedelta(days=d["expires_in_days"]),
                rate_limit_per_minute=d.get("rate_limit_per_minute"),
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            response = render(request, "org/token_created.html", {"tok": tok, "plain": plain})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "org/token_form.html", {"form": form})


@require_perm(Perm.TOKEN_MANAGE)
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """Revoke a token after an explicit confirmation (吊销)."""
    tok = selectors.token_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.token_revoke(actor=request.user, token=tok)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("令牌已吊销，使用它的请求将被拒绝"))
        return redirect("org:token_detail", pk=tok.pk)
    return render(request, "org/token_revoke.html", {"tok": tok, "form": form})


# --- login lockouts (security administrator) ----------------------------------------------------


@require_perm(Perm.LOCKOUT_MANAGE)
def lockout_list(request):
    """Login failures and lockouts (登录锁定) of the administrator's accounts (django-axes)."""
    locked_only = request.GET.get("locked") == "1"
    qs = selectors.lockout_list(
        user=request.user, filters={"q": request.GET.get("q") or None, "locked": locked_only}
    )
    page = page_of(request, qs)
    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    now = timezone.now()
    for a in page["items"]:
        a.locked = (
            a.failures_since_start >= settings.AXES_FAILURE_LIMIT and a.attempt_time > now - cooloff
        )
        a.unlocks_at = a.attempt_time + cooloff
    return render(
        request,
        "org/lockout_list.html",
        {
            "page": page,
            "limit": settings.AXES_FAILURE_LIMIT,
            "locked_only": locked_only,
            "q": request.GET.get("q", ""),
        },
    )


@require_perm(Perm.LOCKOUT_MANAGE)
@require_POST
def lockout_unlock(request):
    """Clear an account's login failures so it can sign in again (解除锁定); audited."""
    u = selectors.lockout_user(user=request.user, username=request.POST.get("username", ""))
    try:
        n = services.lockout_reset(actor=request.user, user=u)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已解除“%(u)s”的登录锁定（清除 %(n)s 条记录）") % {"u": u.username, "n": n}
        )
    return redirect("org:lockout_list")
