"""Template context for the UI shell: navigation and banners."""

from __future__ import annotations


def shell(request) -> dict:
    """Navigation entries and administrator banners for the current user."""
    from shenguan.core.navigation import banners_for, navigation_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "banners": []}
    return {"nav": navigation_for(user), "banners": banners_for(user)}
