"""Text typed or pasted by people.

Two different things (ADR 0042):

* `typed_text` — what is *stored*: the text as the user typed it (full-width punctuation of
  Chinese text such as "，" "（" "）" kept), only trimmed, line ends unified, control characters
  and NUL refused, and text made only of invisible characters (zero-width spaces, bidi
  controls) refused.
* `normalize_text` / `compare_key` — what is *compared or searched*: NFKC (full-width →
  half-width) and whitespace collapsed. Never stored for free text; codes (case numbers, item
  codes, identity numbers) are normalised because they are ASCII by definition.
"""

from __future__ import annotations

import unicodedata

from .errors import ValidationFailed

# Bidi embedding/override/isolate controls: never part of a name, a classic spoofing tool.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What is stripped at both ends besides str.strip()'s whitespace.
_EDGE_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e"


def normalize_text(value) -> str:
    """NFKC-normalise (full-width → half-width), collapse whitespace and strip (for codes and
    comparisons, never for storing free text)."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = s.replace("\u3000", " ").replace("\xa0", " ")
    return " ".join(s.split())


def is_invisible(ch: str) -> bool:
    """A character that shows nothing: whitespace, format characters (category Cf: zero-width
    space/joiner, BOM, bidi controls, soft hyphen) and the Hangul/Braille blank fillers."""
    return ch.isspace() or unicodedata.category(ch) == "Cf" or ch in "\u3164\u2800\u115f\u1160"


def visible(value: str) -> str:
    """The text without its invisible characters (used to decide whether a name is empty)."""
    return "".join(c for c in value if not is_invisible(c))


def compare_key(value) -> str:
    """A key to compare or search names: NFKC, case-folded, without invisible characters."""
    return visible(normalize_text(value)).casefold()


def typed_text(
    value,
    field: str,
    label: str,
    max_length: int,
    *,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """The text as typed, trimmed; ValidationFailed (naming the field) for control characters,
    NUL, bidi controls on one line, invisible-only text and over-long text.

    Single-line text has its tabs and line breaks turned into spaces (a pasted cell); multi-line
    text keeps its lines (CRLF → LF) and tabs."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    v = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = "\n\t" if multiline else ""
    if not multiline:
        v = v.replace("\t", " ").replace("\n", " ")
    for c in v:
        if c not in allowed and unicodedata.category(c) == "Cc":
            raise ValidationFailed("bad_text", f"{label}含有控制字符", field)
    if not multiline and any(c in BIDI_CONTROLS for c in v):
        raise ValidationFailed("bad_text", f"{label}含有文字方向控制字符", field)
    v = v.strip().strip(_EDGE_INVISIBLE).strip()
    if v and not visible(v):
        raise ValidationFailed("bad_text", f"{label}只含不可见字符", field)
    if required and not v:
        raise ValidationFailed("required", f"请填写{label}", field)
    if len(v) > max_length:
        raise ValidationFailed("too_long", f"{label}不得超过{max_length}个字符", field)
    return v


def is_ascii_digits(value: str) -> bool:
    """True when every character is an ASCII digit 0-9 (full-width digits are not)."""
    return bool(value) and all("0" <= c <= "9" for c in value)


def search_variants(value) -> list[str]:
    """The forms of a search term to look for: as typed and NFKC-normalised (rows stored before
    ADR 0042 hold the normalised form of what was typed)."""
    typed = str(value or "").strip()
    out = [typed] if typed else []
    norm = normalize_text(typed)
    if norm and norm not in out:
        out.append(norm)
    return out


def icontains_any(field: str, value):
    """A Q matching `field__icontains` any of the search variants of value."""
    from django.db.models import Q

    q = Q()
    for v in search_variants(value):
        q |= Q(**{f"{field}__icontains": v})
    return q
