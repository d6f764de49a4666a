"""Template context for the UI shell: navigation, banners and the user's roles."""

from __future__ import annotations


def shell(request) -> dict:
    """Navigation entries, administrator banners and role labels for the current user."""
    from shenguan.core.navigation import banners_for, header_items, navigation_for
    from shenguan.core.roles import role_labels

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "banners": [], "user_roles": [], "header_items": []}
    return {
        "nav": navigation_for(user),
        "banners": banners_for(user),
        "user_roles": role_labels(user.role_set),
        "header_items": header_items(),
    }
