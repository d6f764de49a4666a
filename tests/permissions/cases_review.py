"""Permission-matrix cases of the review app (审批过程审管互动): the technical-step table and the
technical opinion requests, through the API and the pages (see registry.py).

The rules, stated independently of the selectors: the technical-step table is read by every
business role of the jurisdictions in reach (it is public like the catalogue); an opinion request
is read by the bureau that sent it, the department asked, and oversight roles of the
jurisdictions in reach. Administrators (三权分立) see none of it.
"""

from __future__ import annotations

import datetime as dt
import itertools

from shenguan.linkage import services as lsvc
from shenguan.org.roles import ADMIN_ROLES, DepartmentKind, Role
from shenguan.review import services as rsvc

from .cases_linkage import PERSON_ID, _bureau, _item, _other_regulator
from .registry import Case, api_items_contain, in_reach, register, text_contains, unique

API = "/api/v1/review"
OVERSIGHT = (Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF)
BUSINESS = tuple(r for r in Role if r not in ADMIN_ROLES)
_kinds = itertools.cycle(["site_inspection", "testing", "expert_review", "argumentation"])


def business(actor) -> bool:
    return actor.has(*BUSINESS)


def page_business(actor) -> bool:
    return actor.kind == "user" and business(actor)


def _step(dept, regulator):
    """A regulator step of a new item of the owner's jurisdiction."""
    item = _item(dept, regulator)
    return rsvc.step_create(
        actor=None,
        item=item,
        step_kind=next(_kinds),
        performer="regulator",
        department=regulator,
        procedure=unique("矩阵实施程序"),
        time_limit_days=5,
        valid_from=dt.date(2020, 1, 1),
    )


def make_step(world, dept):
    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    return _step(dept, regulator)


def step_visible(actor, s, world) -> bool:
    return business(actor) and in_reach(actor, s.jurisdiction)


def make_request(world, dept):
    """A request from the owner's bureau to the owner (the bureau: to another regulator)."""
    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    step = _step(dept, regulator)
    case = unique("MXRV-")
    rec = lsvc.record_create(
        actor=None,
        department=_bureau(dept),
        data={
            "item": step.item,
            "case_number": case,
            "applicant_kind": "person",
            "applicant_name": "矩阵申请人",
            "applicant_id_number": PERSON_ID,
            "accepted_on": dt.date(2026, 2, 2),
        },
    )
    return rsvc.opinion_request(actor=None, record=rec, step_kind=step.step_kind)


def request_visible(actor, r, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, r.jurisdiction)
    return actor.department.pk in (r.bureau_id, r.department_id)


register(
    Case(
        name="review.api.step.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/steps?item_id={o.item_id}",
        make=make_step,
        visible=step_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.step.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/steps/{o.pk}",
        make=make_step,
        visible=step_visible,
    )
)
register(
    Case(
        name="review.page.step.list",
        kind="list",
        channel="page",
        url=lambda o: "/review/steps/?step_kind=" + o.step_kind,
        make=make_step,
        visible=step_visible,
        allowed=page_business,
        present=text_contains(lambda o: o.procedure),
    )
)
register(
    Case(
        name="review.api.request.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/requests?record_id={o.record_id}",
        make=make_request,
        visible=request_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.request.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/requests/{o.pk}",
        make=make_request,
        visible=request_visible,
    )
)
register(
    Case(
        name="review.page.request.list",
        kind="list",
        channel="page",
        url=lambda o: f"/review/requests/?record={o.record_id}",
        make=make_request,
        visible=request_visible,
        present=text_contains(lambda o: f'href="/review/requests/{o.pk}/"'),
    )
)
register(
    Case(
        name="review.page.request.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/requests/{o.pk}/",
        make=make_request,
        visible=request_visible,
    )
)


# --- the expert pool and draws -------------------------------------------------------------------

_phones = itertools.count(1000)


def make_expert(world, dept):
    """An expert of the owner's jurisdiction, added by the system for the owner."""
    return rsvc.expert_create(
        actor=None,
        jurisdiction_id=dept.jurisdiction_id,
        department_id=dept.pk,
        data={
            "name": unique("矩阵专家"),
            "title": "senior",
            "employer": unique("矩阵设计院"),
            "phone": f"1390635{next(_phones):04d}",
            "review_due": dt.date(2099, 1, 1),
            "specialities": ["fire"],
        },
    )


def expert_visible(actor, e, world) -> bool:
    return business(actor) and in_reach(actor, e.jurisdiction)


def make_draw(world, dept):
    """A draw by the owner's bureau for its case (the owner a regulator: for its request)."""
    make_expert(world, dept)
    make_expert(world, dept)
    if dept.kind == DepartmentKind.BUREAU:
        r = make_request(world, _other_regulator(dept))
        return rsvc.draw_create(actor=None, record=r.record, needs={"fire": 1}, purpose="矩阵")
    r = make_request(world, dept)
    return rsvc.draw_create(
        actor=None, record=r.record, needs={"fire": 1}, purpose="矩阵", opinion_request=r
    )


def draw_visible(actor, d, world) -> bool:
    if actor.has(*OVERSIGHT) or actor.has(Role.AUDIT_ADMIN):
        return in_reach(actor, d.jurisdiction)
    if not business(actor):
        return False
    return actor.department.pk in (d.department_id, d.record.department_id)


