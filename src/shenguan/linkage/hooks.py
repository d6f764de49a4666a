"""Extension points of the case lifecycle (办件生命周期): the apps above linkage (oversight, credit,
review, documents) join registration, completion, claims, feedback and licence changes here.

Linkage never imports those apps. They register callbacks from their AppConfig.ready():

    from shenguan.linkage import hooks
    hooks.register(hooks.RECORD_VALIDATE, my_check)

and linkage calls every callback of an event inside its own transaction, after its own rows are
written, so that whatever a callback writes (its rows, audit events, outbox rows) commits or rolls
back with the change. A callback refuses the whole change by raising a DomainError
(`core.errors`); it must not swallow the caller's transaction. Callbacks take keyword arguments
only and must accept (and ignore) keywords they do not know, so that events can grow.

Events and their keyword arguments:

RECORD_VALIDATE  actor, record, data, phase
    Before a record is written. `phase` is "create", "update" or "complete"; `record` is the
    ApprovalRecord with the cleaned values applied (unsaved on "create", locked on the others);
    `data` is the raw input (dict; empty on "complete"). Raise to refuse. It must not write:
    an import validates every row this way (with an unsaved probe record, outside any
    transaction) before it writes anything; do look-ups that must be kept in RECORD_CREATED.
RECORD_CREATED   actor, record, data
    After a record is inserted and audited (UI, API or import).
RECORD_UPDATED   actor, record, data, before
    After a draft record is corrected; `before` is its audit view before the change.
RECORDS_COMPLETED  actor, records, pushes, licences, at
    After a batch of records is completed (办结推送): `records` in input order, `pushes` the
    approval pushes created (saved), `licences` {record_id: Licence} for new licences.
PUSHES_CLAIMED   actor, pushes, push_ids, mode, at
    After pushes are claimed: mode "manual" (one or bulk), "implicit" (the addressee acted on
    it), "timeout" (the auto-claim sweep; actor None). `pushes` are Push rows with the claim set,
    except for "timeout", where `pushes` is None and only `push_ids` are given (the sweep claims
    tens of thousands at once and materialises the push rows later, ADR 0014).
FEEDBACK_CREATED actor, feedback, push
    After supervision feedback is recorded; `push` is its push to the bureau, or None when held
    (e.g. a penalty waiting to take effect).
FEEDBACK_RELEASED actor (None), feedback, push
    After a held penalty is pushed once it has taken effect (处罚决定生效后推送).
LICENCE_TRANSITIONED  actor, licence, from_state, to_state, event
    After a licence changes state (suspension, revocation, cancellation, expiry, restoration);
    `event` is its LicenceEvent (history row).

Contributors (called outside any transaction, return data rather than writing):

SNAPSHOT_EXTRAS  records -> {record_id: {key: value}}
    Extra sections frozen into each approval push's snapshot under "extensions"; called once
    per completion batch, so batch your reads.
RECORD_TIMELINE  user, record -> list[dict(at, title, actor, detail, link)]
    Entries shown on the case page's timeline (already scoped to `user`).

Page panels (`register_panel`) add a block to the case, push or licence page (obj: the record,
push or licence) or inside the registration form ("record_form"; obj: the bound form, whose
fields a panel may read to show, e.g., a credit look-up before the clerk saves): a template and
a function (request, obj) -> context dict, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RECORD_VALIDATE = "record.validate"
RECORD_CREATED = "record.created"
RECORD_UPDATED = "record.updated"
RECORDS_COMPLETED = "records.completed"
PUSHES_CLAIMED = "pushes.claimed"
FEEDBACK_CREATED = "feedback.created"
FEEDBACK_RELEASED = "feedback.released"
LICENCE_TRANSITIONED = "licence.transitioned"
SNAPSHOT_EXTRAS = "snapshot.extras"
RECORD_TIMELINE = "record.timeline"

EVENTS = (
    RECORD_VALIDATE,
    RECORD_CREATED,
    RECORD_UPDATED,
    RECORDS_COMPLETED,
    PUSHES_CLAIMED,
    FEEDBACK_CREATED,
    FEEDBACK_RELEASED,
    LICENCE_TRANSITIONED,
    SNAPSHOT_EXTRAS,
    RECORD_TIMELINE,
)

_callbacks: dict[str, list[tuple[int, str, Callable]]] = {e: [] for e in EVENTS}


def register(event: str, func: Callable, *, order: int = 100) -> None:
    """Register a callback for a lifecycle event (idempotent per function; lower order first)."""
    if event not in _callbacks:
        raise ValueError(f"unknown linkage hook event: {event}")
    key = f"{func.__module__}.{func.__qualname__}"
    entries = [e for e in _callbacks[event] if e[1] != key]
    entries.append((order, key, func))
    entries.sort(key=lambda e: (e[0], e[1]))
    _callbacks[event] = entries


def unregister(event: str, func: Callable) -> None:
    """Remove a callback (tests)."""
    key = f"{func.__module__}.{func.__qualname__}"
    _callbacks[event] = [e for e in _callbacks[event] if e[1] != key]


def has(event: str) -> bool:
    """True when any callback is registered for the event (skip building arguments otherwise)."""
    return bool(_callbacks[event])


def fire(event: str, /, **kwargs) -> None:
    """Call every callback of an event in order; an exception propagates to the caller."""
    for _order, _key, func in _callbacks[event]:
        func(**kwargs)


def snapshot_extras(records) -> dict[int, dict]:
    """The extra snapshot sections of a batch of records, merged over all contributors."""
    out: dict[int, dict] = {}
    for _order, _key, func in _callbacks[SNAPSHOT_EXTRAS]:
        for record_id, extra in (func(records=records) or {}).items():
            out.setdefault(record_id, {}).update(extra)
    return out


def timeline_entries(*, user, record) -> list[dict]:
    """The contributed timeline entries of a case, unsorted."""
    entries: list[dict] = []
    for _order, _key, func in _callbacks[RECORD_TIMELINE]:
        entries.extend(func(user=user, record=record) or [])
    return entries


# --- page panels -------------------------------------------------------------------------------

# "verify": the public verification page (no login; obj: the licences found, or None before a
# search), e.g. the documents app's upload of a signed PDF.
PANEL_PAGES = ("record", "push", "licence", "record_form", "verify")


@dataclass(frozen=True)
class Panel:
    """A block an app adds to a linkage page (case, push or licence detail)."""

    page: str
    name: str
    template: str
    context: Callable  # (request, obj) -> dict | None (None: show nothing)
    order: int = 100


_panels: dict[str, dict[str, Panel]] = {p: {} for p in PANEL_PAGES}


def register_panel(panel: Panel) -> None:
    """Add (or replace, by name) a panel on a linkage detail page."""
    if panel.page not in _panels:
        raise ValueError(f"unknown linkage page: {panel.page}")
    _panels[panel.page][panel.name] = panel


def panels_for(page: str, request, obj) -> list[dict]:
    """The panels to render on a page for this request: [{template, context}] in order."""
    out = []
    for panel in sorted(_panels[page].values(), key=lambda p: (p.order, p.name)):
        ctx = panel.context(request, obj)
        if ctx is not None:
            out.append({"name": panel.name, "template": panel.template, "context": ctx})
    return out
