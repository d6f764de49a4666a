"""The registry of deadline kinds that e-monitoring watches (电子监察时限类别).

Each app that owns deadlines (linkage: claims, feedback, answers; credit: 双公示 pushes and
commitment checks; review: technical opinions, notices, certificates; …) declares its kinds here
from its AppConfig.ready(); the oversight app reads every registered kind, derives a level for
each open deadline (normal, yellow, red; closed on time or late) and raises alerts. Core knows
no app: a kind brings a function that yields its rows.

    from shenguan.core.deadlines import DeadlineKind, DeadlineRow, register_deadline_kind
    register_deadline_kind(DeadlineKind(code="credit.record_push", label=_("信用信息推送"),
                                        app_label="credit", rows=credit_deadline_rows))

`rows(*, jurisdiction_ids=None, open_only=True, closed_since=None)` yields DeadlineRow for
the given jurisdictions (None: all): the open deadlines, and with `open_only=False` also those
closed at or after `closed_since` (a datetime; None: all closed ones). It should read in bulk
(one or a few queries, `.values_list()` / `.iterator()`), never one query per row: the monitor
sweeps a million open deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline as the monitor sees it: whose it is, when it started and ends, if closed."""

    kind: str  # DeadlineKind.code
    object_type: str  # "<app_label>.<model>", e.g. "linkage.push"
    object_id: int
    jurisdiction_id: int
    department_id: int  # the department answerable for meeting it
    title: str  # what it is about (shown in alert lists)
    start: dt.date  # the day the count starts from (the day of receipt, ADR 0004)
    budget_days: int  # working days
    due_date: dt.date  # the last working day, already extended by suspensions
    provisional: bool = False  # due date reaches into a year whose calendar is not loaded
    closed_at: dt.datetime | None = None  # None while open
    suspended_days: int = 0  # working days not counted (行政许可法第四十五条)
    url: str = ""  # the page of the object


@dataclass(frozen=True)
class DeadlineKind:
    """A kind of deadline an app owns and e-monitoring watches (时限类别)."""

    code: str  # stable identifier "<app>.<what>", e.g. "linkage.push_claim"
    label: str  # Chinese label (gettext_lazy), e.g. "监管部门认领推送信息"
    app_label: str
    rows: Callable[..., Iterable[DeadlineRow]]
    order: int = 100
    basis: str = ""  # the rule it enforces, by document title and article (shown to users)


_KINDS: dict[str, DeadlineKind] = {}


def register_deadline_kind(kind: DeadlineKind) -> None:
    """Declare a deadline kind (from an AppConfig.ready()); re-registering a code replaces it."""
    _KINDS[kind.code] = kind


def deadline_kinds() -> list[DeadlineKind]:
    """Every registered kind, in display order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def deadline_kind(code: str) -> DeadlineKind | None:
    """One kind by its code, or None."""
    return _KINDS.get(code)
