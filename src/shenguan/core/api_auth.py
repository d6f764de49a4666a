"""API authentication: bearer tokens for systems (rate-limited) and the browser session."""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from shenguan.core.errors import DomainError, RateLimited

from . import ratelimit
from .middleware import client_ip

# How bearer tokens are checked: the app that issues them (org) registers its functions here.
_TOKEN_BACKEND: dict = {}


def register_token_backend(*, authenticate, parse) -> None:
    """Register authenticate(token) -> principal | None and parse(token) -> parts | None (from
    the token-issuing app's ready())."""
    _TOKEN_BACKEND["authenticate"] = authenticate
    _TOKEN_BACKEND["parse"] = parse


def authenticate_token(token: str):
    """The principal of a valid, unexpired, unrevoked token, or None."""
    try:
        return _TOKEN_BACKEND["authenticate"](token)
    except KeyError:
        raise RuntimeError("no token backend registered (org registers it in ready())") from None


def parse_token(token: str):
    """The parts of a well-formed token, or None."""
    return _TOKEN_BACKEND["parse"](token)


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
        principal = getattr(request, "_token_principal", None) or authenticate_token(token)
        if principal is None:
            parsed = parse_token(token)
            over, left = unauthenticated_attempt(
                request,
                action="auth.token_failed",
                reason="malformed" if parsed is None else "invalid_expired_or_revoked",
            )
            if over:
                err = RateLimited("too_many_failures", "无效令牌尝试过于频繁，请稍后再试")
                err.retry_after = left
                raise err
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
    """Fixed one-minute window per token, shared by all processes; over the limit answers 429
    with Retry-After."""
    limit = principal.token.rate_limit_per_minute or settings.SHENGUAN_TOKEN_RATE_LIMIT_PER_MINUTE
    count, left = ratelimit.hit(f"token:{principal.pk}")
    if count > limit:
        err = RateLimited("rate_limited", f"请求过于频繁：每分钟不得超过 {limit} 次")
        err.retry_after = left
        raise err


def unauthenticated_attempt(request, *, action: str, reason: str) -> tuple[bool, int]:
    """Count an unauthenticated API request of a client address and audit it, up to
    SHENGUAN_UNAUTHENTICATED_AUDIT_PER_MINUTE a minute; the first one over is audited once as
    `auth.flood`, later ones are not (a flood must not fill the chain). (over the limit, seconds
    left in the window)."""
    from .audit_hooks import audit_denied

    limit = settings.SHENGUAN_UNAUTHENTICATED_AUDIT_PER_MINUTE
    ip = client_ip(request)
    count, left = ratelimit.hit(f"unauthenticated:{ip}")
    if count <= limit:
        audit_denied(actor=None, action=action, obj=("api.path", request.path[:64]), reason=reason)
    elif count == limit + 1:
        audit_denied(
            actor=None,
            action="auth.flood",
            obj=("client", ip[:64]),
            reason=f"over {limit} unauthenticated API requests in a minute; not audited further",
        )
    return count > limit, left


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]
