"""Idempotency-Key on API POSTs: the first response is stored and replayed for 24 hours.

The key, the change and the stored answer commit in ONE transaction (issue 12 item 4, ADR 0021):
the middleware runs the request inside `transaction.atomic()`, so the services' own atomic blocks
become savepoints of it, and the answer is written just before the commit. A process killed
mid-request (kill -9) leaves nothing: the database rolls the transaction back, the key included,
and the retry runs again. A retry after a commit finds the stored answer and replays it. There
is no "in progress" marker that could outlive its process.

Rules (see tests/api/test_idempotency.py and tests/api/test_idempotency_crash.py):
- the key is scoped to the principal (a token or a session user), never shared between them;
- the fingerprint covers method, full path (with query string) and body: the same key with a
  different request answers 422 and runs nothing;
- while the first request runs, a repeat answers 409 on PostgreSQL (a transaction-scoped
  advisory lock on the key, released by the commit, the rollback or the death of the session);
  SQLite serialises writers, so there the repeat waits for the first and replays its answer;
- only answers that a retry would get again are stored (2xx and domain 4xx); 401, 403, 408, 425
  and 429 are not stored (the client may fix something and retry with the same key); a 5xx
  rolls the whole request back, so that the retry runs on a clean slate;
- a record older than the TTL is treated as new; a record without an answer (written by a
  version before the single transaction) is taken over.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotencyRecord

API_PREFIX = "/api/v1/"

# Answers that must not be replayed: the client is expected to fix something and retry.
_NOT_STORED = frozenset({401, 403, 408, 425, 429})


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "field": "Idempotency-Key"}, status=status
    )


def _principal(request) -> str | None:
    """Who sent the request: a verified token or the session user."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        from .api_auth import authenticate_token

        p = authenticate_token(header[7:].strip())
        if p is None:
            return None
        request._token_principal = p
        return f"token:{p.pk}"
    if header:
        return None  # another scheme: authentication will refuse it
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request) -> str:
    return hashlib.sha256(
        request.method.encode() + b" " + request.get_full_path().encode() + b"\n" + request.body
    ).hexdigest()


def _replay(existing: IdempotencyRecord) -> HttpResponse:
    resp = HttpResponse(
        bytes(existing.response_body or b""),
        status=existing.status_code,
        content_type=existing.content_type or "application/json",
    )
    resp["Idempotent-Replayed"] = "true"
    return resp


def _lock_key(principal: str, key: str) -> int:
    """A signed 64-bit advisory-lock key for one principal's Idempotency-Key."""
    digest = hashlib.sha256(f"idempotency:{principal}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _in_progress() -> JsonResponse:
    return _error("idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中", 409)


class IdempotencyMiddleware:
    """Replay the stored answer to a repeated POST; refuse a reused key with a different body;
    run a first POST with a key in one transaction with its stored answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not (1 <= len(key) <= 255) or not key.isascii() or not key.isprintable():
            return _error("bad_idempotency_key", "Idempotency-Key 须为1–255位可打印ASCII字符", 400)
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)  # authentication will refuse it
        with transaction.atomic():
            return self._run(request, principal, key)

    def _run(self, request, principal: str, key: str):
        """Inside the request's transaction: replay, refuse, or run and store the answer."""
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(principal, key)])
                if not cur.fetchone()[0]:
                    return _in_progress()
        body_hash = _fingerprint(request)
        now = timezone.now()
        ttl = dt.timedelta(hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS)
        existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if existing is not None:
            if existing.created_at >= now - ttl and existing.status_code is not None:
                if existing.body_hash != body_hash:
                    return _error(
                        "idempotency_key_reused", "该 Idempotency-Key 已用于不同的请求内容", 422
                    )
                return _replay(existing)
            existing.delete()  # expired, or a marker left by an older version: start afresh
        response = self.get_response(request)
        if response.status_code >= 500:
            # Whatever the request changed before it failed goes too: the retry runs again.
            transaction.set_rollback(True)
            return response
        if response.status_code in _NOT_STORED or getattr(response, "streaming", False):
            return response
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    principal=principal,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    body_hash=body_hash,
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", "")[:100],
                    response_body=response.content,
                    created_at=now,
                    completed_at=timezone.now(),
                )
        except IntegrityError:
            # Another request with this key committed first (only possible without the lock).
            transaction.set_rollback(True)
            return _in_progress()
        return response


def idempotency_purge(older_than: dt.datetime | None = None) -> int:
    """Delete stored responses past their 24 hours (a periodic sweep)."""
    cutoff = older_than or timezone.now() - dt.timedelta(
        hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS
    )
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
