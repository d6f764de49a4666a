"""What the catalogue's API shares: its router, error responses and the reader's jurisdiction."""

from __future__ import annotations

import datetime as dt

from ninja import Router

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ValidationFailed
from shenguan.org.selectors import jurisdiction_get

router = Router(tags=["catalog"])


READ = error_responses()


DETAIL = error_responses(404)


WRITE = error_responses(400, 403, 404, 409)


MAX_UPLOAD = 20 * 1024 * 1024


def _jurisdiction(request, jurisdiction_id: int | None):
    jid = jurisdiction_id or request.auth.jurisdiction_id
    if jid is None:
        raise ValidationFailed("jurisdiction_required", "请指定行政区划", "jurisdiction_id")
    return jurisdiction_get(user=request.auth, pk=jid)


def _present(data: dict) -> dict:
    """The fields a PATCH body actually sent."""
    return {k: v for k, v in data.items() if v is not None}


def handling_out(h, on_date: dt.date) -> dict:
    """A Handling as the API shows it."""
    return {
        "on_date": on_date,
        "department": h.department,
        "by_bureau": h.by_bureau,
        "status": h.status,
        "since": h.since,
        "memo_id": h.memo.pk if h.memo else None,
        "memo_required": h.memo_required,
        "waiting_for_memo": h.waiting_for_memo,
        "transition_months": h.transition_months,
        "transition_ends_on": h.transition_ends_on,
        "in_transition": h.in_transition,
        "hall_window": h.hall_window,
        "reason": h.reason,
    }
