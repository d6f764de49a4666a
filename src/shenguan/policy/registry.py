"""Registries of the policy app (时限用途与时限来源登记): which profile parameter budgets each
deadline purpose, and which tables re-budget their own deadlines on a recompute. Apps register
from their AppConfig.ready() through `policy.services` (which re-exports these); selectors and
services both read them here, so neither imports the other for them."""

from __future__ import annotations

from collections.abc import Callable

from .params import PolicyParams

# Which profile parameter gives the budget of deadlines of each purpose (filled by apps).
_PURPOSE_PARAMS: dict[str, str] = {}


def register_deadline_purpose(purpose: str, param: str) -> None:
    """Declare that deadlines of `purpose` take their budget from profile parameter `param`."""
    if param not in PolicyParams.model_fields:
        raise ValueError(f"unknown policy parameter {param}")
    _PURPOSE_PARAMS[purpose] = param


def purpose_param(purpose: str) -> str | None:
    """The profile parameter behind a deadline purpose, if registered."""
    return _PURPOSE_PARAMS.get(purpose)


# Tables that carry deadlines on their own rows (e.g. linkage pushes, ADR 0014) register how a
# recompute re-budgets them: recompute(*, actor, profile, version, params, reason) -> int gives
# their open deadlines in the profile's jurisdictions the budget of `version` (in batches of their
# own transactions, each change audited) and returns how many changed; preview(*, profile,
# params) -> (candidates, would change) counts the same without writing.
_POLICY_SOURCES: dict[str, Callable[..., int]] = {}
_POLICY_PREVIEWS: dict[str, Callable[..., tuple[int, int]]] = {}


def register_policy_source(
    name: str, recompute: Callable[..., int], preview: Callable[..., tuple[int, int]]
) -> None:
    """Register (or replace) a deadline source re-budgeted by `policy_recompute`."""
    _POLICY_SOURCES[name] = recompute
    _POLICY_PREVIEWS[name] = preview


def policy_source_previews() -> dict[str, Callable[..., tuple[int, int]]]:
    """The preview function of every registered policy source, by name."""
    return dict(_POLICY_PREVIEWS)


def registered_purposes() -> dict[str, str]:
    """Every registered deadline purpose and its parameter."""
    return dict(_PURPOSE_PARAMS)
