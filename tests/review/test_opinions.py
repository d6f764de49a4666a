"""Technical opinion requests (000 §18): deadline in working days (chinese-calendar is the
oracle), the case's approval limit extended by exactly the suspension, claims, the written
opinion flowing back, the decision refused while an opinion is outstanding, audit and outbox."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as lk_svc
from shenguan.linkage.models import ApprovalRecord, CaseSuspension, Push
from shenguan.outbox.models import OutboxEvent
from shenguan.review import services as svc
from shenguan.review.kinds import opinion_rows
from shenguan.review.models import OpinionRequest

from .conftest import moment

pytestmark = pytest.mark.django_db


def oracle_add(start: dt.date, n: int) -> dt.date:
    """n working days after the working day `start` (chinese-calendar)."""
    d = start
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def oracle_between(a: dt.date, b: dt.date) -> int:
    """Working days from a to b inclusive (chinese-calendar)."""
    return sum(
        1 for i in range((b - a).days + 1) if chinese_calendar.is_workday(a + dt.timedelta(i))
    )


def request(lk, case, at=None, kind="site_inspection"):
    return svc.opinion_request(
        actor=lk.users["approver"],
        record=case,
        step_kind=kind,
        question="请对经营场所进行现场勘验",
        at=at or moment(dt.date(2026, 9, 29)),
    )


def answer(lk, r, at=None, **over):
    kw = {
        "conclusion": "conditional",
        "reasons": "后厨排烟设施须于开业前整改到位",
        "performers": "李勘验、王技术",
        "signing_leader": "赵局长",
        "opinion_date": dt.date(2026, 10, 12),
        "attachments": [{"name": "现场勘验笔录.pdf", "sha256": "a" * 64}],
    }
    kw.update(over)
    return svc.opinion_answer(
        actor=lk.users["regulator_liaison"], request=r, at=at or moment(dt.date(2026, 10, 12)), **kw
    )


def test_deadline_before_national_day_lands_on_the_oracles_working_day(lk, case):
    r = request(lk, case)
    assert r.budget_days == 5
    assert r.start_date == dt.date(2026, 9, 29)
    assert r.due_date == oracle_add(dt.date(2026, 9, 29), 5)
    assert r.due_date > dt.date(2026, 10, 8)  # the holiday does not count
    push = Push.objects.get(pk=r.request_push_id)
    assert push.kind == "tech_request" and push.addressee_department_id == lk.reg_a.pk
    assert push.snapshot.data["record"]["case_number"] == "RV-1"
    assert push.snapshot.data["opinion_request"]["step_kind"] == "site_inspection"
    s = CaseSuspension.objects.get(pk=r.suspension_id)
    assert s.kind == "inspection" and s.started_on == dt.date(2026, 9, 29) and s.ended_on is None
    assert AuditEvent.objects.filter(action="review.opinion_request").count() == 1
    assert OutboxEvent.objects.filter(event_type="opinion_request.created").count() == 1


def test_approval_limit_is_extended_by_exactly_the_suspension(lk, case):
    from shenguan.catalog.models import LicensingItem
    from shenguan.oversight.kinds import approval_deadline_rows

    LicensingItem.objects.filter(pk=lk.food.pk).update(statutory_days=20)
    records = ApprovalRecord.objects.filter(pk=case.pk)
    (before,) = approval_deadline_rows(records, statutory=True)
    assert before.due_date == oracle_add(case.accepted_on, 20)
    r = request(lk, case)
    lk_svc.push_claim(
        actor=lk.users["regulator_liaison"],
        push=Push.objects.get(pk=r.request_push_id),
        at=moment(dt.date(2026, 9, 30)),
    )
    answer(lk, r)
    suspended = oracle_between(dt.date(2026, 9, 29), dt.date(2026, 10, 12))
    (after,) = approval_deadline_rows(records, statutory=True)
    assert after.suspended_days == suspended
    assert after.due_date == oracle_add(case.accepted_on, 20 + suspended)


def test_answer_flows_back_and_is_claimed_by_the_bureau(lk, case):
    r = request(lk, case)
    r = answer(lk, r)  # the liaison answers an unclaimed request: it claims it
    req_push = Push.objects.with_claim().get(pk=r.request_push_id)
    assert req_push.state == "claimed" and req_push.claimed_mode == "manual"
    assert r.state == "answered" and r.conclusion == "conditional" and not r.answer_late
    op = Push.objects.get(pk=r.opinion_push_id)
    assert op.kind == "tech_opinion" and op.direction == "to_bureau"
    assert op.addressee_department_id == lk.bureau.pk
    assert op.snapshot.data["opinion"]["signing_leader"] == "赵局长"
    assert CaseSuspension.objects.get(pk=r.suspension_id).ended_on == dt.date(2026, 10, 12)
    claimed = lk_svc.push_claim(actor=lk.users["bureau_liaison"], push=op)
    assert claimed.state == "claimed"
    assert AuditEvent.objects.filter(action="review.opinion_answer").count() == 1
    assert OutboxEvent.objects.filter(event_type="opinion.created").count() == 1
    assert OutboxEvent.objects.filter(event_type="opinion.claimed").count() == 1


def test_inspector_must_wait_for_the_claim(lk, case):
    r = request(lk, case)
    with pytest.raises(Conflict) as e:
        svc.opinion_answer(
            actor=lk.users["inspector"],
            request=r,
            conclusion="agree",
            performers="李勘验",
            signing_leader="赵局长",
            opinion_date=dt.date(2026, 10, 9),
            at=moment(dt.date(2026, 10, 9)),
        )
    assert e.value.code == "not_claimed"
    assert OpinionRequest.objects.get(pk=r.pk).state == "requested"


def test_case_cannot_be_decided_while_an_opinion_is_outstanding(lk, case):
    r = request(lk, case)
    with pytest.raises(Conflict) as e:
        lk_svc.record_update(
            actor=lk.users["approver"],
            record=case,
            data={"decided_on": dt.date(2026, 10, 9), "result": "granted"},
        )
    assert e.value.code == "opinion_outstanding"
    assert ApprovalRecord.objects.get(pk=case.pk).decided_on is None
    with pytest.raises(ValidationFailed):
        svc.opinion_waive(actor=lk.users["approver"], request=r, reason="  ")
    svc.opinion_waive(
        actor=lk.users["approver"],
        request=r,
        reason="申请人撤回现场勘验申请，依书面承诺审批",
        at=moment(dt.date(2026, 10, 9)),
    )
    assert CaseSuspension.objects.get(pk=r.suspension_id).ended_on == dt.date(2026, 10, 9)
    assert OutboxEvent.objects.filter(event_type="opinion_request.waived").count() == 1
    rec = lk_svc.record_update(
        actor=lk.users["approver"],
        record=case,
        data={"decided_on": dt.date(2026, 10, 9), "result": "refused"},
    )
    assert rec.decided_on == dt.date(2026, 10, 9)


def test_refusals_name_the_field_and_write_nothing(lk, case, steps):
    with pytest.raises(Conflict) as e:
        request(lk, case, kind="technical_review")  # the bureau does it itself
    assert e.value.code == "bureau_step"
    with pytest.raises(ValidationFailed) as e:
        request(lk, case, kind="hearing")
    assert e.value.field == "step_kind"
    with pytest.raises(PermissionDenied):
        svc.opinion_request(
            actor=lk.users["regulator_liaison"], record=case, step_kind="site_inspection"
        )
    r = request(lk, case)
    with pytest.raises(Conflict):
        request(lk, case)
    with pytest.raises(PermissionDenied):
        svc.opinion_answer(
            actor=lk.users["reg_b_liaison"]
            if "reg_b_liaison" in lk.users
            else lk.users["approver"],
            request=r,
            conclusion="agree",
            performers="x",
            signing_leader="y",
            opinion_date=dt.date(2026, 10, 9),
        )
    with pytest.raises(ValidationFailed) as e:
        answer(lk, r, conclusion="disagree", reasons="")
    assert e.value.field == "reasons"
    with pytest.raises(ValidationFailed) as e:
        answer(lk, r, opinion_date=dt.date(2026, 9, 1))
    assert e.value.field == "opinion_date"
    assert OpinionRequest.objects.get(pk=r.pk).state == "requested"
    assert OpinionRequest.objects.count() == 1 and CaseSuspension.objects.count() == 1


def test_monitor_rows_open_then_closed_late(lk, case):
    r = request(lk, case)
    (row,) = opinion_rows()
    assert row.department_id == lk.reg_a.pk and row.due_date == r.due_date
    assert row.closed_at is None and row.budget_days == 5
    late = moment(r.due_date + dt.timedelta(days=3))
    r = answer(lk, r, at=late, opinion_date=late.date())
    assert r.answer_late
    assert list(opinion_rows()) == []
    (closed,) = opinion_rows(open_only=False)
    assert closed.closed_at == late
