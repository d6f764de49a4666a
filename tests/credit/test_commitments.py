"""告知承诺 follow-up, the warning library and the platform adapter against the local fake."""

from __future__ import annotations

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.calendar import workdays
from shenguan.core.deadlines import deadline_kind
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.credit import services as csvc
from shenguan.credit.fakeplatform import FakeCreditPlatform
from shenguan.credit.models import CommitmentTask, CreditCheck, WarningEntry
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import ApprovalRecord, Feedback

from .helpers import DISHONEST_USCC, GOOD_USCC, company_case


def _commitment_case(lk, uscc=GOOD_USCC):
    rec = lsvc.record_create(
        actor=lk.users["approver"], data=company_case(lk, uscc, "commitment"), complete=True
    )
    return ApprovalRecord.objects.get(pk=rec.pk)


def test_commitment_approval_gives_the_regulator_a_task_with_its_deadline(lk):
    rec = _commitment_case(lk)
    task = CommitmentTask.objects.get(record_id=rec.pk)
    assert task.department_id == lk.reg_a.pk
    assert task.budget_days == 30
    start = workdays.local_date(rec.completed_at)
    assert task.due_date == workdays.add_working_days(rec.completed_at, 30).date
    assert task.start == start
    rows = list(deadline_kind("credit.commitment_check").rows(jurisdiction_ids=[lk.j.pk]))
    assert [r.object_id for r in rows] == [task.pk]
    assert rows[0].department_id == lk.reg_a.pk


def test_kept_closes_the_task(lk):
    task = CommitmentTask.objects.get(record_id=_commitment_case(lk).pk)
    with pytest.raises(PermissionDenied):
        csvc.commitment_verify(
            actor=lk.users["approver"], task=task, kept=True, evidence="现场核查"
        )
    t = csvc.commitment_verify(
        actor=lk.users["regulator_liaison"],
        task=task,
        kept=True,
        evidence="现场核查，已取得合格证明",
    )
    assert t.state == "kept" and t.warning_id is None
    with pytest.raises(Conflict):
        csvc.commitment_verify(
            actor=lk.users["regulator_liaison"], task=t, kept=False, evidence="x1"
        )
    assert list(deadline_kind("credit.commitment_check").rows(jurisdiction_ids=[lk.j.pk])) == []


def test_not_kept_leads_to_revocation_opinion_and_warning_hit_at_next_acceptance(lk):
    rec = _commitment_case(lk)
    task = CommitmentTask.objects.get(record_id=rec.pk)
    t = csvc.commitment_verify(
        actor=lk.users["regulator_liaison"],
        task=task,
        kept=False,
        evidence="逾期未取得消防验收合格证明",
    )
    assert t.state == "not_kept"
    fb = Feedback.objects.get(pk=t.revocation_feedback_id)
    assert fb.kind == "revocation_opinion" and fb.licence.record_id == rec.pk
    w = WarningEntry.objects.get(pk=t.warning_id)
    assert w.code == GOOD_USCC and w.reason_kind == "broken_commitment"
    assert AuditEvent.objects.filter(
        action="credit.commitment_verify", object_id=str(t.pk)
    ).exists()
    # the next acceptance of the same USCC hits the warning library
    with pytest.raises(ValidationFailed) as exc:
        lsvc.record_create(
            actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC, "commitment")
        )
    assert "警示信息库" in exc.value.message
    # credit repair removes the entry; the subject may again be accepted on commitment
    csvc.warning_repair(
        actor=lk.users["bureau_head"], entry=w, decision="聊信修〔2026〕3号", reason="已整改到位"
    )
    lsvc.record_create(
        actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC, "commitment")
    )


def test_manual_warning_requires_manager_and_valid_code(lk):
    with pytest.raises(PermissionDenied):
        csvc.warning_create(
            actor=lk.users["window_clerk"],
            jurisdiction_id=lk.j.pk,
            code=GOOD_USCC,
            subject_name="某公司",
            reason_kind="fraud",
            reason="提交虚假材料",
        )
    with pytest.raises(ValidationFailed) as exc:
        csvc.warning_create(
            actor=lk.users["bureau_head"],
            jurisdiction_id=lk.j.pk,
            code="91371500MA3E0000X",
            subject_name="某公司",
            reason_kind="fraud",
            reason="提交虚假材料",
        )
    assert exc.value.field == "code"
    w = csvc.warning_create(
        actor=lk.users["bureau_head"],
        jurisdiction_id=lk.j.pk,
        code=GOOD_USCC,
        subject_name="某公司",
        reason_kind="fraud",
        reason="提交虚假材料",
    )
    assert w.valid_until is not None


@pytest.fixture
def platform(settings):
    fake = FakeCreditPlatform(
        records={
            DISHONEST_USCC: [
                {"list": "失信被执行人", "measure": "限制高消费", "document": "（2026）鲁15执9号"}
            ]
        },
        token="t0ken",
        slow_seconds=2.0,
    ).start()
    settings.SHENGUAN_CREDIT_QUERY_URL = fake.url + "/query"
    settings.SHENGUAN_CREDIT_QUERY_TOKEN = "t0ken"
    settings.SHENGUAN_CREDIT_TIMEOUT = 0.5
    yield fake
    fake.stop()


def test_platform_hit_restricts_and_reference_is_kept(lk, platform):
    with pytest.raises(ValidationFailed) as exc:
        lsvc.record_create(
            actor=lk.users["window_clerk"], data=company_case(lk, DISHONEST_USCC, "green")
        )
    assert "失信被执行人" in exc.value.message
    rec = lsvc.record_create(actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC))
    chk = CreditCheck.objects.get(record_id=rec.pk)
    assert chk.platform_status == "ok" and chk.platform_reference.startswith("XY")


@pytest.mark.parametrize("mode", ["slow", "error"])
def test_platform_unavailable_allows_only_normal_mode(lk, platform, mode):
    platform.query_mode = mode
    with pytest.raises(ValidationFailed) as exc:
        lsvc.record_create(
            actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC, "commitment")
        )
    assert exc.value.code == "credit_platform_unavailable" and "一般受理" in exc.value.message
    rec = lsvc.record_create(actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC))
    chk = CreditCheck.objects.get(record_id=rec.pk)
    assert chk.platform_status == "unavailable"
    assert next(s for s in chk.sources if s["source"] == "platform")["error"]
