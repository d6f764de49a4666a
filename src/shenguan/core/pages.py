"""Helpers shared by the server-rendered pages of the apps: refusals shown on the page, the way
back, and query parameters read leniently (a bad value is ignored, never a 500)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from shenguan.core.errors import DomainError, ErrorList, PermissionDenied


def show_error(request, exc: DomainError) -> None:
    """Show a refusal on the page the user returns to; a missing right is a 403 page."""
    if isinstance(exc, PermissionDenied):
        raise exc
    if isinstance(exc, ErrorList):
        for p in exc.problems[:20]:
            messages.error(request, p.get("message", ""))
    messages.error(request, exc.message)


def back(request, default: str):
    """Back to `next` when it is one of ours, else to the default."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(default)


def date_param(value) -> dt.date | None:
    """A YYYY-MM-DD query parameter, or None when absent or bad."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def int_param(value) -> int | None:
    """A positive integer query parameter, or None."""
    try:
        v = int(value)
    except (TypeError, ValueError):
        return None
    return v if 0 < v < 2**63 else None


def flag_param(value) -> bool | None:
    """1/0 (or on/off) query parameter → True/False, else None."""
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    return None
