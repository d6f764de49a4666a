"""The navigation registry: each app registers the pages a role sees in the menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    """A menu entry (菜单项): label, URL name and the permission or roles that show it."""

    label: str
    url_name: str
    group: str
    perm: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100


_ENTRIES: list[NavEntry] = []
_BANNERS: list[Callable] = []
_HEADER_ITEMS: list[str] = []


def register_nav(entry: NavEntry) -> None:
    """Add a menu entry (called from an app's ready())."""
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def register_banner(func: Callable) -> None:
    """Add a banner provider: func(user) -> list of {level, text, url}."""
    if func not in _BANNERS:
        _BANNERS.append(func)


def register_header_item(template: str) -> None:
    """Add a template included in the page header for signed-in users (e.g. a notification
    badge); it renders with the page's context (`user`, `request`)."""
    if template not in _HEADER_ITEMS:
        _HEADER_ITEMS.append(template)


def header_items() -> list[str]:
    """Templates registered for the page header."""
    return list(_HEADER_ITEMS)


def navigation_for(user) -> list[dict]:
    """The menu for a user, grouped, in order."""
    groups: dict[str, list[dict]] = {}
    for e in sorted(_ENTRIES, key=lambda e: (e.order, e.label)):
        if e.perm and not user.can(e.perm):
            continue
        if e.roles and not (user.role_set & e.roles):
            continue
        try:
            url = reverse(e.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(e.group, []).append({"label": e.label, "url": url})
    return [{"group": g, "entries": items} for g, items in groups.items()]


def nav_entries_for_role(user, role: str) -> list[dict]:
    """The menu entries meant for one role (by its roles or a permission it grants) that the
    user may open; entries shown to everyone are left to the sidebar."""
    from .roles import perms_of_role

    role_perms = perms_of_role(role)
    out = []
    for e in sorted(_ENTRIES, key=lambda e: (e.order, e.label)):
        meant = (e.roles and role in e.roles) or (e.perm and e.perm in role_perms)
        if not meant:
            continue
        if e.perm and not user.can(e.perm):
            continue
        try:
            url = reverse(e.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": e.label, "url": url, "group": e.group})
    return out


def banners_for(user) -> list[dict]:
    """Banners (notices for administrators, e.g. next year's calendar missing)."""
    out: list[dict] = []
    for func in _BANNERS:
        out.extend(func(user) or [])
    return out
