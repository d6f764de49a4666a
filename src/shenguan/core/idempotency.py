"""Idempotency-Key on API POSTs: the first response is stored and replayed for 24 hours.

Rules (see tests/api/test_idempotency.py):
- the key is scoped to the principal (a token or a session user), never shared between them;
- the fingerprint covers method, full path (with query string) and body: the same key with a
  different request answers 422 and runs nothing;
- while the first request runs, a repeat answers 409; a record left "in progress" by a crashed
  process is taken over after SHENGUAN_IDEMPOTENCY_LOCK_SECONDS;
- only answers that a retry would get again are stored (2xx and domain 4xx); 5xx, 401, 403,
  408 and 429 are dropped so that the client may retry with the same key;
- a record older than the TTL is treated as new.
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
        from shenguan.org.auth import authenticate_token

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


class IdempotencyMiddleware:
    """Replay the stored answer to a repeated POST; refuse a reused key with a different body."""

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
        body_hash = _fingerprint(request)
        now = timezone.now()
        ttl = dt.timedelta(hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS)
        lock = dt.timedelta(seconds=getattr(settings, "SHENGUAN_IDEMPOTENCY_LOCK_SECONDS", 600))
        record = None
        for _ in range(3):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=principal,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        body_hash=body_hash,
                        created_at=now,
                    )
                break
            except IntegrityError:
                existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
                if existing is None:
                    continue  # removed meanwhile: try again
                stale = existing.status_code is None and existing.created_at < now - lock
                if existing.created_at < now - ttl or stale:
                    # Expired (or abandoned by a crashed process): delete exactly that row, so
                    # that two requests racing here cannot both take it over.
                    IdempotencyRecord.objects.filter(
                        pk=existing.pk, created_at=existing.created_at
                    ).delete()
                    continue
                if existing.body_hash != body_hash:
                    return _error(
                        "idempotency_key_reused", "该 Idempotency-Key 已用于不同的请求内容", 422
                    )
                if existing.status_code is None:
                    return _error(
                        "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中", 409
                    )
                return _replay(existing)
        if record is None:
            return _error("idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中", 409)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if (
            response.status_code >= 500
            or response.status_code in _NOT_STORED
            or getattr(response, "streaming", False)
        ):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", "")[:100],
            response_body=response.content,
            completed_at=timezone.now(),
        )
        return response


def idempotency_purge(older_than: dt.datetime | None = None) -> int:
    """Delete stored responses past their 24 hours (a periodic sweep)."""
    cutoff = older_than or timezone.now() - dt.timedelta(
        hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS
    )
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
