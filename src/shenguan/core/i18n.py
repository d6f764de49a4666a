"""The source language (zh-hans) of what is stored, whatever the reader's interface language.

Choice labels are marked for translation, so `str(label)` follows the active language. What is
written down — push titles, frozen push content, notifications, exported data files, the labels
an importer accepts — stays Chinese (ADR 0006): take a choice value's label through
`source_choice`, an instance's through `source_label`, any other marked string through
`source_text`, or write it inside `source_language()`.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation


def source_language() -> translation.override:
    """A context in which marked strings read in the source language (Chinese)."""
    return translation.override(settings.LANGUAGE_CODE)


def source_text(text) -> str:
    """A marked string (a lazy choice label…) as its Chinese source text."""
    with source_language():
        return str(text)


def source_label(obj, field: str) -> str:
    """The Chinese label of the value of a choice field on a model instance (what
    `get_<field>_display()` gives in the source language; that method itself follows the reader's
    language, so wrapping its result in `source_text` would be too late)."""
    with source_language():
        return getattr(obj, f"get_{field}_display")()


@functools.lru_cache(maxsize=4096)
def source_choice(choices, value) -> str:
    """The Chinese label of a value of a choices class (`PushKind`, `ApprovalResult`…), kept:
    the source language never changes while the process runs, and services label every row of
    a batch."""
    with source_language():
        return str(choices(value).label)
