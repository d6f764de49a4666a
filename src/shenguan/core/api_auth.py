"""API authentication: bearer tokens for systems (rate-limited) and the browser session."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from ninja.security import HttpBearer, SessionAuth

from shenguan.core.errors import DomainError, RateLimited


class Unauthenticated(DomainError):
    """Missing, malformed, expired or revoked credentials (未认证): 401."""

    status = 401


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer sg_<prefix>_<secret>` for other government systems."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header and not header.lower().startswith("bearer "):
            raise Unauthenticated("bad_auth_scheme", "认证方式无效：请使用 Bearer 令牌")
        return super().__call__(request)

    def authenticate(self, request, token):
        from shenguan.audit.services import audit_denied
        from shenguan.org.auth import authenticate_token, parse_token

        principal = getattr(request, "_token_principal", None) or authenticate_token(token)
        if principal is None:
            parsed = parse_token(token)
            audit_denied(
                actor=None,
                action="auth.token_failed",
                reason="malformed" if parsed is None else "invalid_expired_or_revoked",
            )
            raise Unauthenticated("invalid_token", "接口令牌无效、已过期或已吊销")
        check_rate_limit(principal)
        return principal


class SessionCsrfAuth(SessionAuth):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            return user
        return None


def check_rate_limit(principal) -> None:
    """Fixed one-minute window per token; over the limit answers 429 with Retry-After."""
    limit = principal.token.rate_limit_per_minute or settings.SHENGUAN_TOKEN_RATE_LIMIT_PER_MINUTE
    window = int(time.time() // 60)
    key = f"ratelimit:token:{principal.pk}:{window}"
    count = 1
    if not cache.add(key, 1, timeout=70):
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr (a small cache): start again
            cache.add(key, 1, timeout=70)
    if count > limit:
        err = RateLimited("rate_limited", f"请求过于频繁：每分钟不得超过 {limit} 次")
        err.retry_after = 60 - int(time.time() % 60)
        raise err


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]
