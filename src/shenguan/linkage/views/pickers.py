"""Server-side search of the item and department pickers (core.widgets.AutocompleteSelect): at
most 20 matches of what the user may pick, never the whole list (issue 12 item 10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from shenguan.core.errors import PermissionDenied
from shenguan.core.widgets import pick_response
from shenguan.org.roles import Perm

from .common import _departments, _items


@login_required
@require_GET
def pick_items(request):
    """Licensing items the user may see (catalogue readers), by name or code."""
    if not request.user.can(Perm.CATALOG_READ):
        raise PermissionDenied("forbidden", "无权查看事项目录")
    return pick_response(request, _items(request.user), search_fields=("name", "code"), label=str)


@login_required
@require_GET
def pick_departments(request):
    """Departments the user may see (readers of pushes), by name."""
    if not request.user.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权查看部门")
    return pick_response(
        request,
        _departments(request.user),
        search_fields=("name", "short_name"),
        label=str,
    )
