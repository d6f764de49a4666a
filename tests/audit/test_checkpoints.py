"""Issue 12 item 5: the audit chain anchored outside the database. Signed checkpoints of the head
and of every event's content go to a file and to the discipline office's endpoint;
`shenguan audit verify --checkpoint FILE` detects each kind of tamper the plain chain walk
misses — tail delete, truncate, rewrite with recomputed hashes, forged rows before the
checkpoint — names every broken row, and never calls an empty chain OK once a checkpoint
exists."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from shenguan.audit import checkpoints as cps
from shenguan.audit import triggers
from shenguan.audit.chain import event_hash
from shenguan.audit.models import AuditCheckpoint, AuditEvent
from shenguan.audit.selectors import audit_verify
from shenguan.audit.services import audit_record
from shenguan.org.roles import Role
from shenguan.outbox import services as outbox
from shenguan.outbox.models import OutboxDelivery

pytestmark = pytest.mark.django_db


def append(n: int, start: int = 1) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="test.event", obj=("test.thing", i), after={"i": i})
        for i in range(start, start + n)
    ]


def checkpoint_file() -> Path:
    return Path(settings.SHENGUAN_AUDIT_CHECKPOINT_FILE)


@pytest.fixture
def anchored(db):
    """Eight events under two checkpoints (seq 1–5 and 6–8), written to the file."""
    append(5)
    assert cps.checkpoint_sweep()["checkpoints"] == [5]
    append(3, start=6)
    assert cps.checkpoint_sweep()["checkpoints"] == [8]
    return list(AuditEvent.objects.order_by("seq"))


def tamper(sql: str, params=()) -> None:
    """Change the audit table behind the application's back (as the table's owner could)."""
    triggers.drop(connection)
    try:
        with connection.cursor() as cur:
            cur.execute(sql, params)
    finally:
        triggers.install(connection)


def rehash_from(seq: int) -> None:
    """Recompute prev_hash and hash from a seq to the end: the chain verifies again."""
    triggers.drop(connection)
    try:
        prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
        for ev in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
            ev.prev_hash = prev
            ev.hash = event_hash(ev.chain_fields())
            AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=ev.prev_hash, hash=ev.hash)
            prev = ev.hash
    finally:
        triggers.install(connection)


def verify_fails() -> str:
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", "--checkpoint", str(checkpoint_file()))
    return str(err.value)


# --- signing and writing -------------------------------------------------------------------------


def test_checkpoints_are_signed_chained_and_written_to_the_file(anchored):
    lines = checkpoint_file().read_text("utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    assert [(d["from_seq"], d["seq"]) for d in docs] == [(1, 5), (6, 8)]
    assert docs[1]["hash"] == anchored[-1].hash and docs[0]["hash"] == anchored[4].hash
    assert len(docs[0]["leaves"]) == 5 * cps.LEAF_HEX
    public = cps.signing_key().public_key()
    assert all(cps.signature_ok(d, public) for d in docs)
    assert not cps.signature_ok({**docs[0], "seq": 4}, public)
    assert not cps.signature_ok(docs[0], Ed25519PrivateKey.generate().public_key())
    # nothing new: no checkpoint, the file unchanged
    assert cps.checkpoint_sweep()["checkpoints"] == []
    assert checkpoint_file().read_text("utf-8").splitlines() == lines
    assert AuditCheckpoint.objects.count() == 2


def test_the_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "k.pem"
    call_command("audit", "keygen", "--out", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("audit", "keygen", "--out", str(path))


def test_a_lost_file_line_is_written_again(anchored):
    checkpoint_file().unlink()
    assert cps.checkpoint_export() == 2
    assert len(checkpoint_file().read_text("utf-8").splitlines()) == 2


def test_verify_is_ok_against_an_intact_chain(anchored, capsys):
    call_command("audit", "verify", "--checkpoint", str(checkpoint_file()))
    out = capsys.readouterr().out
    assert out.startswith("OK 8 events") and "anchored by 2 checkpoints up to seq 8" in out


# --- the tampers ---------------------------------------------------------------------------------


def test_a_deleted_tail_is_named(anchored):
    tamper("DELETE FROM audit_auditevent WHERE seq >= 7")
    assert audit_verify().ok  # the chain walk alone cannot see it
    msg = verify_fails()
    assert "seq=7–8 (2 events): missing" in msg


def test_an_emptied_table_is_never_ok(anchored):
    tamper("DELETE FROM audit_auditevent")
    AuditCheckpoint.objects.all().delete()  # the database's copy of the checkpoints goes too
    assert audit_verify().ok  # an empty chain "verifies"
    msg = verify_fails()
    assert "seq=1–8 (8 events): missing: the chain is empty" in msg


def test_a_rewrite_with_recomputed_hashes_names_the_rewritten_row(anchored):
    target = anchored[2]
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名顶替", target.pk])
    rehash_from(target.seq)
    assert audit_verify().ok  # the chain is consistent again
    msg = verify_fails()
    assert f"seq=3 id={target.pk}: differs from the checkpoint" in msg
    assert "seq=5" in msg and "seq=8" in msg  # both anchored heads no longer match
    named = {
        line.split(":")[0].strip()
        for line in msg.splitlines()
        if "differs from the checkpoint:" in line
    }
    assert named == {f"seq=3 id={target.pk}"}  # exactly the rewritten row, not its successors


def test_forged_rows_before_the_checkpoint_are_each_named(anchored):
    """Rows 6–8 replaced by rows the application role could append: valid hashes, other
    content."""
    tamper("DELETE FROM audit_auditevent WHERE seq >= 6")
    forged = append(3, start=106)
    assert [e.seq for e in forged] == [6, 7, 8]
    assert audit_verify().ok
    msg = verify_fails()
    for ev in forged:
        assert f"seq={ev.seq} id={ev.pk}: differs from the checkpoint" in msg


def test_every_row_changed_in_place_is_named_not_only_the_first(anchored):
    for ev in (anchored[1], anchored[6]):
        tamper("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [ev.pk])
    msg = verify_fails()
    for ev in (anchored[1], anchored[6]):
        assert f"seq={ev.seq} id={ev.pk}: content does not match its hash" in msg


def test_a_deleted_row_in_the_middle_is_named(anchored):
    tamper("DELETE FROM audit_auditevent WHERE seq = 4")
    msg = verify_fails()
    assert "seq=4: missing" in msg


def test_a_forged_checkpoint_file_is_refused(anchored, tmp_path):
    docs = [json.loads(line) for line in checkpoint_file().read_text("utf-8").splitlines()]
    docs[1]["seq"] = 7  # claims a shorter chain
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(json.dumps(d) for d in docs), "utf-8")
    with pytest.raises(CommandError, match="signature invalid"):
        call_command("audit", "verify", "--checkpoint", str(forged))
    other = tmp_path / "other.pem"
    call_command("audit", "keygen", "--out", str(other))
    with pytest.raises(CommandError, match="signature invalid or another key"):
        call_command(
            "audit", "verify", "--checkpoint", str(checkpoint_file()), "--public-key", str(other)
        )


def test_the_sweep_refuses_to_sign_a_chain_cut_after_its_last_checkpoint(anchored):
    tamper("DELETE FROM audit_auditevent WHERE seq >= 6")
    append(1, start=200)  # seq 6 again, but not the anchored one
    result = cps.checkpoint_sweep()
    assert "refused" in result
    assert AuditCheckpoint.objects.count() == 2


# --- leaving the database ------------------------------------------------------------------------


def test_checkpoints_reach_the_discipline_offices_endpoint_only(world):
    admin = world.users[Role.SYSTEM_ADMIN]
    office = outbox.webhook_endpoint_create(
        actor=admin,
        department=world.depts["discipline"],
        url="https://jw.example.gov.cn/hooks",
        event_types=["audit.*"],
    )
    regulator = outbox.webhook_endpoint_create(
        actor=admin,
        department=world.depts["reg_a"],
        url="https://sj.example.gov.cn/hooks",
        event_types=["*"],
    )
    result = cps.checkpoint_sweep()
    assert result["checkpoints"]
    cp = AuditCheckpoint.objects.order_by("-seq").first()
    deliveries = OutboxDelivery.objects.filter(event__event_type="audit.checkpoint")
    assert [d.endpoint_id for d in deliveries] == [office.pk]
    assert regulator.pk not in [d.endpoint_id for d in deliveries]
    assert deliveries[0].event.payload == cp.document
    assert cps.signature_ok(deliveries[0].event.payload, cps.signing_key().public_key())


def test_the_worker_signs_checkpoints_periodically(db):
    from shenguan.outbox import delivery
    from shenguan.outbox.sweeps import registered_sweeps

    sweep = registered_sweeps()["audit.checkpoint"]
    assert sweep.interval_seconds == settings.SHENGUAN_AUDIT_CHECKPOINT_INTERVAL
    append(3)
    delivery.run_worker(worker_id="cp-test", once=True)
    assert AuditCheckpoint.objects.get().seq >= 3
    assert checkpoint_file().exists()
