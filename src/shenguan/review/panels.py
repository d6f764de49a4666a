"""The blocks the review app adds to linkage's case and push pages, and its menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenguan.org.roles import BUREAU_ROLES, OVERSIGHT_ROLES, REGULATOR_ROLES, Perm

from . import selectors as sel
from .forms import RequestForm, WaiveForm
from .models import RequestState, Speciality


def record_panel(request, record) -> dict | None:
    """The case's technical opinion requests, with the request form for its bureau."""
    user = request.user
    reqs = list(sel.request_list(user=user, filters={"record_id": record.pk}))
    draws = list(sel.draw_list(user=user, filters={"record_id": record.pk}))
    notices = list(sel.notice_list(user=user, filters={"record_id": record.pk}))
    meetings = list(sel.meeting_list(user=user, filters={"record_id": record.pk}))
    own = user.department_id == record.department_id
    can_request = own and user.can(Perm.APPROVAL_RECORD) and record.state == "draft"
    if not (reqs or draws or notices or meetings or can_request):
        return None
    return {
        "record": record,
        "requests": reqs,
        "draws": draws,
        "notices": notices,
        "meetings": meetings,
        "can_notice": can_request and record.item.needs_public_notice,
        "regulators": _regulators(record) if can_request else [],
        "specialities": Speciality.choices,
        "request_form": RequestForm() if can_request else None,
        "waive_form": WaiveForm() if own and user.can(Perm.APPROVAL_COMPLETE) else None,
        "open": [r for r in reqs if r.state == RequestState.REQUESTED],
    }


def _regulators(record):
    from shenguan.org.models import Department
    from shenguan.org.roles import DepartmentKind

    return Department.objects.filter(
        jurisdiction_id=record.jurisdiction_id,
        active=True,
        kind__in=[DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT],
    ).order_by("sort_order", "id")


def push_panel(request, push) -> dict | None:
    """On a technical-opinion push: the request (and its opinion) with a link to answer it."""
    if push.kind not in ("tech_request", "tech_opinion"):
        return None
    r = sel.request_for_push(user=request.user, push=push)
    if r is None:
        return None
    return {"req": r}


def register_nav() -> None:
    from shenguan.core.navigation import NavEntry, register_nav

    group = _("审批过程审管互动")
    business = frozenset(BUREAU_ROLES | REGULATOR_ROLES | OVERSIGHT_ROLES)
    register_nav(
        NavEntry(
            label=_("技术审查函"),
            url_name="review:request_list",
            group=group,
            roles=business,
            order=70,
        )
    )
    register_nav(
        NavEntry(
            label=_("联审会"),
            url_name="review:meeting_list",
            group=group,
            roles=business,
            order=75,
        )
    )
    register_nav(
        NavEntry(
            label=_("审批公示"),
            url_name="review:notice_list",
            group=group,
            roles=business,
            order=74,
        )
    )
    register_nav(
        NavEntry(
            label=_("配发证照任务"),
            url_name="review:certificate_list",
            group=group,
            roles=business,
            order=73,
        )
    )
    register_nav(
        NavEntry(
            label=_("评审专家库"),
            url_name="review:expert_list",
            group=group,
            perm=Perm.CATALOG_READ,
            order=72,
        )
    )
    register_nav(
        NavEntry(
            label=_("技术性环节清单"),
            url_name="review:step_list",
            group=group,
            perm=Perm.CATALOG_READ,
            order=71,
        )
    )
