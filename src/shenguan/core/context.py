"""Per-request context (request id, client address) carried in context variables."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def new_request_id() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


def set_request(request_id: str | None, client_ip: str | None = None):
    """Bind the current request id and client address; returns tokens for reset."""
    return _request_id.set(request_id), _client_ip.set(client_ip)


def reset_request(tokens) -> None:
    """Unbind what `set_request` bound."""
    _request_id.reset(tokens[0])
    _client_ip.reset(tokens[1])


def current_request_id() -> str | None:
    """The id of the request being served, or None in the worker and commands."""
    return _request_id.get()


def current_client_ip() -> str | None:
    """The client address of the request being served."""
    return _client_ip.get()
