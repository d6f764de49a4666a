"""受审分离 (004 三(六)): where the profile requires it, the user who accepted a case cannot
decide or complete it (a Chinese 403 naming the field); a one-person window's waiver lets them,
and every such decision is audited with the reason; API system clients are not judged."""

from __future__ import annotations

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import PermissionDenied
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import ApprovalRecord
from shenguan.policy import services as policy
from shenguan.policy.models import PolicyProfile
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db


def _profile(lk, **params):
    """A copy of the jurisdiction's profile with the given parameters, assigned to it."""
    src = PolicyProfile.objects.get(pk=lk.j.profile_id)
    p = policy.policy_clone(actor=None, source=src, code="sep-test", name="受审分离测试")
    raw = p.current_version.parsed().model_dump(mode="json")
    raw.update(params)
    policy.policy_update(actor=None, profile=p, params=raw)
    policy.policy_assign(actor=None, jurisdiction=lk.j, profile=p)
    lk.j.refresh_from_db()


def _draft(lk, user, case):
    data = record_data(
        lk.food,
        case,
        result="",
        licence_number="",
        licence_valid_until=None,
        decided_on=None,
        decision_number="",
    )
    return lsvc.record_create(actor=user, data=data)


def test_off_by_default_the_same_user_may_decide(lk):
    rec = lsvc.record_create(
        actor=lk.users["approver"], data=record_data(lk.food, "SEP-0"), complete=True
    )
    assert ApprovalRecord.objects.get(pk=rec.pk).state == "completed"
    assert not AuditEvent.objects.filter(action="approval.separation_waived").exists()


def test_the_acceptor_cannot_decide_or_complete(lk):
    _profile(lk, review_separation_required=True)
    approver = lk.users["approver"]
    with pytest.raises(PermissionDenied) as exc:
        lsvc.record_create(actor=approver, data=record_data(lk.food, "SEP-1"))
    assert exc.value.code == "review_separation" and exc.value.field == "result"
    assert "受审分离" in exc.value.message
    assert not ApprovalRecord.objects.filter(case_number="SEP-1").exists()
    # accepted by the clerk … decided by the approver: allowed
    clerk = lk.users["window_clerk"]
    rec = _draft(lk, clerk, "SEP-2")
    with pytest.raises(PermissionDenied):
        lsvc.record_update(
            actor=clerk,
            record=rec,
            data={
                "result": "granted",
                "decided_on": rec.accepted_on,
                "decision_number": "聊审〔2026〕9号",
            },
        )
    rec = lsvc.record_update(
        actor=approver,
        record=rec,
        data={
            "result": "granted",
            "decided_on": rec.accepted_on,
            "decision_number": "聊审〔2026〕9号",
        },
    )
    assert rec.decided_by_id == approver.pk
    lsvc.record_complete(actor=approver, record=rec)
    assert ApprovalRecord.objects.get(pk=rec.pk).state == "completed"
    # an approver who accepted a case cannot complete it after someone else decided
    rec3 = _draft(lk, approver, "SEP-3")
    from tests import factories

    other = factories.user(lk.bureau, "approver", username="second_approver")
    rec3 = lsvc.record_update(
        actor=other,
        record=rec3,
        data={
            "result": "refused",
            "decided_on": rec3.accepted_on,
            "decision_number": "聊审不〔2026〕1号",
        },
    )
    with pytest.raises(PermissionDenied) as exc:
        lsvc.record_complete(actor=approver, record=rec3)
    assert exc.value.field == "state"


def test_a_waiver_allows_it_and_every_use_is_audited(lk):
    _profile(lk, review_separation_required=True, review_separation_waiver="县级窗口仅一名审批人员")
    rec = lsvc.record_create(
        actor=lk.users["approver"], data=record_data(lk.food, "SEP-W"), complete=True
    )
    events = AuditEvent.objects.filter(action="approval.separation_waived", object_id=str(rec.pk))
    assert {e.after["phase"] for e in events} == {"create", "complete"}
    assert all(e.after["reason"] == "县级窗口仅一名审批人员" for e in events)


def test_api_system_clients_are_not_judged(lk):
    from tests.api.conftest import Api, issue_token
    from tests.linkage.test_api import body

    _profile(lk, review_separation_required=True)
    _tok, plain = issue_token(lk.bureau, "window_clerk", "approver", name="省审批系统")
    r = Api(token=plain).post("linkage/records", body(lk, "SEP-API"))
    assert r.status_code == 201, r.content
