"""Permission-matrix cases of the oversight app (电子监察): alerts, supervision tasks,
bulletins, escalations and the indicators, through the API and the pages (see registry.py).

The rules, stated independently of the selectors: oversight roles read everything of the
jurisdictions in reach; a department reads the alerts and supervision tasks addressed to it;
every department of a jurisdiction reads its published bulletins, oversight its drafts too;
an escalation is read by oversight, by the bureau of its jurisdiction and by the department
under escalation; the indicators show every department to holders of the dashboard right and
the caller's own department to the others. Administrators (三权分立) see none of it.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

from openpyxl import load_workbook

from shenguan.linkage import services as lsvc
from shenguan.linkage.models import Push
from shenguan.org.models import Department
from shenguan.org.roles import ADMIN_ROLES, BUREAU_ROLES, DepartmentKind, Role
from shenguan.oversight import kinds as K
from shenguan.oversight import services as osvc
from shenguan.oversight.models import Alert, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .cases_linkage import PERSON_ID, _bureau, _item, _other_regulator
from .registry import (
    Case,
    api_items_contain,
    data_id,
    in_reach,
    register,
    text_contains,
    unique,
)

API = "/api/v1/oversight"
OVERSIGHT = (Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF)
BUSINESS = tuple(r for r in Role if r not in ADMIN_ROLES)
PAST = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
_quarters = itertools.count()


def business(actor) -> bool:
    return actor.has(*BUSINESS)


def page_user(actor) -> bool:
    return actor.kind == "user"


def _past_push(dept: Department) -> Push:
    """A push addressed to `dept`, pushed in the past and never claimed."""
    if dept.kind == DepartmentKind.BUREAU:
        fb = lsvc.feedback_create(
            actor=None,
            department=_other_regulator(dept),
            kind="law_policy_change",
            title=unique("矩阵政策变动"),
            content="新标准施行",
            published_on=dt.date(2026, 3, 2),
            at=PAST,
        )
        return Push.objects.get(feedback=fb)
    case = unique("MXOV-")
    rec = lsvc.record_create(
        actor=None,
        department=_bureau(dept),
        data={
            "item": _item(dept, dept),
            "case_number": case,
            "applicant_kind": "person",
            "applicant_name": "矩阵申请人",
            "applicant_id_number": PERSON_ID,
            "accepted_on": dt.date(2026, 2, 2),
            "decided_on": dt.date(2026, 3, 2),
            "decision_number": f"矩阵〔2026〕{case}",
            "result": "granted",
            "licence_number": f"MXOVL-{case}",
        },
    )
    lsvc.complete_records(actor=None, records=[rec], at=PAST)
    return Push.objects.get(record=rec, addressee_department=dept)


def make_alert(world, dept):
    """A red alert of `dept` (a push it left unclaimed), raised by the monitor."""
    p = _past_push(dept)
    monitor_sweep(kinds={K.PUSH_CLAIM, K.FEEDBACK_CLAIM}, since=PAST)
    return Alert.objects.get(object_id=p.pk, level="red")


def alert_visible(actor, a, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, a.jurisdiction)
    return actor.department.pk == a.department_id


def make_task(world, dept):
    """The supervision task of an approval claimed by `dept` (the bureau: by a regulator)."""
    owner = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    p = _past_push(owner)
    lsvc.push_claim(actor=None, push=p)
    osvc.supervision_tasks_open(push_ids=[p.pk])
    return SupervisionTask.objects.get(push=p)


def task_visible(actor, t, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, t.jurisdiction)
    return actor.department.pk == t.department_id


def make_bulletin(world, dept):
    """A bulletin of the owner's jurisdiction: a draft for the bureau, published otherwise."""
    n = next(_quarters)
    start = dt.date(2020 + n // 4, 1 + 3 * (n % 4), 1)
    b = osvc.bulletin_generate(actor=None, jurisdiction=dept.jurisdiction, period_start=start)
    if dept.kind != DepartmentKind.BUREAU:
        osvc.bulletin_review(actor=None, bulletin=b, remarks="矩阵审核")
        b = osvc.bulletin_publish(actor=None, bulletin=b)
    return b


def bulletin_visible(actor, b, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, b.jurisdiction)
    return b.state != "draft" and b.jurisdiction_id == actor.jurisdiction.pk


def make_escalation(world, dept):
    """A reminder to a regulator, or a referral of the bureau itself."""
    if dept.kind == DepartmentKind.BUREAU:
        return osvc.escalation_refer(
            actor=None, department=dept, basis="misconduct", summary=unique("矩阵问责")
        )
    return osvc.escalation_remind(actor=None, department=dept, summary=unique("矩阵提醒"))


def escalation_visible(actor, e, world) -> bool:
    if not business(actor):
        return False
    if actor.has(*OVERSIGHT):
        return in_reach(actor, e.jurisdiction)
    if actor.department.pk == e.department_id:
        return True
    return bool(actor.roles & BUREAU_ROLES) and actor.jurisdiction.pk == e.jurisdiction_id


def make_department(world, dept):
    return dept


def indicators_visible(actor, dept, world) -> bool:
    if actor.jurisdiction.pk != dept.jurisdiction_id or not business(actor):
        return False
    if actor.has(Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF, Role.BUREAU_HEAD):
        return True
    return actor.department.pk == dept.pk


def _rows_contain(resp, dept) -> bool:
    import json

    return any(r["department_id"] == dept.pk for r in json.loads(resp.content)["rows"])


def _xlsx_has_title(resp, b) -> bool:
    ws = load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
    return any(b.title in [str(c) for c in row if c] for row in ws.iter_rows(values_only=True))


for name, kind, channel, url, make, visible, extra in (
    (
        "alert.list",
        "list",
        "api",
        lambda o: f"{API}/alerts?page_size=500",
        make_alert,
        alert_visible,
        {"present": api_items_contain()},
    ),
    (
        "alert.detail",
        "detail",
        "api",
        lambda o: f"{API}/alerts/{o.pk}",
        make_alert,
        alert_visible,
        {},
    ),
    (
        "supervision.list",
        "list",
        "api",
        lambda o: f"{API}/supervision?page_size=500",
        make_task,
        task_visible,
        {"present": api_items_contain()},
    ),
    (
        "supervision.detail",
        "detail",
        "api",
        lambda o: f"{API}/supervision/{o.pk}",
        make_task,
        task_visible,
        {},
    ),
    (
        "bulletin.list",
        "list",
        "api",
        lambda o: f"{API}/bulletins?page_size=500",
        make_bulletin,
        bulletin_visible,
        {"present": api_items_contain()},
    ),
    (
        "bulletin.detail",
        "detail",
        "api",
        lambda o: f"{API}/bulletins/{o.pk}",
        make_bulletin,
        bulletin_visible,
        {},
    ),
    (
        "escalation.list",
        "list",
        "api",
        lambda o: f"{API}/escalations?page_size=500",
        make_escalation,
        escalation_visible,
        {"present": api_items_contain()},
    ),
    (
        "escalation.detail",
        "detail",
        "api",
        lambda o: f"{API}/escalations/{o.pk}",
        make_escalation,
        escalation_visible,
        {},
    ),
    (
        "indicators.list",
        "list",
        "api",
        lambda o: f"{API}/indicators",
        make_department,
        indicators_visible,
        {"present": _rows_contain},
    ),
):
    register(
        Case(
            name=f"oversight.api.{name}",
            kind=kind,
            channel=channel,
            url=url,
            make=make,
            visible=visible,
            **extra,
        )
    )
register(
    Case(
        name="oversight.api.bulletin.export",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/bulletins/{o.pk}/xlsx",
        make=make_bulletin,
        visible=bulletin_visible,
    )
)

for name, kind, url, make, visible, extra in (
    (
        "alert.list",
        "list",
        lambda o: "/oversight/alerts/",
        make_alert,
        alert_visible,
        {"present": text_contains(data_id), "allowed": page_user},
    ),
    (
        "alert.detail",
        "detail",
        lambda o: f"/oversight/alerts/{o.pk}/",
        make_alert,
        alert_visible,
        {},
    ),
    (
        "supervision.list",
        "list",
        lambda o: "/oversight/supervision/",
        make_task,
        task_visible,
        {"present": text_contains(data_id), "allowed": page_user},
    ),
    (
        "supervision.detail",
        "detail",
        lambda o: f"/oversight/supervision/{o.pk}/",
        make_task,
        task_visible,
        {},
    ),
    (
        "bulletin.list",
        "list",
        lambda o: "/oversight/bulletins/",
        make_bulletin,
        bulletin_visible,
        {"present": text_contains(data_id), "allowed": page_user},
    ),
    (
        "bulletin.detail",
        "detail",
        lambda o: f"/oversight/bulletins/{o.pk}/",
        make_bulletin,
        bulletin_visible,
        {},
    ),
    (
        "bulletin.export",
        "detail",
        lambda o: f"/oversight/bulletins/{o.pk}/bulletin.xlsx",
        make_bulletin,
        bulletin_visible,
        {},
    ),
    (
        "escalation.list",
        "list",
        lambda o: "/oversight/escalations/",
        make_escalation,
        escalation_visible,
        {"present": text_contains(data_id), "allowed": page_user},
    ),
    (
        "escalation.detail",
        "detail",
        lambda o: f"/oversight/escalations/{o.pk}/",
        make_escalation,
        escalation_visible,
        {},
    ),
):
    register(
        Case(
            name=f"oversight.page.{name}",
            kind=kind,
            channel="page",
            url=url,
            make=make,
            visible=visible,
            **extra,
        )
    )
