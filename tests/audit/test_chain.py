"""The audit chain: appends link by hash, triggers refuse changes, verify names a tampered row."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from shenguan.audit import triggers
from shenguan.audit.chain import GENESIS
from shenguan.audit.models import AuditEvent
from shenguan.audit.selectors import audit_verify
from shenguan.audit.services import audit_record


@pytest.fixture
def events(db):
    return [
        audit_record(actor=None, action="test.event", obj=("test.thing", i), after={"i": i})
        for i in range(1, 6)
    ]


def test_events_link_by_hash(events):
    rows = list(AuditEvent.objects.order_by("seq"))
    assert rows[0].prev_hash == GENESIS
    for prev, cur in itertools.pairwise(rows):
        assert cur.prev_hash == prev.hash
        assert cur.seq == prev.seq + 1
    assert audit_verify().ok


def test_trigger_refuses_update_and_delete(events):
    ev = events[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET action='x' WHERE id=%s", [ev.pk])
    assert AuditEvent.objects.get(pk=ev.pk).action == "test.event"


def test_verify_names_a_row_changed_behind_the_applications_back(events, capsys):
    target = events[2]
    triggers.drop(connection)
    try:
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_auditevent SET actor_name='冒名' WHERE id=%s", [target.pk])
    finally:
        triggers.install(connection)
    res = audit_verify()
    assert not res.ok
    assert res.broken_seq == target.seq
    assert res.broken_id == target.pk
    with pytest.raises(CommandError, match=f"seq={target.seq} id={target.pk}"):
        call_command("audit", "verify")


def test_verify_detects_a_deleted_row(events):
    triggers.drop(connection)
    try:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditevent WHERE id=%s", [events[1].pk])
    finally:
        triggers.install(connection)
    res = audit_verify()
    assert not res.ok and res.broken_seq == events[2].seq


def test_head_command_prints_the_last_hash(events, capsys):
    call_command("audit", "head")
    out = capsys.readouterr().out
    assert events[-1].hash in out and f"seq={events[-1].seq}" in out
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK 5 events")


@pytest.mark.postgres
def test_triggers_fire_in_replication_mode_too(events):
    """A session that turned the foreign-key triggers off (`session_replication_role =
    replica`, as the bulk imports do) still cannot change or delete audit rows."""
    assert triggers.installed(connection)
    ev = events[0]
    for sql in (
        "UPDATE audit_auditevent SET action='x' WHERE id=%s",
        "DELETE FROM audit_auditevent WHERE id=%s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(sql, [ev.pk])
    assert AuditEvent.objects.get(pk=ev.pk).action == "test.event"
