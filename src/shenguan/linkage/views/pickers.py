"""Server-side search of the item and department pickers (core.widgets.AutocompleteSelect): at
most 20 matches of what the user may pick, never the whole list (issue 12 item 10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from shenguan.core.widgets import pick_response

from .common import _departments, _items


@login_required
@require_GET
def pick_items(request):
    """Licensing items the user may see, by name or code."""
    return pick_response(request, _items(request.user), search_fields=("name", "code"), label=str)


@login_required
@require_GET
def pick_departments(request):
    """Departments the user may see, by name."""
    return pick_response(
        request,
        _departments(request.user),
        search_fields=("name", "short_name"),
        label=str,
    )
