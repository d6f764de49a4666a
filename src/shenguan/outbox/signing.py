"""Standard Webhooks 1.0 symmetric signatures (Webhook 签名): whsec_ secrets and v1 HMAC-SHA256.

The signed content is `{msg_id}.{timestamp}.{body}`; the `webhook-signature` header carries one or
more space-separated `v1,<base64>` signatures (several during a secret rotation).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SECRET_MIN_BYTES = 24
SECRET_MAX_BYTES = 64
TOLERANCE_SECONDS = 5 * 60


class SignatureError(Exception):
    """A webhook that fails verification: bad headers, stale timestamp or no matching signature."""


def secret_generate(nbytes: int = 32) -> str:
    """A new signing secret (签名密钥): `whsec_` + base64 of `nbytes` random bytes (24–64)."""
    if not SECRET_MIN_BYTES <= nbytes <= SECRET_MAX_BYTES:
        raise ValueError("secret length must be 24–64 bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a `whsec_…` secret (the prefix optional, as in the reference libraries)."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("secret is not base64") from exc
    if not key:
        raise ValueError("secret is empty")
    return key


def secret_is_valid(secret: str) -> bool:
    """Whether a secret has our format: whsec_ and 24–64 bytes of base64."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        key = secret_bytes(secret)
    except ValueError:
        return False
    return SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, to_sign, hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message."""
    if "." in msg_id:
        raise ValueError("message id must not contain '.'")
    sig = _digest(secret_bytes(secret), msg_id, int(timestamp), body)
    return "v1," + base64.b64encode(sig).decode("ascii")


def signature_header(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per secret, space-separated."""
    return " ".join(sign(s, msg_id, timestamp, body) for s in secrets_)


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature_header(secrets_, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    msg_id: str,
    timestamp: str | int,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Check a received webhook; raise SignatureError unless one v1 signature matches in time."""
    if not msg_id or timestamp in (None, "") or not signature:
        raise SignatureError("missing webhook headers")
    try:
        ts = int(str(timestamp))
    except ValueError as exc:
        raise SignatureError("invalid webhook-timestamp") from exc
    current = time.time() if now is None else now
    if ts < current - tolerance:
        raise SignatureError("message timestamp too old")
    if ts > current + tolerance:
        raise SignatureError("message timestamp too new")
    expected = _digest(secret_bytes(secret), msg_id, ts, body)
    for item in signature.split(" "):
        version, sep, value = item.partition(",")
        if not sep or version != "v1":
            continue
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(expected, given):
            return
    raise SignatureError("no matching signature")
