"""Anchoring the audit chain outside the database (审计链锚定; issue 12 item 5, ADR 0022).

The chain (ADR 0003) proves that no event was changed in place, but whoever can write the table
can also delete its tail, empty it, or rewrite events and recompute every hash after them: the
chain then verifies. A *checkpoint* pins the chain as it was: the head (seq, hash), the time,
and a 64-bit digest of the content of every event since the previous checkpoint (its "leaves"),
signed with an Ed25519 key kept in a file the database role cannot read. Checkpoints leave the
database — appended to a file (SHENGUAN_AUDIT_CHECKPOINT_FILE) and delivered through the outbox
to the discipline office's endpoint — so `shenguan audit verify --checkpoint FILE` can name
every row deleted, rewritten or forged before the last checkpoint, and never calls an empty
chain OK once a checkpoint exists.

A leaf is the first 16 hex digits of SHA-256 over the event's chained fields *without* its
prev_hash: a rewrite of one event changes that event's leaf only, so the verifier names exactly
the rewritten rows even when every later hash was recomputed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shenguan.core.serialize import canonical_json, to_jsonable

from .chain import GENESIS, event_hash
from .models import AuditCheckpoint, AuditEvent

log = logging.getLogger("shenguan.audit.checkpoints")

KIND = "shenguan.audit.checkpoint"
VERSION = 1
LEAF_HEX = 16
MAX_EVENTS = 100_000  # events per checkpoint: a first checkpoint of a long chain is split


# --- the signing key -----------------------------------------------------------------------------


class CheckpointKeyMissing(Exception):
    """No signing key is configured (SHENGUAN_AUDIT_CHECKPOINT_KEY) or the file is missing."""


def key_path() -> Path | None:
    """The configured private-key file, or None."""
    value = getattr(settings, "SHENGUAN_AUDIT_CHECKPOINT_KEY", "") or ""
    return Path(value) if value else None


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Create a new Ed25519 key in a file readable by its owner only (refuses to overwrite)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key


def signing_key() -> Ed25519PrivateKey:
    """The private key that signs checkpoints. Outside production a missing key file at the
    configured path is generated (the demo's key under var/); in production it must exist."""
    path = key_path()
    if path is None:
        raise CheckpointKeyMissing("SHENGUAN_AUDIT_CHECKPOINT_KEY is not set")
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise CheckpointKeyMissing(f"checkpoint key file {path} does not exist")
        try:
            return generate_key(path)
        except FileExistsError:  # another process created it meanwhile
            pass
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyMissing(f"{path} is not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key in PEM (what the discipline office keeps to verify checkpoints)."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short name of a key pair: 16 hex digits of SHA-256 over the raw public key."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (a private-key file also works: its public half is used)."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        return key.public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


# --- documents -----------------------------------------------------------------------------------


def leaf(event: AuditEvent) -> str:
    """The content digest of one event (its chained fields without prev_hash)."""
    fields = event.chain_fields()
    fields.pop("prev_hash")
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()[:LEAF_HEX]


def _signed_bytes(doc: dict) -> bytes:
    return canonical_json({k: v for k, v in doc.items() if k != "sig"}).encode("utf-8")


def sign(doc: dict, key: Ed25519PrivateKey) -> dict:
    """The document with its key id and Ed25519 signature (base64) added."""
    doc = {**doc, "key_id": key_id(key)}
    doc["sig"] = base64.b64encode(key.sign(_signed_bytes(doc))).decode()
    return doc


def signature_ok(doc: dict, public_key: Ed25519PublicKey) -> bool:
    """Whether a checkpoint document is signed by the key and unchanged since."""
    try:
        public_key.verify(base64.b64decode(doc.get("sig", ""), validate=True), _signed_bytes(doc))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return doc.get("key_id") == key_id(public_key)


# --- creating checkpoints ------------------------------------------------------------------------


class CheckpointRefused(Exception):
    """The chain no longer continues the last checkpoint: nothing is signed (a tamper alarm)."""


_SINKS: list[Callable[[dict], None]] = []


def register_checkpoint_sink(func: Callable[[dict], None]) -> None:
    """Add a receiver of every new checkpoint document, called inside the transaction that stores
    it (the outbox registers the delivery to the discipline office, outbox/audit_anchor.py)."""
    if func not in _SINKS:
        _SINKS.append(func)


def checkpoint_create(*, now=None, max_events: int = MAX_EVENTS) -> AuditCheckpoint | None:
    """Sign a checkpoint of the events appended since the last one (审计链锚定), store it and
    hand it to the sinks; None when nothing was appended. Refuses (CheckpointRefused) if the
    events after the last checkpoint do not continue its hash, or the chain is shorter than it.
    """
    key = signing_key()
    now = now or timezone.now()
    with transaction.atomic():
        last = AuditCheckpoint.objects.order_by("-seq").first()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        from_seq = last.seq + 1 if last else 1
        if head is None or head < from_seq:
            if last is not None and (head or 0) < last.seq:
                raise CheckpointRefused(
                    f"the chain ends at seq {head or 0}, "
                    f"before the last checkpoint's seq {last.seq}"
                )
            return None
        to_seq = min(head, from_seq + max_events - 1)
        prev = last.hash if last else GENESIS
        leaves: list[str] = []
        expected = from_seq
        rows = AuditEvent.objects.filter(seq__gte=from_seq, seq__lte=to_seq).order_by("seq")
        for ev in rows.iterator(chunk_size=5000):
            if ev.seq != expected:
                raise CheckpointRefused(f"seq {expected} is missing")
            if ev.prev_hash != prev or event_hash(ev.chain_fields()) != ev.hash:
                raise CheckpointRefused(f"seq {ev.seq} does not continue the chain")
            leaves.append(leaf(ev))
            prev = ev.hash
            expected += 1
        if expected != to_seq + 1:
            raise CheckpointRefused(f"seq {expected} is missing")
        doc = sign(
            {
                "kind": KIND,
                "v": VERSION,
                "from_seq": from_seq,
                "seq": to_seq,
                "hash": prev,
                "at": to_jsonable(now),
                "leaves": "".join(leaves),
            },
            key,
        )
        try:
            with transaction.atomic():
                cp = AuditCheckpoint.objects.create(
                    from_seq=from_seq,
                    seq=to_seq,
                    hash=prev,
                    at=now,
                    key_id=doc["key_id"],
                    document=doc,
                )
        except IntegrityError:
            return None  # another process signed the same range first
        for sink in _SINKS:
            sink(doc)
    return cp


def checkpoint_path() -> Path | None:
    """The configured checkpoint file, or None."""
    value = getattr(settings, "SHENGUAN_AUDIT_CHECKPOINT_FILE", "") or ""
    return Path(value) if value else None


def _last_seq_in(path: Path) -> int:
    """The highest seq of the checkpoints already in a file (0 if none)."""
    if not path.exists():
        return 0
    best = 0
    with path.open("rb") as f:
        for line in f:
            try:
                best = max(best, int(json.loads(line).get("seq", 0)))
            except (ValueError, AttributeError, TypeError):
                continue
    return best


def checkpoint_export(path: Path | None = None) -> int:
    """Append to the checkpoint file every stored checkpoint it does not hold yet (one JSON
    document a line), flushed to disk; idempotent. Returns the number appended."""
    path = path or checkpoint_path()
    if path is None:
        return 0
    after = _last_seq_in(path)
    todo = list(AuditCheckpoint.objects.filter(seq__gt=after).order_by("seq"))
    if not todo:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        for cp in todo:
            f.write(json.dumps(cp.document, ensure_ascii=False, separators=(",", ":")) + "\n")
        f.flush()
        os.fsync(f.fileno())
    AuditCheckpoint.objects.filter(pk__in=[cp.pk for cp in todo]).update(exported_at=timezone.now())
    return len(todo)


def checkpoint_sweep(now=None, *, limit: int = 20) -> dict:
    """The worker's periodic step: sign what was appended (several checkpoints when a long chain
    is anchored for the first time) and write them to the file. A refusal is logged as an error
    and returned: it means the chain was cut or rewritten since the last checkpoint."""
    made = []
    try:
        for _ in range(limit):
            cp = checkpoint_create(now=now)
            if cp is None:
                break
            made.append(cp.seq)
    except CheckpointRefused as exc:
        log.error("audit checkpoint refused: %s", exc)
        return {"refused": str(exc), "checkpoints": made, "exported": checkpoint_export()}
    except CheckpointKeyMissing as exc:
        log.warning("audit checkpoints disabled: %s", exc)
        return {"disabled": str(exc)}
    return {"checkpoints": made, "exported": checkpoint_export()}


# --- verifying -----------------------------------------------------------------------------------


@dataclass
class Finding:
    """A broken row or range of rows, or a bad checkpoint."""

    seq_from: int | None
    seq_to: int | None
    event_id: int | None
    reason: str

    def line(self) -> str:
        if self.seq_from is None:
            return self.reason
        if self.seq_to is not None and self.seq_to != self.seq_from:
            n = self.seq_to - self.seq_from + 1
            return f"seq={self.seq_from}–{self.seq_to} ({n} events): {self.reason}"
        ident = f" id={self.event_id}" if self.event_id is not None else ""
        return f"seq={self.seq_from}{ident}: {self.reason}"


@dataclass
class Report:
    """What a verification found: events checked, the head, the anchors used, every finding."""

    checked: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    checkpoints: int = 0
    anchored_to: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def read_checkpoints(path: Path) -> tuple[list[dict], list[Finding]]:
    """The checkpoint documents of a file (JSON lines, or one JSON object or array)."""
    text = path.read_text("utf-8")
    docs: list[dict] = []
    problems: list[Finding] = []
    stripped = text.strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            value = json.loads(stripped)
            return ([value] if isinstance(value, dict) else list(value)), []
        except ValueError:
            pass
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            problems.append(Finding(None, None, None, f"checkpoint file line {n}: not JSON"))
            continue
        if isinstance(value, dict):
            docs.append(value)
        else:
            problems.append(Finding(None, None, None, f"checkpoint file line {n}: not an object"))
    return docs, problems


def _valid(docs: list[dict], public_key: Ed25519PublicKey, report: Report) -> list[dict]:
    good, seen = [], set()
    for i, doc in enumerate(docs, start=1):
        if doc.get("sig") in seen:
            continue  # the same checkpoint from the file and from the database
        where = f"checkpoint {i} (seq {doc.get('from_seq')}–{doc.get('seq')})"
        if doc.get("kind") != KIND or doc.get("v") != VERSION:
            report.findings.append(Finding(None, None, None, f"{where}: not a checkpoint"))
        elif not signature_ok(doc, public_key):
            report.findings.append(
                Finding(None, None, None, f"{where}: signature invalid or another key")
            )
        else:
            n = int(doc["seq"]) - int(doc["from_seq"]) + 1
            if n < 1 or len(doc.get("leaves", "")) != n * LEAF_HEX:
                report.findings.append(Finding(None, None, None, f"{where}: malformed"))
            else:
                good.append(doc)
                seen.add(doc["sig"])
    return sorted(good, key=lambda d: int(d["from_seq"]))


def _anchors(docs: list[dict], report: Report) -> Iterator[tuple[int, str, str | None]]:
    """(seq, leaf, head hash if a checkpoint ends there) in seq order, each seq once."""
    done = 0
    for doc in docs:
        start, end, leaves = int(doc["from_seq"]), int(doc["seq"]), doc["leaves"]
        for seq in range(max(start, done + 1), end + 1):
            i = (seq - start) * LEAF_HEX
            yield seq, leaves[i : i + LEAF_HEX], doc["hash"] if seq == end else None
        if start > done + 1 and done:
            report.findings.append(
                Finding(
                    None,
                    None,
                    None,
                    f"no checkpoint covers seq {done + 1}–{start - 1} (a line of the file is "
                    "missing); those rows are checked against the chain only",
                )
            )
        done = max(done, end)


def verify_chain(
    events: Iterable[AuditEvent],
    *,
    checkpoints: list[dict] | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> Report:
    """Walk the whole chain (not stopping at the first fault) and, with checkpoints, compare it
    with them: every missing, changed, rewritten or forged row is named."""
    report = Report()
    docs = _valid(checkpoints or [], public_key, report) if checkpoints else []
    report.checkpoints = len(docs)
    report.anchored_to = max((int(d["seq"]) for d in docs), default=0)
    anchors = _anchors(docs, report)
    anchor = next(anchors, None)
    prev_hash, expected = GENESIS, 1

    def missing(upto: int) -> None:
        nonlocal anchor
        while anchor is not None and anchor[0] <= upto:
            anchor = next(anchors, None)
        reason = "missing: deleted from the chain"
        if expected <= report.anchored_to:
            reason += " (the checkpoint holds it)"
        report.findings.append(Finding(expected, upto, None, reason))

    for ev in events:
        if ev.seq > expected:
            missing(ev.seq - 1)
        elif ev.prev_hash != prev_hash:
            report.findings.append(
                Finding(ev.seq, None, ev.pk, "prev_hash does not match the previous event's hash")
            )
        if event_hash(ev.chain_fields()) != ev.hash:
            report.findings.append(
                Finding(ev.seq, None, ev.pk, "content does not match its hash (row changed)")
            )
        while anchor is not None and anchor[0] < ev.seq:
            anchor = next(anchors, None)
        if anchor is not None and anchor[0] == ev.seq:
            if leaf(ev) != anchor[1]:
                report.findings.append(
                    Finding(
                        ev.seq,
                        None,
                        ev.pk,
                        "differs from the checkpoint: rewritten or forged (hashes recomputed)",
                    )
                )
            if anchor[2] is not None and anchor[2] != ev.hash:
                report.findings.append(
                    Finding(ev.seq, None, ev.pk, "chain hash differs from the checkpoint's head")
                )
            anchor = next(anchors, None)
        prev_hash, expected = ev.hash, ev.seq + 1
        report.checked += 1
        report.head_seq, report.head_hash = ev.seq, ev.hash
    if report.anchored_to >= expected:
        reason = (
            "missing: the chain is empty, the checkpoint holds these events"
            if report.checked == 0
            else "missing: cut off the end of the chain (the checkpoint holds them)"
        )
        report.findings.append(Finding(expected, report.anchored_to, None, reason))
    return report
