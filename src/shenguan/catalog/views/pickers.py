"""Server-side search of the catalogue's item pickers (core.widgets.AutocompleteSelect): at most
20 matches, never a 20,000-option <select> (issue 12 item 10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from shenguan.core.widgets import pick_response

from ..models import LicensingItem


@login_required
@require_GET
def pick_items(request):
    """Active licensing items of the user's jurisdictions (optionally one), by name or code."""
    qs = LicensingItem.objects.filter(
        jurisdiction_id__in=request.user.visible_jurisdiction_ids, active=True
    )
    j = str(request.GET.get("jurisdiction") or "")
    if j.isdigit():
        qs = qs.filter(jurisdiction_id=int(j))
    return pick_response(
        request, qs.order_by("code", "name"), search_fields=("name", "code"), label=str
    )
