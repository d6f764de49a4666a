"""`core.bulk.insert_objects`: unsaved instances written by COPY (PostgreSQL) or bulk_create
(SQLite) read back exactly as Django's own bulk_create writes them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from shenguan.audit.models import AuditEvent
from shenguan.core.bulk import insert_objects
from shenguan.linkage.models import PushKind
from shenguan.outbox.models import Channel, OutboxDelivery, OutboxEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 5, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)


def _events(jid: int, n: int, tag: str) -> list[OutboxEvent]:
    return [
        OutboxEvent(
            jurisdiction_id=jid,
            event_type=f"bench.{tag}",
            payload={
                "n": i,
                "name": f"聊城“测试”\\{i}\t\n",
                "nested": {"list": [1, None, True, 2.5], "empty": {}},
                "kind": PushKind.APPROVAL,
            },
            department_ids=[3, 1, i],
            aggregate_type="linkage.push",
            aggregate_id=str(i),
            created_at=AT,
        )
        for i in range(n)
    ]


def _columns(model, pks) -> list[tuple]:
    names = [fl.attname for fl in model._meta.concrete_fields]
    return list(model.objects.filter(pk__in=pks).order_by("pk").values_list(*names))


def test_insert_objects_reads_back_as_bulk_create_writes():
    j = f.jurisdiction()
    with transaction.atomic():
        ours = _events(j.pk, 5, "ours")
        insert_objects(ours)
    with transaction.atomic():
        theirs = _events(j.pk, 5, "theirs")
        OutboxEvent.objects.bulk_create(theirs)
    assert all(e.pk is not None and not e._state.adding for e in ours)
    assert len({e.pk for e in ours}) == 5
    got = _columns(OutboxEvent, [e.pk for e in ours])
    want = _columns(OutboxEvent, [e.pk for e in theirs])
    names = [fl.attname for fl in OutboxEvent._meta.concrete_fields]

    def strip(rows):  # identical but for the id, the uid and the event type given
        keep = [i for i, n in enumerate(names) if n not in ("id", "uid", "event_type")]
        return [[r[i] for i in keep] for r in rows]

    assert strip(got) == strip(want)
    row = dict(zip(names, got[2], strict=True))
    assert row["payload"]["name"] == "聊城“测试”\\2\t\n"
    assert row["payload"]["nested"] == {"list": [1, None, True, 2.5], "empty": {}}
    assert row["department_ids"] == [3, 1, 2]
    assert row["created_at"] == AT
    assert isinstance(row["uid"], uuid.UUID) and row["uid"] == ours[2].uid


def test_inserted_objects_are_saved_rows_and_keys_keep_counting():
    j = f.jurisdiction()
    with transaction.atomic():
        events = _events(j.pk, 3, "keys")
        insert_objects(events)
        deliveries = [
            OutboxDelivery(
                jurisdiction_id=j.pk, event=e, channel=Channel.NOTIFY, target={"user_ids": [1]}
            )
            for e in events
        ]
        insert_objects(deliveries)
    # a later save updates the row instead of inserting a second one
    events[0].aggregate_id = "changed"
    events[0].save()
    assert OutboxEvent.objects.filter(pk=events[0].pk).values_list("aggregate_id", flat=True)[
        0
    ] == ("changed")
    assert OutboxDelivery.objects.filter(event__in=events).count() == 3
    assert [d.event_id for d in deliveries] == [e.pk for e in events]
    # the table's own key sequence is past the allocated keys
    later = OutboxEvent.objects.create(
        jurisdiction_id=j.pk, event_type="later", payload={}, created_at=AT
    )
    assert later.pk > max(e.pk for e in events)


def test_null_json_is_sql_null():
    with transaction.atomic():
        ev = AuditEvent(
            seq=10_000_001,
            actor_kind="system",
            action="bulk.test",
            before=None,
            after={"a": 1},
            prev_hash="0" * 64,
            hash="1" * 64,
        )
        insert_objects([ev])
    assert AuditEvent.objects.filter(pk=ev.pk, before__isnull=True).exists()
    assert AuditEvent.objects.get(pk=ev.pk).after == {"a": 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bad_reference_fails_the_transaction_and_writes_nothing():
    j = f.jurisdiction()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_objects(
            [
                OutboxDelivery(
                    jurisdiction_id=j.pk, event_id=2**40, channel=Channel.NOTIFY, target={}
                )
            ]
        )
    assert connection.vendor == "postgresql"
    assert not OutboxDelivery.objects.filter(event_id=2**40).exists()


@pytest.mark.django_db(transaction=True)
def test_insert_objects_outside_a_transaction_is_refused_on_postgresql():
    j = f.jurisdiction()
    if connection.vendor != "postgresql":
        pytest.skip("SQLite goes through bulk_create, which needs no reserved keys")
    with pytest.raises(RuntimeError):
        insert_objects(_events(j.pk, 1, "outside"))
