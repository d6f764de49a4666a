"""Helpers of the review pages: one page of a list, refusals shown on the page, dates."""

from __future__ import annotations

from shenguan.core.pages import back, date_param, flag_param, int_param, show_error

__all__ = ["PAGE_SIZE", "back", "date_param", "flag_param", "int_param", "page_of", "show_error"]

PAGE_SIZE = 50


def page_of(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page without counting: items, number, previous/next flags, the query string."""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100000))
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * size : number * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": rows[:size],
        "number": number,
        "has_next": len(rows) > size,
        "has_prev": number > 1,
        "query": query.urlencode(),
    }
