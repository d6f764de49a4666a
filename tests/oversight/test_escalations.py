"""Escalation (002 §23–24): reminder from a bulletin → no improvement in the next quarter →
约谈 → no improvement after it → referral to the discipline office → outcome; each step with a
deadline and a document, visible to the right roles only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage.sweeps import push_auto_claim_due
from shenguan.oversight import selectors as sel
from shenguan.oversight import services as osvc
from shenguan.oversight.documents import step_pdf
from shenguan.oversight.models import Escalation, EscalationStep

from .helpers import approve, at

pytestmark = pytest.mark.django_db


def _late_quarter(lk, year: int, month: int, n: int = 6) -> None:
    """n approvals pushed to reg_a in a quarter and left to the timeout sweep."""
    for i in range(n):
        approve(lk, lk.food, when=at(year, month + i % 3, 3 + i, 10))
    push_auto_claim_due(now=at(year, month + 3, 1, 0, 5) if month < 10 else at(year + 1, 1, 1))


def _publish(lk, start: dt.date, as_of: dt.datetime):
    reform = lk.extra["world"].users["reform_staff"]
    b = osvc.bulletin_generate(actor=reform, jurisdiction=lk.j, period_start=start, as_of=as_of)
    osvc.bulletin_review(actor=reform, bulletin=b, remarks="已核对")
    return osvc.bulletin_publish(actor=reform, bulletin=b)


def _sees(user, esc) -> bool:
    return sel.escalation_list(user=user).filter(pk=esc.pk).exists()


def _levels_seen(user, esc) -> set[str]:
    return set(sel.escalation_steps(user=user, escalation=esc).values_list("level", flat=True))


def test_reminder_then_interview_then_referral_then_outcome(lk, county_lk):
    world = lk.extra["world"]
    head, reform = world.users["bureau_head"], world.users["reform_staff"]
    discipline = world.users["discipline_inspector"]
    liaison_a, liaison_b = world.users["regulator_liaison"], world.users["reg_b_liaison"]
    _late_quarter(lk, 2026, 1)
    q1 = _publish(lk, dt.date(2026, 1, 1), at(2026, 4, 2, 9))
    row = next(r for r in q1.figures["rows"] if r["department_id"] == lk.reg_a.pk)
    assert row["reminder_suggested"] and row["auto_claimed"] == 6
    # only the bureau reminds, and only a department of its jurisdiction
    with pytest.raises(PermissionDenied):
        osvc.escalation_remind(actor=reform, department=lk.reg_a, summary="x", bulletin=q1)
    with pytest.raises(ValidationFailed) as e:
        osvc.escalation_remind(actor=head, department=lk.reg_a, summary="", bulletin=q1)
    assert e.value.field == "summary"
    esc = osvc.escalation_remind(
        actor=head,
        department=lk.reg_a,
        summary="一季度超时自动认领6条，超期认领情况严重",
        rectify_days=10,
        bulletin=q1,
    )
    (reminder,) = EscalationStep.objects.filter(escalation=esc)
    assert reminder.deadline.budget_days == 10 and reminder.document_number.startswith("审管督提")
    assert lk.reg_a.name in reminder.document_text and "第二十三条" in reminder.document_text
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(step_pdf(reminder))).pages)
    assert "审管互动履职提醒函" in text and lk.reg_a.name in text.replace("\n", "")
    with pytest.raises(Conflict):  # one open escalation per department
        osvc.escalation_remind(actor=head, department=lk.reg_a, summary="再次", bulletin=q1)
    # Q2: no improvement → 约谈 by the government office
    _late_quarter(lk, 2026, 4)
    _publish(lk, dt.date(2026, 4, 1), at(2026, 7, 2, 9))
    esc.refresh_from_db()
    assert esc.level == "interview" and esc.state == "open"
    interview = EscalationStep.objects.get(escalation=esc, level="interview")
    assert interview.state == "pending" and interview.issued_by_department.kind == "GOV_OFFICE"
    reminder.refresh_from_db()
    assert reminder.state == "done" and reminder.deadline.state != "open"
    with pytest.raises(PermissionDenied):
        osvc.escalation_interview(
            actor=head, escalation=esc, meeting_date=dt.date.today(), attendees="a", commitments="b"
        )
    osvc.escalation_interview(
        actor=reform,
        escalation=esc,
        meeting_date=dt.date.today(),
        attendees="市政府办公室副主任、市市场监督管理局局长、分管副局长",
        commitments="一周内明确专人每日认领，逾期认领清零",
    )
    interview.refresh_from_db()
    assert interview.state == "done" and "整改承诺" in interview.record_text
    # Q3: still no improvement after the 约谈 → referred to the discipline office
    _late_quarter(lk, 2026, 7)
    _publish(lk, dt.date(2026, 7, 1), at(2026, 10, 9, 9))
    esc.refresh_from_db()
    assert esc.level == "accountability"
    referral = EscalationStep.objects.get(escalation=esc, level="accountability")
    assert referral.issued_by_department.kind == "DISCIPLINE"
    assert "第二十四条" in referral.document_text
    # who sees what
    assert all(_sees(u, esc) for u in (head, reform, discipline, liaison_a))
    assert not _sees(liaison_b, esc)
    assert not _sees(world.county_users["discipline_inspector"], esc)
    assert not _sees(world.county_users["regulator_liaison"], esc)
    assert _levels_seen(head, esc) == {"reminder", "interview"}  # not the 问责
    assert _levels_seen(liaison_a, esc) == {"reminder", "interview", "accountability"}
    assert _levels_seen(discipline, esc) == {"reminder", "interview", "accountability"}
    with pytest.raises(PermissionDenied):
        osvc.escalation_decide(actor=reform, escalation=esc, outcome="x")
    osvc.escalation_decide(
        actor=discipline, escalation=esc, outcome="对分管副局长进行诫勉谈话，责令书面检查"
    )
    esc.refresh_from_db()
    assert esc.state == "concluded" and esc.closed_at
    actions = set(
        AuditEvent.objects.filter(object_type__startswith="oversight.escalation").values_list(
            "action", flat=True
        )
    )
    assert {
        "escalation.remind",
        "escalation.evaluate",
        "escalation.interview",
        "escalation.decide",
    } <= actions


def test_improvement_in_the_next_quarter_rectifies(lk):
    world = lk.extra["world"]
    _late_quarter(lk, 2026, 1)
    q1 = _publish(lk, dt.date(2026, 1, 1), at(2026, 4, 2, 9))
    esc = osvc.escalation_remind(
        actor=world.users["bureau_head"], department=lk.reg_a, summary="超期认领", bulletin=q1
    )
    rec = approve(lk, lk.food, when=at(2026, 4, 6, 10))
    from shenguan.linkage import services as lsvc
    from shenguan.linkage.models import Push

    lsvc.push_claim(
        actor=world.users["regulator_liaison"],
        push=Push.objects.get(record=rec),
        at=at(2026, 4, 6, 11),
    )
    _publish(lk, dt.date(2026, 4, 1), at(2026, 7, 2, 9))
    esc.refresh_from_db()
    assert esc.state == "rectified" and esc.closed_at


def test_referral_for_policy_not_forwarded(lk):
    world = lk.extra["world"]
    with pytest.raises(PermissionDenied):
        osvc.escalation_refer(
            actor=world.users["bureau_head"],
            department=lk.reg_b,
            basis="policy_not_forwarded",
            summary="x",
        )
    with pytest.raises(ValidationFailed):
        osvc.escalation_refer(
            actor=world.users["reform_staff"], department=lk.reg_b, basis="late_claims", summary="x"
        )
    esc = osvc.escalation_refer(
        actor=world.users["reform_staff"],
        department=lk.reg_b,
        basis="policy_not_forwarded",
        summary="新修订的建筑施工许可标准未按规定推送审批局，造成不良后果",
    )
    assert esc.level == "accountability"
    assert Escalation.objects.get(pk=esc.pk).steps.get().document_title == "问题线索移送函"


def test_annual_score_adds_the_bulletins_and_deducts_the_escalations(lk):
    from shenguan.oversight.scores import annual_scores

    world = lk.extra["world"]
    _late_quarter(lk, 2026, 1)
    q1 = _publish(lk, dt.date(2026, 1, 1), at(2026, 4, 2, 9))
    osvc.escalation_remind(
        actor=world.users["bureau_head"], department=lk.reg_a, summary="超期认领", bulletin=q1
    )
    result = annual_scores(lk.j.pk, 2026)
    assert [b["id"] for b in result["bulletins"]] == [q1.pk]
    a = next(d for d in result["departments"] if d["department_id"] == lk.reg_a.pk)
    row = next(r for r in q1.figures["rows"] if r["department_id"] == lk.reg_a.pk)
    claim = next(line for line in a["lines"] if line["key"] == "claim")
    assert (claim["numerator"], claim["denominator"]) == (
        row["claimed_on_time"],
        row["pushes_received"] - row["pending"],
    )
    assert claim["weight"] == 40 and claim["rate"] == 0
    applicable = [line for line in a["lines"] if line["rate"] is not None]
    assert a["applicable_weight"] == sum(line["weight"] for line in applicable)
    expected_base = round(
        sum(line["weight"] * line["rate"] for line in applicable) / a["applicable_weight"] * 100, 2
    )
    assert a["base"] == expected_base
    reminders = next(d for d in a["deductions"] if d["level"] == "reminder")
    assert reminders["count"] == 1 and reminders["points"] == 2
    assert a["score"] == round(max(0, expected_base - 2), 2)
    b = next(d for d in result["departments"] if d["department_id"] == lk.reg_b.pk)
    assert b["deducted"] == 0
