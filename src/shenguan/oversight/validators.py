"""Validation of what oversight users type: free text, choices, dates (named fields, Chinese
messages, nothing written on failure)."""

from __future__ import annotations

import datetime as dt

from shenguan.core.errors import ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.core.text import normalize_text, typed_text


def text(value, field: str, label: str, max_length: int, *, required=False, multiline=False) -> str:
    """Text as typed, trimmed (core.text.typed_text; full-width punctuation kept, ADR 0042)."""
    return typed_text(value, field, label, max_length, required=required, multiline=multiline)


def choice(value, choices, field: str, label: str, *, required: bool = True) -> str:
    """A value of a TextChoices, given by value or by its (Chinese or translated) label."""
    v = normalize_text(value)
    if not v:
        if required:
            raise ValidationFailed("required", f"请选择{label}", field)
        return ""
    for val, lab in choices.choices:
        if val and v in (val, source_choice(choices, val), str(lab)):
            return val
    raise ValidationFailed("bad_choice", f"{label}“{v[:20]}”无效", field)


def date(value, field: str, label: str, *, required: bool = False) -> dt.date | None:
    """A date (YYYY-MM-DD or a date) between 1990 and 2100."""
    if value in (None, ""):
        if required:
            raise ValidationFailed("required", f"请填写{label}", field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(normalize_text(value).replace("/", "-"))
        except ValueError as exc:
            raise ValidationFailed(
                "bad_date", f"{label}格式无效，应为 YYYY-MM-DD 的真实日期", field
            ) from exc
    if value.year < 1990 or value.year > 2100:
        raise ValidationFailed("bad_date", f"{label}超出有效范围", field)
    return value
