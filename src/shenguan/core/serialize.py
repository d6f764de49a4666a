"""JSON-safe snapshots of model instances and values for audit events and outbox payloads."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.db import models


class JsonSafe(dict):
    """A dict already made of plain JSON types (by `to_jsonable`): taken as it is, not walked
    again — for large documents handed on, such as a push's frozen content in its event."""


_PLAIN = frozenset({type(None), bool, int, float, str, JsonSafe})


def to_jsonable(value: Any) -> Any:
    """A value as plain JSON types (dates and datetimes as ISO strings, UTC for datetimes)."""
    kind = type(value)
    if kind in _PLAIN:  # the common cases first, by exact type (payloads have many leaves)
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bool, int, float, str)):  # subclasses: choice members, IntEnum…
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "value") and hasattr(value, "label"):  # Choices members
        return value.value
    return str(value)


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces, UTF-8 kept) used for hashing."""
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if getattr(f, "name", "") in ("password", "secret_hash"):
            continue
        out[f.attname if f.is_relation else f.name] = to_jsonable(getattr(instance, f.attname))
    return out


def diff(before: dict | None, after: dict | None) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    before = before or {}
    after = after or {}
    keys = set(before) | set(after)
    b = {k: before.get(k) for k in keys if before.get(k) != after.get(k)}
    a = {k: after.get(k) for k in keys if before.get(k) != after.get(k)}
    return b, a
