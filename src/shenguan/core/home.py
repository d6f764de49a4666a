"""The home-page registry: apps register sections shown to the roles they concern (the portal app
registers one per role, shenguan.portal.home)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HomeSection:
    """A block on the home page: title, template, the roles that see it, and a context builder."""

    key: str
    title: str
    template: str
    roles: frozenset[str]
    context: Callable | None = None
    order: int = 100
    extra: dict = field(default_factory=dict)


_SECTIONS: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    """Add or replace a home-page section (called from an app's ready())."""
    _SECTIONS[section.key] = section


def home_sections(user) -> list[dict]:
    """The sections a user sees, with their context, in order."""
    out = []
    for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if not (user.role_set & s.roles):
            continue
        ctx = s.context(user) if s.context else {}
        out.append({"key": s.key, "title": s.title, "template": s.template, "ctx": ctx})
    return out
