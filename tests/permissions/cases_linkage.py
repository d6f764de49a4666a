"""Permission-matrix cases of the linkage app (审管联动): pushes, records, licences, feedback,
notices and materials, through the API and the pages (see registry.py).

The rule, stated independently of the selectors: a push is seen by its sending and its
receiving department (business roles, which all hold push.read) and by oversight roles in
reach; a record or licence by the handling bureau, by the departments it was pushed to, and by
oversight; feedback by its sender and addressee; a notice by its sender and the departments it
was pushed to. Administrators (三权分立) see none of it.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from shenguan.catalog import services as cat
from shenguan.linkage import services as svc
from shenguan.linkage.models import ApprovalRecord, Licence, Material, Push
from shenguan.org.models import Department
from shenguan.org.roles import ADMIN_ROLES, DepartmentKind, Role

from .registry import Case, api_items_contain, in_reach, link_to, register, unique

API = "/api/v1/linkage"
OVERSIGHT = (Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF)
READERS = tuple(r for r in Role if r not in ADMIN_ROLES)  # every business role reads pushes
CLAIMERS = (Role.REGULATOR_LIAISON, Role.REGULATOR_LEADER)
PERSON_ID = "371502199801010010"


def reader(actor) -> bool:
    return actor.has(*READERS)


def page_reader(actor) -> bool:
    return actor.kind == "user" and reader(actor)


def _bureau(dept: Department) -> Department:
    return Department.objects.get(jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.BUREAU)


def _other_regulator(dept: Department) -> Department:
    return (
        Department.objects.filter(
            jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.REGULATOR
        )
        .exclude(pk=dept.pk)
        .order_by("id")
        .first()
    )


def _item(dept: Department, regulator: Department | None):
    """A transferred item of the jurisdiction routed to `regulator` (None: a supervision gap)."""
    original = regulator or _other_regulator(_bureau(dept))
    item = cat.item_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        name=unique("矩阵许可事项"),
        code=unique("MXLK"),
        original_department=original,
    )
    cat.transfer_record(
        actor=None, item=item, status="transferred", effective_on=dt.date(2020, 1, 1)
    )
    if regulator is not None:
        sup = cat.supervision_item_create(
            actor=None,
            jurisdiction=dept.jurisdiction,
            code=f"{unique('')[-6:]:0>6}LK00W0",
            name=unique("矩阵监管事项"),
            regulator=regulator,
        )
        cat.entry_create(
            actor=None,
            jurisdiction=dept.jurisdiction,
            item=item,
            regulator=regulator,
            supervision_items=[sup],
            valid_from=dt.date(2020, 1, 1),
            notify=False,
        )
    item.refresh_from_db()
    return item


def _record(dept: Department, regulator: Department | None, complete: bool = True):
    bureau = _bureau(dept)
    case = unique("MXCASE-")
    today = dt.date.today()
    rec = svc.record_create(
        actor=None,
        department=bureau,
        data={
            "item": _item(dept, regulator),
            "case_number": case,
            "applicant_kind": "person",
            "applicant_name": "矩阵申请人",
            "applicant_id_number": PERSON_ID,
            "accepted_on": today - dt.timedelta(days=2),
            "decided_on": today,
            "decision_number": f"矩阵〔2026〕{case}",
            "result": "granted",
            "licence_number": f"MXL-{case}",
        },
    )
    if complete:
        svc.complete_records(actor=None, records=[rec])
    return ApprovalRecord.objects.get(pk=rec.pk)


# --- pushes ------------------------------------------------------------------------------------


def make_push(world, dept):
    """A regulator owns an approval pushed to it; the bureau owns a feedback pushed to it."""
    if dept.kind == DepartmentKind.BUREAU:
        sender = _other_regulator(dept)
        fb = svc.feedback_create(
            actor=None,
            department=sender,
            kind="law_policy_change",
            title=unique("矩阵政策变动"),
            content="新标准施行",
            published_on=dt.date.today(),
        )
        return Push.objects.get(feedback=fb)
    rec = _record(dept, dept)
    return Push.objects.get(record=rec)


def push_visible(actor, p, world) -> bool:
    if not reader(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, p.jurisdiction)
    return actor.department.pk in (p.sender_department_id, p.addressee_department_id)


def _push_marker(p) -> str:
    return p.case_number or p.title


def _xlsx_contains(marker):
    def present(resp, obj) -> bool:
        ws = load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
        return any(
            marker(obj) in [str(c) for c in row if c is not None]
            for row in ws.iter_rows(values_only=True)
        )

    return present


register(
    Case(
        name="linkage.api.push.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/pushes?box=all&page_size=500",
        make=make_push,
        visible=push_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="linkage.api.push.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/pushes/{o.pk}",
        make=make_push,
        visible=push_visible,
    )
)
register(
    Case(
        name="linkage.page.push.list",
        kind="list",
        channel="page",
        url=lambda o: "/linkage/?box=all",
        make=make_push,
        visible=push_visible,
        allowed=page_reader,
        present=link_to("linkage:push_detail"),
    )
)
register(
    Case(
        name="linkage.page.push.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/pushes/{o.pk}/",
        make=make_push,
        visible=push_visible,
    )
)
register(
    Case(
        name="linkage.page.push.export",
        kind="export",
        channel="page",
        url=lambda o: "/linkage/export.xlsx?box=all",
        make=make_push,
        visible=push_visible,
        allowed=page_reader,
        present=_xlsx_contains(lambda p: p.title),
    )
)


# --- records, materials and licences -----------------------------------------------------------


def make_record(world, dept):
    """A regulator owns a record pushed to it; the bureau owns a supervision-gap record."""
    if dept.kind == DepartmentKind.BUREAU:
        return _record(dept, None)
    return _record(dept, dept)


def record_visible(actor, rec, world) -> bool:
    if not reader(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, rec.jurisdiction)
    pushed_to = set(
        Push.objects.filter(record=rec).values_list("addressee_department_id", flat=True)
    )
    return actor.department.pk == rec.department_id or actor.department.pk in pushed_to


def make_material(world, dept):
    rec = _record(dept, None if dept.kind == DepartmentKind.BUREAU else dept, complete=False)
    m = svc.material_add(
        actor=None,
        record=rec,
        kind="material",
        name="矩阵材料",
        filename="m.pdf",
        fileobj=io.BytesIO(b"%PDF-1.4 matrix"),
    )
    svc.complete_records(actor=None, records=[rec])
    return Material.objects.select_related("record").get(pk=m.pk)


def material_visible(actor, m, world) -> bool:
    return record_visible(actor, m.record, world)


def make_licence(world, dept):
    return Licence.objects.get(record=make_record(world, dept))


def licence_visible(actor, lic, world) -> bool:
    return record_visible(actor, lic.record, world)


register(
    Case(
        name="linkage.api.record.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/records?page_size=500",
        make=make_record,
        visible=record_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="linkage.api.record.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/records/{o.pk}",
        make=make_record,
        visible=record_visible,
    )
)
register(
    Case(
        name="linkage.api.record.suspensions",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/records/{o.pk}/suspensions",
        make=make_record,
        visible=record_visible,
    )
)
register(
    Case(
        name="linkage.page.record.list",
        kind="list",
        channel="page",
        url=lambda o: "/linkage/records/",
        make=make_record,
        visible=record_visible,
        allowed=page_reader,
        present=link_to("linkage:record_detail"),
    )
)
register(
    Case(
        name="linkage.page.record.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/records/{o.pk}/",
        make=make_record,
        visible=record_visible,
    )
)
register(
    Case(
        name="linkage.page.material.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/materials/{o.pk}/download",
        make=make_material,
        visible=material_visible,
    )
)
register(
    Case(
        name="linkage.api.licence.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/licences?page_size=500",
        make=make_licence,
        visible=licence_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="linkage.api.licence.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/licences/{o.pk}",
        make=make_licence,
        visible=licence_visible,
    )
)
register(
    Case(
        name="linkage.page.licence.list",
        kind="list",
        channel="page",
        url=lambda o: "/linkage/licences/",
        make=make_licence,
        visible=licence_visible,
        allowed=page_reader,
        present=link_to("linkage:licence_detail"),
    )
)
register(
    Case(
        name="linkage.page.licence.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/licences/{o.pk}/",
        make=make_licence,
        visible=licence_visible,
    )
)


# --- feedback and notices ----------------------------------------------------------------------


def make_feedback(world, dept):
    """A regulator owns the feedback it sent; the bureau owns one an enforcement agency sent."""
    if dept.kind == DepartmentKind.BUREAU:
        sender = Department.objects.get(
            jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.ENFORCEMENT
        )
    else:
        sender = dept
    return svc.feedback_create(
        actor=None,
        department=sender,
        kind="reward",
        title=unique("矩阵监管信息"),
        content="表彰",
        published_on=dt.date.today(),
    )


def feedback_visible(actor, fb, world) -> bool:
    if not reader(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, fb.jurisdiction)
    return actor.department.pk in (fb.sender_department_id, fb.addressee_department_id)


def make_notice(world, dept):
    """The bureau owns a copy it sent to a regulator; a regulator owns one it sent the bureau."""
    from shenguan.linkage.models import Notice

    if dept.kind == DepartmentKind.BUREAU:
        to = [_other_regulator(dept)]
        sender_role = Role.BUREAU_LIAISON
    else:
        to = [_bureau(dept)]
        sender_role = Role.REGULATOR_LIAISON
    sender = world.user_actor_in(dept, sender_role)
    if sender is None:  # the county regulator: a user of another role cannot send
        from tests import factories

        user = factories.user(dept, sender_role, username=unique("mxnotice"))
    else:
        user = sender.principal
    n = svc.notice_create(
        actor=user,
        kind="document_copy",
        title=unique("矩阵函告"),
        content="抄送",
        published_on=dt.date.today(),
        addressees=to,
    )
    return Notice.objects.get(pk=n.pk)


def notice_visible(actor, n, world) -> bool:
    if not reader(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, n.jurisdiction)
    to = set(Push.objects.filter(notice=n).values_list("addressee_department_id", flat=True))
    return actor.department.pk == n.sender_department_id or actor.department.pk in to


register(
    Case(
        name="linkage.api.feedback.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/feedback?page_size=500",
        make=make_feedback,
        visible=feedback_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="linkage.api.feedback.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/feedback/{o.pk}",
        make=make_feedback,
        visible=feedback_visible,
    )
)
register(
    Case(
        name="linkage.page.feedback.list",
        kind="list",
        channel="page",
        url=lambda o: "/linkage/feedback/",
        make=make_feedback,
        visible=feedback_visible,
        allowed=page_reader,
        present=link_to("linkage:feedback_detail"),
    )
)
register(
    Case(
        name="linkage.page.feedback.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/feedback/{o.pk}/",
        make=make_feedback,
        visible=feedback_visible,
    )
)
register(
    Case(
        name="linkage.api.notice.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/notices?page_size=500",
        make=make_notice,
        visible=notice_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="linkage.api.notice.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/notices/{o.pk}",
        make=make_notice,
        visible=notice_visible,
    )
)
register(
    Case(
        name="linkage.page.notice.list",
        kind="list",
        channel="page",
        url=lambda o: "/linkage/notices/",
        make=make_notice,
        visible=notice_visible,
        allowed=page_reader,
        present=link_to("linkage:notice_detail"),
    )
)
register(
    Case(
        name="linkage.page.notice.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/notices/{o.pk}/",
        make=make_notice,
        visible=notice_visible,
    )
)
