"""Helpers of the oversight pages: one page of a list, refusals shown on the page, dates."""

from __future__ import annotations

from shenguan.core.pages import back, date_param, flag_param, int_param, show_error

__all__ = ["PAGE_SIZE", "back", "date_param", "flag_param", "int_param", "page_of", "show_error"]

PAGE_SIZE = 50


def page_of(request, qs, size: int = PAGE_SIZE) -> dict:
    """One page with its (capped) total and page numbers (core.paging)."""
    from shenguan.core.paging import paginate

    return paginate(request, qs, size)
