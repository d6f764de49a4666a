"""The demo-data registry: each app registers idempotent steps that `shenguan demo_load` runs
(the organisation is step 10, registered by the portal app: shenguan.portal.demo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    """One idempotent step of the demo data set: running it twice changes nothing."""

    order: int
    name: str
    func: Callable[[], str | None]


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(order: int, name: str, func: Callable[[], str | None]) -> None:
    """Add a step (from an app's ready()); lower order runs first. The org step is order 10."""
    _STEPS[name] = DemoStep(order, name, func)


def demo_steps() -> list[DemoStep]:
    """All registered steps in order."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
