"""Server-side search of the catalogue's item pickers (core.widgets.AutocompleteSelect): at most
20 matches, never a 20,000-option <select> (issue 12 item 10)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from shenguan.core.widgets import pick_response

from .. import selectors
from .common import reader


@reader
@require_GET
def pick_items(request):
    """Active licensing items the user may read (the item list's scope), by name or code."""
    qs = selectors.item_list(user=request.user, filters={"active": True})
    j = str(request.GET.get("jurisdiction") or "")
    if j.isdigit():
        qs = qs.filter(jurisdiction_id=int(j))
    return pick_response(request, qs, search_fields=("name", "code"), label=str)
