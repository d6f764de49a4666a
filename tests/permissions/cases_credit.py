"""Permission-matrix cases of the credit app (信用联动): 双公示 records, the warning library and
告知承诺 verification tasks, through the API and the pages (see registry.py).

The rules, stated independently of the selectors: every business role reads credit
information of its own jurisdiction (oversight roles: the jurisdictions in reach); 双公示
records are read by the responsible department, and by the bureau's credit managers (liaison,
head) for their whole jurisdiction; a verification task is read by the verifying regulator and
the bureau that approved. Administrators (三权分立) see none of it.
"""

from __future__ import annotations

import datetime as dt

from shenguan.credit.models import CommitmentTask, CreditRecord
from shenguan.credit.services import warning_add_system
from shenguan.linkage import services as lsvc
from shenguan.org.models import Department
from shenguan.org.roles import ADMIN_ROLES, DepartmentKind, Role

from .cases_linkage import PERSON_ID, _bureau, _item, _other_regulator
from .registry import Case, api_items_contain, in_reach, register, unique

API = "/api/v1/credit"
OVERSIGHT = (Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF)
READERS = tuple(r for r in Role if r not in ADMIN_ROLES)
MANAGERS = (Role.BUREAU_LIAISON, Role.BUREAU_HEAD)


def reader(actor) -> bool:
    return actor.has(*READERS)


def page_reader(actor) -> bool:
    return actor.kind == "user" and reader(actor)


def _case(dept: Department, regulator: Department, mode: str = "normal"):
    bureau = _bureau(dept)
    case = unique("MXCR-")
    today = dt.date.today()
    data = {
        "item": _item(dept, regulator),
        "case_number": case,
        "applicant_kind": "person",
        "applicant_name": "矩阵信用申请人",
        "applicant_id_number": PERSON_ID,
        "accepted_on": today - dt.timedelta(days=2),
        "decided_on": today,
        "decision_number": f"矩阵信〔2026〕{case}",
        "result": "granted",
        "licence_number": f"MXC-{case}",
        "acceptance_mode": mode,
    }
    if mode == "commitment":
        data["commitment_text"] = "承诺三个月内补交检测报告"
    rec = lsvc.record_create(actor=None, department=bureau, data=data)
    lsvc.complete_records(actor=None, records=[rec])
    return rec


# --- 双公示 records ----------------------------------------------------------------------------


def make_credit_record(world, dept):
    """The bureau owns a licence record; a regulator owns a penalty record it decided."""
    if dept.kind == DepartmentKind.BUREAU:
        rec = _case(dept, _other_regulator(dept))
        return CreditRecord.objects.get(kind="licence", record_id=rec.pk)
    fb = lsvc.feedback_create(
        actor=None,
        department=dept,
        kind="penalty",
        title=unique("矩阵处罚"),
        content="责令改正并处罚款",
        published_on=dt.date.today(),
        document_number=unique("矩阵罚"),
    )
    return CreditRecord.objects.get(kind="penalty", feedback_id=fb.pk)


def credit_record_visible(actor, r, world) -> bool:
    if actor.has(*OVERSIGHT):
        return in_reach(actor, r.jurisdiction)
    if not reader(actor):
        return False
    if actor.has(*MANAGERS):
        return r.jurisdiction_id == actor.department.jurisdiction_id
    return r.department_id == actor.department.pk


register(
    Case(
        name="credit.api.record.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/records?page_size=500",
        make=make_credit_record,
        visible=credit_record_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="credit.api.record.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/records/{o.pk}",
        make=make_credit_record,
        visible=credit_record_visible,
    )
)
register(
    Case(
        name="credit.page.record.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/credit/records/{o.pk}/",
        make=make_credit_record,
        visible=credit_record_visible,
    )
)

# --- warning library -----------------------------------------------------------------------------


def make_warning(world, dept):
    return warning_add_system(
        jurisdiction_id=dept.jurisdiction_id,
        code=PERSON_ID,
        subject_name=unique("矩阵警示"),
        subject_kind="person",
        reason_kind="fraud",
        reason="申请中提交虚假材料",
        source_type="matrix",
        source_id=int(unique("")[-8:] or 1),
    )


def warning_visible(actor, w, world) -> bool:
    return reader(actor) and in_reach(actor, w.jurisdiction)


register(
    Case(
        name="credit.api.warning.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/warnings?page_size=500",
        make=make_warning,
        visible=warning_visible,
        allowed=reader,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="credit.api.warning.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/warnings/{o.pk}",
        make=make_warning,
        visible=warning_visible,
        allowed=reader,
    )
)

# --- 告知承诺 verification ------------------------------------------------------------------------


def make_commitment(world, dept):
    """A regulator owns the task addressed to it; the bureau owns the case it approved."""
    regulator = _other_regulator(dept) if dept.kind == DepartmentKind.BUREAU else dept
    rec = _case(dept, regulator, "commitment")
    return CommitmentTask.objects.get(record_id=rec.pk)


def commitment_visible(actor, t, world) -> bool:
    if actor.has(*OVERSIGHT):
        return in_reach(actor, t.jurisdiction)
    if not reader(actor):
        return False
    return actor.department.pk in (t.department_id, t.record.department_id)


register(
    Case(
        name="credit.api.commitment.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/commitments?page_size=500",
        make=make_commitment,
        visible=commitment_visible,
        present=api_items_contain(),
    )
)
register(
    Case(
        name="credit.page.commitment.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/credit/commitments/{o.pk}/",
        make=make_commitment,
        visible=commitment_visible,
    )
)