register(
    Case(
        name="review.api.expert.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/experts?q={o.name}",
        make=make_expert,
        visible=expert_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.expert.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/experts/{o.pk}",
        make=make_expert,
        visible=expert_visible,
    )
)
register(
    Case(
        name="review.page.expert.list",
        kind="list",
        channel="page",
        url=lambda o: f"/review/experts/?q={o.name}",
        make=make_expert,
        visible=expert_visible,
        allowed=page_business,
        present=text_contains(lambda o: f'href="/review/experts/{o.pk}/"'),
    )
)
register(
    Case(
        name="review.page.expert.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/experts/{o.pk}/",
        make=make_expert,
        visible=expert_visible,
        allowed=page_business,
    )
)
register(
    Case(
        name="review.api.draw.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/draws?record_id={o.record_id}",
        make=make_draw,
        visible=draw_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.draw.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/draws/{o.pk}",
        make=make_draw,
        visible=draw_visible,
    )
)
register(
    Case(
        name="review.page.draw.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/draws/{o.pk}/",
        make=make_draw,
        visible=draw_visible,
    )
)


# --- certificates issued by regulators -----------------------------------------------------------


def make_certificate(world, dept):
    """A certificate task for the owner regulator (the bureau: for another regulator)."""
    from shenguan.catalog.models import LicensingItem
    from shenguan.review.models import CertificateTask

    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    item = _item(dept, regulator)
    LicensingItem.objects.filter(pk=item.pk).update(regulator_issues_certificate=True)
    case = unique("MXCT-")
    rec = lsvc.record_create(
        actor=None,
        department=_bureau(dept),
        data={
            "item": LicensingItem.objects.get(pk=item.pk),
            "case_number": case,
            "applicant_kind": "person",
            "applicant_name": "矩阵申请人",
            "applicant_id_number": PERSON_ID,
            "accepted_on": dt.date(2026, 2, 2),
            "decided_on": dt.date(2026, 3, 2),
            "decision_number": f"矩阵〔2026〕{case}",
            "result": "granted",
        },
    )
    lsvc.complete_records(actor=None, records=[rec])
    return CertificateTask.objects.get(record=rec)


def certificate_visible(actor, t, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, t.jurisdiction)
    return actor.department.pk in (t.department_id, t.bureau_id)


register(
    Case(
        name="review.api.certificate.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/certificates?record_id={o.record_id}",
        make=make_certificate,
        visible=certificate_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.certificate.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/certificates/{o.pk}",
        make=make_certificate,
        visible=certificate_visible,
    )
)
register(
    Case(
        name="review.page.certificate.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/certificates/{o.pk}/",
        make=make_certificate,
        visible=certificate_visible,
    )
)


# --- public notices --------------------------------------------------------------------------


def make_notice(world, dept):
    """A notice by the owner's bureau asking the owner (the bureau: another regulator)."""
    from shenguan.catalog.models import LicensingItem

    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    item = _item(dept, regulator)
    LicensingItem.objects.filter(pk=item.pk).update(needs_public_notice=True)
    rec = lsvc.record_create(
        actor=None,
        department=_bureau(dept),
        data={
            "item": LicensingItem.objects.get(pk=item.pk),
            "case_number": unique("MXPN-"),
            "applicant_kind": "person",
            "applicant_name": "矩阵申请人",
            "applicant_id_number": PERSON_ID,
            "accepted_on": dt.date(2026, 2, 2),
        },
    )
    return rsvc.notice_publish(
        actor=None,
        record=rec,
        title=unique("矩阵公示"),
        content="矩阵公示内容",
        period_unit="calendar",
        period_days=10,
        regulators=[regulator],
    )


def notice_visible(actor, n, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, n.jurisdiction)
    asked = set(n.parties.values_list("department_id", flat=True))
    return actor.department.pk == n.bureau_id or actor.department.pk in asked


register(
    Case(
        name="review.api.notice.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/notices?record_id={o.record_id}",
        make=make_notice,
        visible=notice_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.notice.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/notices/{o.pk}",
        make=make_notice,
        visible=notice_visible,
    )
)
register(
    Case(
        name="review.page.notice.list",
        kind="list",
        channel="page",
        url=lambda o: "/review/notices/",
        make=make_notice,
        visible=notice_visible,
        present=text_contains(lambda o: f'href="/review/notices/{o.pk}/"'),
    )
)
register(
    Case(
        name="review.page.notice.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/notices/{o.pk}/",
        make=make_notice,
        visible=notice_visible,
    )
)


# --- joint review meetings -------------------------------------------------------------------


def make_meeting(world, dept):
    """A meeting of the owner's bureau inviting the owner (the bureau: another regulator)."""
    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    r = make_request(world, regulator)
    return rsvc.meeting_convene(
        actor=None,
        records=[r.record],
        title=unique("矩阵联审会"),
        held_at=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC),
        agenda="矩阵议程",
        departments=[regulator],
        place="会议室",
    )


def meeting_visible(actor, m, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, m.jurisdiction)
    invited = set(m.invitees.values_list("department_id", flat=True))
    return actor.department.pk == m.bureau_id or actor.department.pk in invited


register(
    Case(
        name="review.api.meeting.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/meetings?record_id={o.cases.first().record_id}",
        make=make_meeting,
        visible=meeting_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="review.api.meeting.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/meetings/{o.pk}",
        make=make_meeting,
        visible=meeting_visible,
    )
)
register(
    Case(
        name="review.page.meeting.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/meetings/{o.pk}/",
        make=make_meeting,
        visible=meeting_visible,
    )
)
register(
    Case(
        name="review.page.meeting.minutes",
        kind="detail",
        channel="page",
        url=lambda o: f"/review/meetings/{o.pk}/minutes",
        make=make_meeting,
        visible=meeting_visible,
    )
)
