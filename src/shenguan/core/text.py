"""Text normalisation for codes and names typed or pasted by people (full-width, stray spaces)."""

from __future__ import annotations

import unicodedata


def normalize_text(value) -> str:
    """NFKC-normalise (full-width → half-width), collapse whitespace and strip."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = s.replace("\u3000", " ").replace("\xa0", " ")
    return " ".join(s.split())


def is_ascii_digits(value: str) -> bool:
    """True when every character is an ASCII digit 0-9 (full-width digits are not)."""
    return bool(value) and all("0" <= c <= "9" for c in value)
