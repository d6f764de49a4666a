"""Pages of the policy app: profiles, a profile's parameters and history, clone, edit, assign,
and the administrator's explicit recompute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shenguan.core.errors import DomainError, NotFound
from shenguan.org.roles import Perm

from . import selectors
from .forms import AssignForm, CloneForm, ParamsForm, RecomputeForm
from .services import policy_assign, policy_clone, policy_recompute, policy_update


def _profile(request, code: str):
    try:
        return selectors.profile_get(user=request.user, code=code)
    except NotFound as exc:
        raise Http404 from exc


def _require_manage(request) -> None:
    if not request.user.can(Perm.POLICY_MANAGE):
        raise PermissionDenied


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def profile_list(request):
    """The policy profiles (政策配置列表)."""
    profiles = list(selectors.profile_list(user=request.user))
    for p in profiles:
        p.visible_jurisdictions = list(
            selectors.profile_jurisdictions(user=request.user, profile=p)
        )
    return render(
        request,
        "policy/list.html",
        {"profiles": profiles, "can_manage": request.user.can(Perm.POLICY_MANAGE)},
    )


@login_required
def profile_detail(request, code: str):
    """One profile (政策配置详情): every parameter, its source article, history, jurisdictions."""
    prof = _profile(request, code)
    rows = selectors.param_rows(prof)
    groups: list[dict] = []
    for r in rows:
        if not groups or groups[-1]["group"] != r["group"]:
            groups.append({"group": r["group"], "rows": []})
        groups[-1]["rows"].append(r)
    return render(
        request,
        "policy/detail.html",
        {
            "profile": prof,
            "groups": groups,
            "history": selectors.profile_history(user=request.user, profile=prof),
            "jurisdictions": selectors.profile_jurisdictions(user=request.user, profile=prof),
            "can_manage": request.user.can(Perm.POLICY_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_clone(request, code: str):
    """Clone a profile to a new code and name (复制配置)."""
    _require_manage(request)
    prof = _profile(request, code)
    form = CloneForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(name)s（副本）") % {"name": prof.name}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = policy_clone(actor=request.user, source=prof, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已复制为 %(code)s") % {"code": new.code})
            return redirect("policy:detail", code=new.code)
    return render(request, "policy/clone.html", {"profile": prof, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, code: str):
    """Edit a cloned profile's parameters; saving makes a new version (修改配置)."""
    _require_manage(request)
    prof = _profile(request, code)
    if prof.builtin:
        messages.error(request, _("内置配置不可修改，请先复制后再编辑"))
        return redirect("policy:detail", code=prof.code)
    current = prof.current_version.params
    form = ParamsForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            v = policy_update(
                actor=request.user,
                profile=prof,
                params=form.params(),
                note=form.cleaned_data.get("note", ""),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("已保存为第 %(n)s 版。已设定的时限不会改变；如需按新参数重算，请使用“重算时限”。")
                % {"n": v.number},
            )
            return redirect("policy:detail", code=prof.code)
    return render(request, "policy/edit.html", {"profile": prof, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_assign(request, code: str):
    """Put a jurisdiction under this profile (指定行政区划)."""
    _require_manage(request)
    prof = _profile(request, code)
    qs = selectors.assignable_jurisdictions(user=request.user)
    form = AssignForm(request.POST if request.method == "POST" else None, jurisdictions=qs)
    if request.method == "POST" and form.is_valid():
        j = form.cleaned_data["jurisdiction"]
        try:
            policy_assign(actor=request.user, jurisdiction=j, profile=prof)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(j)s 已改用 %(p)s。进行中的时限保持不变，如需按新配置重算，请使用“重算时限”。")
                % {"j": j.name, "p": prof.code},
            )
            return redirect("policy:detail", code=prof.code)
    return render(request, "policy/assign.html", {"profile": prof, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_recompute(request, code: str):
    """Recompute open deadlines under this profile, after an explicit confirmation (重算时限)."""
    _require_manage(request)
    prof = _profile(request, code)
    form = RecomputeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            n = policy_recompute(actor=request.user, profile=prof)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已重算：%(n)s 个进行中的时限发生变化") % {"n": n})
            return redirect("policy:detail", code=prof.code)
    return render(
        request,
        "policy/recompute.html",
        {
            "profile": prof,
            "form": form,
            "preview": selectors.recompute_preview(user=request.user, profile=prof),
            "jurisdictions": selectors.profile_jurisdictions(user=request.user, profile=prof),
        },
    )
