"""System clients: the principal behind an API token, with the same actor protocol as a user."""

from __future__ import annotations

import hmac
from functools import cached_property

from django.utils import timezone

from .models import ApiToken, visible_jurisdiction_ids_for
from .roles import OVERSIGHT_ROLES, perms_for
from .services import TOKEN_PREFIX, hash_secret


class TokenPrincipal:
    """A system client acting through an API token (系统接入方)."""

    kind = "token"
    is_authenticated = True
    is_anonymous = False
    is_superuser = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.pk = token.pk
        self.department_id = token.department_id
        self.department = token.department
        self.jurisdiction_id = token.jurisdiction_id
        self.role_set = frozenset(token.roles)
        self.perms = perms_for(self.role_set)
        self.is_active = token.is_active

    @property
    def display_name(self) -> str:
        """Shown in audit events and timelines."""
        return f"接口:{self.token.name}({self.token.prefix})"

    def can(self, perm: str) -> bool:
        """Whether the token's roles grant a permission."""
        return self.is_active and perm in self.perms

    @cached_property
    def visible_jurisdiction_ids(self) -> frozenset[int]:
        """The token's jurisdiction (and those below it for oversight roles)."""
        return visible_jurisdiction_ids_for(self.jurisdiction_id, self.role_set)

    @property
    def is_oversight(self) -> bool:
        """Whether the token reads as an oversight role."""
        return bool(self.role_set & OVERSIGHT_ROLES)

    def __str__(self) -> str:
        return self.display_name


def parse_token(raw: str) -> tuple[str, str] | None:
    """Split 'sg_<prefix>_<secret>' into (prefix, secret), or None if malformed."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    body = raw[len(TOKEN_PREFIX) :]
    prefix, sep, secret = body.partition("_")
    if not sep or len(prefix) != 8 or not secret or len(secret) > 100:
        return None
    if not all(c in "0123456789abcdef" for c in prefix):
        return None
    return prefix, secret


def authenticate_token(raw: str) -> TokenPrincipal | None:
    """The principal for a valid, unexpired, unrevoked token; None otherwise."""
    parsed = parse_token(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    tok = ApiToken.objects.select_related("department").filter(prefix=prefix).first()
    if tok is None or not hmac.compare_digest(tok.secret_hash, hash_secret(secret)):
        return None
    if not tok.is_active:
        return None
    now = timezone.now()
    if tok.last_used_at is None or (now - tok.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
    return TokenPrincipal(tok)
