"""The role registry: the app that defines the roles (org) registers them with core — their
order, their labels and the permissions each grants — so that the shell can name a user's roles
and find the menu entries meant for a role without core importing that app (ADR 0020)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_ORDER: list[str] = []
_LABELS: dict[str, object] = {}
_PERMS: dict[str, frozenset[str]] = {}


def register_roles(
    choices: Iterable[tuple[str, object]], perms: Mapping[str, Iterable[str]]
) -> None:
    """Register the roles in display order with their (translatable) labels and permissions
    (called from the defining app's ready(); a second call replaces the first)."""
    _ORDER[:] = [str(code) for code, _label in choices]
    _LABELS.clear()
    _LABELS.update({str(code): label for code, label in choices})
    _PERMS.clear()
    _PERMS.update({str(role): frozenset(p) for role, p in perms.items()})


def role_label(code: str) -> str:
    """The label of a role in the active language (the code itself if unknown)."""
    return str(_LABELS.get(code, code))


def role_labels(role_set) -> list[dict]:
    """A user's roles in the registered order: [{code, label}]."""
    return [{"code": c, "label": _LABELS[c]} for c in _ORDER if c in role_set]


def perms_of_role(role: str) -> frozenset[str]:
    """The permissions a role grants (empty for an unknown role)."""
    return _PERMS.get(role, frozenset())
