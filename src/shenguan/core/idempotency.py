"""Idempotency-Key on API POSTs: the first response is stored and replayed for 24 hours."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotencyRecord

API_PREFIX = "/api/v1/"


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": "Idempotency-Key"}, status=status)


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
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


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
        body_hash = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        now = timezone.now()
        ttl = dt.timedelta(hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS)
        record = None
        for _ in range(2):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=principal, key=key, method=request.method, path=request.path[:500],
                        body_hash=body_hash, created_at=now,
                    )
                break
            except IntegrityError:
                existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
                if existing is None:
                    continue
                if existing.created_at < now - ttl:
                    IdempotencyRecord.objects.filter(pk=existing.pk).delete()
                    continue
                if existing.body_hash != body_hash:
                    return _error("idempotency_key_reused",
                                  "该 Idempotency-Key 已用于不同的请求内容", 422)
                if existing.status_code is None:
                    return _error("idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中", 409)
                resp = HttpResponse(bytes(existing.response_body or b""), status=existing.status_code,
                                    content_type=existing.content_type or "application/json")
                resp["Idempotent-Replayed"] = "true"
                return resp
        if record is None:
            return _error("idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理中", 409)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
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
    cutoff = older_than or timezone.now() - dt.timedelta(hours=settings.SHENGUAN_IDEMPOTENCY_TTL_HOURS)
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
