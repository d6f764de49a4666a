"""The additive bulk helpers linkage relies on: audit_record_many keeps the hash chain intact
and writes what audit_record would; outbox_emit_many creates the deliveries outbox_emit would."""

from __future__ import annotations

import pytest
from django.db import transaction

from shenguan.audit.chain import verify_events
from shenguan.audit.models import AuditEvent
from shenguan.audit.services import audit_record, audit_record_many
from shenguan.outbox.models import OutboxDelivery, OutboxEvent
from shenguan.outbox.services import outbox_emit, outbox_emit_many, webhook_endpoint_create

pytestmark = pytest.mark.django_db


def test_audit_record_many_extends_the_chain(world):
    actor = world.users["approver"]
    with transaction.atomic():
        audit_record(actor=actor, action="test.one", obj=world.depts["bureau"])
        evs = audit_record_many(
            actor=actor,
            entries=[
                {"action": "test.many", "obj": world.depts["reg_a"], "after": {"i": i}}
                for i in range(5)
            ],
        )
        audit_record(actor=actor, action="test.after", obj=("x", 1))
    assert [e.seq for e in evs] == list(range(evs[0].seq, evs[0].seq + 5))
    assert all(e.jurisdiction_id == world.city.pk for e in evs)
    result = verify_events(AuditEvent.objects.order_by("seq"))
    assert result.ok, result.reason
    assert AuditEvent.objects.filter(action="test.many", actor_id=actor.pk).count() == 5


def test_outbox_emit_many_matches_outbox_emit(world):
    admin = world.users["system_admin"]
    webhook_endpoint_create(
        actor=admin,
        department=world.depts["reg_a"],
        url="http://127.0.0.1:9/hook",
        event_types=["push.*"],
    )
    webhook_endpoint_create(
        actor=admin,
        department=world.depts["reg_b"],
        url="http://127.0.0.1:9/other",
        event_types=["feedback.*"],
    )
    spec = {
        "event_type": "push.created",
        "jurisdiction_id": world.city.pk,
        "payload": {"n": 1, "名称": "推送"},
        "department_ids": [world.depts["reg_a"].pk, world.depts["reg_b"].pk],
        "notify_user_ids": [world.users["regulator_liaison"].pk],
        "notify": {"title": "t", "body": "b", "link": "/linkage/"},
        "extra": [("sms", {"phone": "13800000000", "text": "短信"})],
    }
    with transaction.atomic():
        one = outbox_emit(**spec)
        many = outbox_emit_many(events=[spec, {**spec, "event_type": "feedback.created"}])

    def shape(ev):
        return sorted(
            (d.channel, d.endpoint_id or 0, str(d.target))
            for d in OutboxDelivery.objects.filter(event=ev)
        )

    assert shape(many[0]) == shape(one)
    assert {d[1] for d in shape(many[1])} - {0} != {d[1] for d in shape(one)} - {0}
    assert OutboxEvent.objects.get(pk=many[0].pk).payload == one.payload
    assert (
        many[0].created_at is not None
        and OutboxEvent.objects.get(pk=many[0].pk).created_at == many[0].created_at
    )
