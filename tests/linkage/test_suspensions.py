"""The acceptance mode of a case, who decided it, and the suspensions of its approval time limit
(行政许可法第四十五条), counted in working days against chinese-calendar as the oracle."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import selectors as sel
from shenguan.linkage import services as svc
from shenguan.linkage.models import ApprovalRecord, CaseSuspension
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db


def draft(lk, case="SU-1", **over):
    return svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            lk.food,
            case,
            result="",
            decided_on=None,
            decision_number="",
            licence_number="",
            licence_valid_until=None,
            **over,
        ),
    )


def test_acceptance_mode_defaults_to_normal(lk):
    assert draft(lk).acceptance_mode == "normal"


def test_deficiency_needs_materials_and_a_date(lk):
    with pytest.raises(ValidationFailed) as e:
        draft(lk, acceptance_mode="deficiency")
    assert e.value.field == "deficiency_materials"
    with pytest.raises(ValidationFailed) as e:
        draft(lk, acceptance_mode="容缺受理", deficiency_materials="房屋租赁合同")
    assert e.value.field == "deficiency_due_date"
    rec = draft(
        lk,
        acceptance_mode="deficiency",
        deficiency_materials="房屋租赁合同",
        deficiency_due_date=dt.date.today() + dt.timedelta(days=5),
    )
    assert rec.acceptance_mode == "deficiency" and rec.deficiency_materials == "房屋租赁合同"


def test_commitment_needs_its_text_and_other_fields_are_cleared(lk):
    with pytest.raises(ValidationFailed) as e:
        draft(lk, acceptance_mode="commitment")
    assert e.value.field == "commitment_text"
    rec = draft(
        lk, acceptance_mode="commitment", commitment_text="承诺符合条件", deficiency_materials="x"
    )
    assert rec.commitment_text == "承诺符合条件" and rec.deficiency_materials == ""


def test_bad_acceptance_mode_names_the_field(lk):
    with pytest.raises(ValidationFailed) as e:
        draft(lk, acceptance_mode="vip")
    assert e.value.field == "acceptance_mode"
    assert not ApprovalRecord.objects.filter(case_number="SU-1").exists()


def test_decider_is_recorded_when_the_decision_is_entered(lk):
    rec = draft(lk)
    assert rec.decided_by_id is None and rec.decided_by_name == ""
    approver = lk.users["approver"]
    rec = svc.record_update(
        actor=approver,
        record=rec,
        data={"decided_on": dt.date.today(), "decision_number": "文1", "result": "granted"},
    )
    assert rec.decided_by_id == approver.pk and rec.decided_at is not None
    assert rec.created_by_id == lk.users["window_clerk"].pk


def test_suspension_lifecycle_is_audited(lk):
    rec = draft(lk)
    s = svc.suspension_start(
        actor=lk.users["approver"],
        record=rec,
        kind="expert_review",
        started_on=rec.accepted_on + dt.timedelta(days=1),
        reason="组织专家评审",
    )
    assert s.ended_on is None
    with pytest.raises(ValidationFailed):
        svc.suspension_end(actor=lk.users["approver"], suspension=s, ended_on=rec.accepted_on)
    svc.suspension_end(actor=lk.users["approver"], suspension=s, ended_on=dt.date.today())
    with pytest.raises(Conflict):
        svc.suspension_end(actor=lk.users["approver"], suspension=s, ended_on=dt.date.today())
    actions = list(
        AuditEvent.objects.filter(action__in=["approval.suspend", "approval.resume"])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["approval.suspend", "approval.resume"]


def test_suspension_refusals(lk):
    rec = draft(lk)
    with pytest.raises(PermissionDenied):
        svc.suspension_start(
            actor=lk.users["regulator_liaison"],
            record=rec,
            kind="hearing",
            started_on=rec.accepted_on,
            reason="听证",
        )
    with pytest.raises(ValidationFailed) as e:
        svc.suspension_start(
            actor=lk.users["approver"],
            record=rec,
            kind="hearing",
            started_on=rec.accepted_on - dt.timedelta(days=1),
            reason="听证",
        )
    assert e.value.field == "started_on"
    done = svc.record_create(
        actor=lk.users["approver"], data=record_data(lk.food, "SU-2"), complete=True
    )
    with pytest.raises(Conflict):
        svc.suspension_start(
            actor=lk.users["approver"],
            record=done,
            kind="hearing",
            started_on=done.accepted_on,
            reason="听证",
        )
    assert CaseSuspension.objects.count() == 0


def test_suspensions_are_seen_by_whoever_sees_the_case(lk, county_lk):
    rec = draft(lk)
    svc.suspension_start(
        actor=None, record=rec, kind="testing", started_on=rec.accepted_on, reason="检测"
    )
    assert sel.suspension_list(user=lk.users["approver"], record=rec).count() == 1
    assert sel.suspension_list(user=county_lk.users["approver"], record=rec).count() == 0


def oracle(periods, until):
    days = set()
    for a, b in periods:
        d = a
        end = min(b or until, until)
        while d <= end:
            days.add(d)
            d += dt.timedelta(days=1)
    return sum(1 for d in days if chinese_calendar.is_workday(d))


def test_national_day_suspension_counts_only_working_days():
    # 2025-09-29 (Mon) .. 2025-10-10 (Fri): 1–8 October are holidays, 28 Sep and 11 Oct make-up
    periods = [(dt.date(2025, 9, 29), dt.date(2025, 10, 10))]
    assert sel.suspended_working_days(periods, dt.date(2025, 12, 31)) == 4
    assert oracle(periods, dt.date(2025, 12, 31)) == 4


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 1)),
            st.integers(0, 40),
            st.booleans(),
        ),
        max_size=4,
    ),
    st.dates(dt.date(2024, 6, 1), dt.date(2025, 12, 31)),
)
def test_union_of_periods_matches_the_oracle(raw, until):
    periods = [(a, None if open_ else a + dt.timedelta(days=n)) for a, n, open_ in raw]
    assert sel.suspended_working_days(periods, until) == oracle(
        [(a, b) for a, b in periods if a <= until], until
    )
