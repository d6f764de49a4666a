"""Webhooks of the linkage (issue 4 item 9): every push, claim, feedback and disposal is a signed
event a department's own system can subscribe to. A real HTTP receiver verifies each signature
with the independent `standardwebhooks` package."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from shenguan.linkage import services as svc
from shenguan.linkage.models import Licence, Push
from shenguan.linkage.sweeps import push_auto_claim_due
from shenguan.org.roles import Role
from shenguan.outbox import delivery
from shenguan.outbox import services as outbox
from tests.api.conftest import issue_token
from tests.linkage.conftest import record_data
from tests.outbox.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.SHENGUAN_WEBHOOK_BACKOFF_BASE = 0.001
    settings.SHENGUAN_WEBHOOK_BACKOFF_CAP = 0.01
    settings.SHENGUAN_WEBHOOK_TIMEOUT = 2.0
    settings.SHENGUAN_WORKER_IDLE_SLEEP = 0.01
    r = Receiver().start()
    yield r
    r.stop()


def subscribe(lk, receiver, dept, path: str, event_types: list[str]):
    ep = outbox.webhook_endpoint_create(
        actor=lk.users["system_admin"],
        department=dept,
        url=receiver.url(path),
        event_types=event_types,
    )
    receiver.secrets[path] = ep.secret
    return ep


def drain() -> None:
    delivery.run_worker(worker_id="linkage-test", until_empty=True, max_seconds=30)


def received(receiver, path: str) -> list[tuple[str, dict]]:
    calls = receiver.calls_for(path)
    assert all(c.verified for c in calls), "every delivery is signed"
    return [(c.json()["type"], c.json()["data"]) for c in calls]


def test_push_claim_feedback_and_disposal_reach_the_subscribed_systems(lk, receiver):
    subscribe(lk, receiver, lk.reg_a, "/regulator", ["push.*", "disposal.*"])
    subscribe(lk, receiver, lk.bureau, "/bureau", ["feedback.*"])
    subscribe(lk, receiver, lk.reg_b, "/other", ["*"])  # sees only what concerns reg_b
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "WH-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    drain()
    [(kind, data)] = received(receiver, "/regulator")
    assert kind == "push.created"
    assert data["push_id"] == push.pk and data["claim_policy"] == "timeout"
    assert data["snapshot"]["record"]["case_number"] == "WH-1"  # the frozen content travels
    # the regulator's own system claims through the API
    _tok, plain = issue_token(lk.reg_a, Role.REGULATOR_LIAISON, name="市场监管自建系统")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.post(f"/api/v1/linkage/pushes/{push.pk}/claim").status_code == 200
    lic = Licence.objects.get(record=rec)
    opinion = svc.feedback_create(
        actor=lk.users["regulator_leader"],
        kind="revocation_opinion",
        title="建议注销许可证",
        content="停业一年以上。",
        published_on=dt.date.today(),
        licence=lic,
    )
    svc.disposal_record(
        actor=lk.users["approver"],
        feedback=opinion,
        outcome="cancel",
        decision_number="聊审批注〔2026〕1号",
        decided_on=dt.date.today(),
    )
    drain()
    regulator = received(receiver, "/regulator")
    assert [k for k, _ in regulator] == ["push.created", "push.claimed", "disposal.recorded"]
    claimed = regulator[1][1]
    assert claimed["claimed_mode"] == "manual" and claimed["state"] == "claimed"
    disposal = regulator[2][1]
    assert disposal["snapshot"]["disposal"]["outcome"] == "cancel"
    assert disposal["addressee_department_id"] == lk.reg_a.pk
    bureau = received(receiver, "/bureau")
    # the opinion arrives, and the disposal claimed it implicitly
    assert [k for k, _ in bureau] == ["feedback.created", "feedback.claimed"]
    assert bureau[0][1]["snapshot"]["feedback"]["kind"] == "revocation_opinion"
    # reg_b got only the catalogue's item notices addressed to it (the worker's sweep turned the
    # set-up's change notices into claimable notices), nothing of reg_a's business
    other = received(receiver, "/other")
    assert other and {k for k, _ in other} == {"notice.created"}
    assert {d["addressee_department_id"] for _, d in other} == {lk.reg_b.pk}


def test_auto_claims_are_announced_per_batch(lk, receiver):
    subscribe(lk, receiver, lk.reg_a, "/regulator", ["push.auto_claimed"])
    recs = [
        svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, f"AC-{i}"))
        for i in range(3)
    ]
    pushes = svc.complete_records(actor=lk.users["approver"], records=recs)
    push_auto_claim_due(now=max(p.claim_due_at for p in pushes))
    drain()
    [(kind, data)] = received(receiver, "/regulator")
    assert kind == "push.auto_claimed"
    assert sorted(data["push_ids"]) == sorted(p.pk for p in pushes)
    assert data["claim_late"] is True
    assert not Push.objects.filter(pk__in=data["push_ids"], open__isnull=False).exists()
