"""Supervision after a claim (调度监管) and the bureau's handling of feedback: every claim mode
opens a window (manual, timeout, on push), assignment and start are checked, a finished
supervision can feed back to the bureau, the bureau records what it did with each feedback."""

from __future__ import annotations

import pytest

from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import Feedback, Push
from shenguan.linkage.sweeps import push_auto_claim_due
from shenguan.oversight import kinds as K
from shenguan.oversight import services as osvc
from shenguan.oversight.models import Alert, ClaimQueue, FeedbackHandling, SupervisionTask
from shenguan.oversight.sweeps import monitor_sweep

from .helpers import approve, at, push_of, record_data

pytestmark = pytest.mark.django_db


def test_a_timeout_claim_opens_supervision_and_is_red_closed_late(lk):
    rec = approve(lk, lk.food, when=at(2026, 3, 2, 10))
    p = push_of(rec, lk.reg_a)
    push_auto_claim_due(now=at(2026, 3, 5, 0, 1))  # before the monitor saw it overdue
    assert ClaimQueue.objects.filter(mode="timeout").exists()
    monitor_sweep(now=at(2026, 3, 5, 0, 2), since=at(2026, 3, 1))
    assert not ClaimQueue.objects.exists()
    (red,) = Alert.objects.filter(kind=K.PUSH_CLAIM, object_id=p.pk)
    assert red.level == "red" and red.closed_late is True and red.closed_at == p.claim_due_at
    t = SupervisionTask.objects.get(push=p)
    assert t.claimed_at == p.claim_due_at and t.department_id == lk.reg_a.pk


def test_claimed_on_push_opens_supervision(yiyang):
    rec = lsvc.record_create(
        actor=yiyang.users["approver"],
        department=yiyang.bureau,
        data=record_data(yiyang.food, case_number="YY-OV-1"),
    )
    lsvc.complete_records(actor=yiyang.users["approver"], records=[rec])
    p = Push.objects.get(record=rec)
    assert p.claimed_mode == "on_push"
    monitor_sweep()
    assert SupervisionTask.objects.filter(push=p).exists()


def test_assign_start_finish_with_feedback_to_the_bureau(lk):
    world = lk.extra["world"]
    rec = approve(lk, lk.food)
    p = push_of(rec, lk.reg_a)
    lsvc.push_claim(actor=world.users["regulator_liaison"], push=p)
    t = osvc.supervision_task_for_push(p)  # before the worker read the queue
    assert t is not None and t.state == "waiting"
    leader, inspector = world.users["regulator_leader"], world.users["inspector"]
    with pytest.raises(ValidationFailed) as e:
        osvc.supervision_assign(actor=leader, task=t, inspector=world.users["approver"])
    assert e.value.field == "inspector"
    with pytest.raises(PermissionDenied):
        osvc.supervision_assign(actor=inspector, task=t, inspector=inspector)
    with pytest.raises(PermissionDenied):
        osvc.supervision_assign(actor=world.users["reg_b_liaison"], task=t, inspector=inspector)
    t = osvc.supervision_assign(actor=leader, task=t, inspector=inspector)
    assert t.state == "assigned" and t.inspector_id == inspector.pk
    with pytest.raises(ValidationFailed) as e:
        osvc.supervision_start(actor=inspector, task=t, kind="no_inspection", note="")
    assert e.value.field == "start_note"
    t = osvc.supervision_start(actor=inspector, task=t, kind="inspection")
    assert t.state == "started" and not t.start_late
    with pytest.raises(Conflict):
        osvc.supervision_start(actor=inspector, task=t, kind="inspection")
    t = osvc.supervision_finish(
        actor=inspector, task=t, result="rectified", text="后厨卫生问题已责令整改", feed_back=True
    )
    fb = Feedback.objects.get(pk=t.feedback_id)
    assert fb.kind == "inspection" and fb.abnormal is True and fb.record_id == rec.pk
    assert fb.addressee_department_id == lk.bureau.pk and fb.state == "pushed"
    # the bureau records what it did with it (004 三(三)3)
    bureau_liaison = world.users["bureau_liaison"]
    with pytest.raises(PermissionDenied):
        osvc.feedback_handle(actor=inspector, feedback=fb, action="noted", note="x")
    with pytest.raises(ValidationFailed) as e:
        osvc.feedback_handle(actor=bureau_liaison, feedback=fb, action="nonsense", note="x")
    assert e.value.field == "action"
    h = osvc.feedback_handle(
        actor=bureau_liaison, feedback=fb, action="warning", note="列入警示信息库"
    )
    assert h.sender_department_id == lk.reg_a.pk
    with pytest.raises(Conflict):
        osvc.feedback_handle(actor=bureau_liaison, feedback=fb, action="noted", note="再次")
    assert FeedbackHandling.objects.count() == 1
