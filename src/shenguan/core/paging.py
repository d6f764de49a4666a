"""Pages of a list with a total and page numbers (issue 12 item 10: lists showed neither).

The total is counted up to `COUNT_CAP` rows (`SELECT COUNT(*) FROM (… LIMIT n)`), so a list of
millions of rows still answers at once; beyond the cap the page says "10000 条以上"."""

from __future__ import annotations

COUNT_CAP = 10000


def page_numbers(number: int, pages: int, around: int = 2) -> list[int | None]:
    """1 … n-2 n-1 n n+1 n+2 … last (None marks a gap)."""
    wanted = {1, pages, *range(number - around, number + around + 1)}
    shown = sorted(p for p in wanted if 1 <= p <= pages)
    out: list[int | None] = []
    for p in shown:
        if out and p - (out[-1] or 0) > 1:
            out.append(None)
        out.append(p)
    return out


def paginate(request, qs, size: int) -> dict:
    """One page: items, number, previous/next flags, the query string without `page`, the
    (capped) total, the number of pages and the page numbers to link."""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 100000))
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * size : number * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    if number == 1 and len(rows) <= size:
        total = len(rows)  # one page: no count query
    else:
        total = qs.order_by()[: COUNT_CAP + 1].count() if hasattr(qs, "order_by") else len(qs)
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    pages = max(1, -(-total // size))
    return {
        "items": rows[:size],
        "number": number,
        "has_next": len(rows) > size,
        "has_prev": number > 1,
        "query": query.urlencode(),
        "total": total,
        "capped": capped,
        "pages": pages,
        "numbers": [] if capped else page_numbers(min(number, pages), pages),
    }
