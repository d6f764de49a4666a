"""Validation of what review users type (technical steps, opinions, experts): free text,
choices, dates, numbers (named fields, Chinese messages, nothing written on failure)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from shenguan.core.errors import ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.core.text import normalize_text


def text(value, field: str, label: str, max_length: int, *, required=False, multiline=False) -> str:
    """Text normalised (full-width → half-width; whitespace collapsed unless multiline)."""
    value = "" if value is None else str(value)
    if multiline:
        v = unicodedata.normalize("NFKC", value).replace("\r\n", "\n").strip()
    else:
        v = normalize_text(value)
    if any(ord(c) < 32 and c not in "\n\t" for c in v):
        raise ValidationFailed("bad_text", f"{label}含有控制字符", field)
    if required and not v:
        raise ValidationFailed("required", f"请填写{label}", field)
    if len(v) > max_length:
        raise ValidationFailed("too_long", f"{label}不得超过{max_length}个字符", field)
    return v


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


def integer(value, field: str, label: str, *, lo: int, hi: int) -> int:
    """A whole number between lo and hi (inclusive)."""
    try:
        n = int(normalize_text(value)) if not isinstance(value, int) else value
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("bad_number", f"{label}须为整数", field) from exc
    if isinstance(n, bool) or n < lo or n > hi:
        raise ValidationFailed("out_of_range", f"{label}须在{lo}至{hi}之间", field)
    return n
