"""Page-number pagination for API lists; the total is counted only when asked for."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from ninja import Field, Schema

T = TypeVar("T")


class PageParams(Schema):
    """Query parameters of a paged list."""

    page: int = Field(1, ge=1, le=100000, description="页码，从1开始")
    page_size: int = Field(50, ge=1, le=500, description="每页条数（最多500）")
    with_total: bool = Field(False, description="是否返回总数（大表上较慢）")


class Page(Schema, Generic[T]):
    """One page of a list: the items, whether more follow, and the total if asked for."""

    items: list[T]
    page: int
    page_size: int
    has_next: bool
    total: int | None = None


def paginate(qs, params: PageParams) -> dict[str, Any]:
    """Slice a queryset into a page; fetches one extra row to know whether more follow."""
    size = min(params.page_size, settings.SHENGUAN_API_MAX_PAGE_SIZE)
    start = (params.page - 1) * size
    rows = list(qs[start : start + size + 1])
    return {
        "items": rows[:size],
        "page": params.page,
        "page_size": size,
        "has_next": len(rows) > size,
        "total": qs.count() if params.with_total else None,
    }
