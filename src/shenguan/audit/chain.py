"""Hash chain arithmetic for audit events: the hash of an event and the walk that verifies them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shenguan.core.serialize import canonical_json

GENESIS = "0" * 64


def event_hash(fields: dict) -> str:
    """SHA-256 over the canonical JSON of an event's chained fields (prev_hash included)."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


@dataclass
class VerifyResult:
    """Outcome of a chain walk: ok, events checked, and the first broken link if any."""

    ok: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify_events(events) -> VerifyResult:
    """Walk events in seq order; stop at the first whose hash or link does not hold."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last = None
    for ev in events:
        if ev.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                ev.seq,
                ev.hash,
                ev.seq,
                ev.pk,
                f"sequence gap: expected {expected_seq}, found {ev.seq}",
            )
        if ev.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                ev.seq,
                ev.hash,
                ev.seq,
                ev.pk,
                "prev_hash does not match the previous event's hash",
            )
        if event_hash(ev.chain_fields()) != ev.hash:
            return VerifyResult(
                False,
                checked,
                ev.seq,
                ev.hash,
                ev.seq,
                ev.pk,
                "content does not match its hash (row changed)",
            )
        prev = ev.hash
        expected_seq += 1
        checked += 1
        last = ev
    return VerifyResult(True, checked, last.seq if last else None, last.hash if last else None)
