"""Text contrast of the stylesheet meets WCAG 2.1 AA (4.5:1 for normal text), computed from the
CSS values of app.css (issue 12 item 10: the header's role badge was 1.24:1, `.tag-ok` 4.44:1).

A small cascade: rules of simple class/element selectors, the winner by specificity then order,
`inherit` and `var(--x)` resolved, translucent backgrounds blended over the parent's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "src/shenguan/static/shenguan/app.css"


def _rules(css: str) -> list[tuple[str, dict]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decl = {}
        for part in body.split(";"):
            if ":" in part:
                k, v = part.split(":", 1)
                decl[k.strip()] = v.strip()
        for s in sel.split(","):
            out.append((s.strip(), decl))
    return out


RULES = _rules(CSS.read_text())
ROOT = dict(next(d for s, d in RULES if s == ":root"))


def _var(v: str) -> str:
    m = re.fullmatch(r"var\((--[\w-]+)\)", v.strip())
    return ROOT[m.group(1)] if m else v


def _matches(selector: str, tag: str, classes: set[str]) -> int | None:
    """Specificity (classes*10 + element) if the compound selector matches, else None."""
    m = re.fullmatch(r"([a-z]+)?((?:\.[\w-]+)*)", selector)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    if m.group(1) and m.group(1) != tag:
        return None
    need = set(re.findall(r"\.([\w-]+)", m.group(2)))
    if not need <= classes:
        return None
    return len(need) * 10 + (1 if m.group(1) else 0)


def _prop(tag: str, classes: set[str], prop: str) -> str | None:
    best = None
    for order, (sel, decl) in enumerate(RULES):
        spec = _matches(sel, tag, classes)
        value = decl.get(prop) or (decl.get("background") if prop == "background-color" else None)
        if spec is not None and value and (best is None or (spec, order) >= best[:2]):
            best = (spec, order, value)
    return best[2] if best else None


def _rgba(value: str) -> tuple[float, float, float, float]:
    value = _var(value).split()[0] if value.startswith("#") else _var(value)
    if value.startswith("#"):
        h = value[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    m = re.match(r"rgba?\(([^)]*)\)", value)
    assert m, value
    parts = [float(x) for x in m.group(1).split(",")]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _blend(top, bottom):
    a = top[3]
    return (*(top[i] * a + bottom[i] * (1 - a) for i in range(3)), 1.0)


def _luminance(rgb) -> float:
    def ch(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(x) for x in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg, bg) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colours(chain: list[tuple[str, set[str]]]):
    """(text, background) of the last element of a chain of (tag, classes), outermost first."""
    fg, bg = _rgba(ROOT["--fg"]), _rgba(ROOT["--bg"])
    for tag, classes in chain:
        c = _prop(tag, classes, "color")
        if c and c != "inherit":
            fg = _rgba(c)
        b = _prop(tag, classes, "background-color")
        if b and b not in ("none", "transparent", "inherit"):
            bg = _blend(_rgba(b), bg)
    return fg, bg


CASES = {
    "role badge in the header": [("div", {"topbar"}), ("span", {"tag", "tag-role"})],
    "header text": [("div", {"topbar"})],
    "tag-ok": [("main", set()), ("span", {"tag", "tag-ok"})],
    "tag-warn": [("main", set()), ("span", {"tag", "tag-warn"})],
    "tag-bad": [("main", set()), ("span", {"tag", "tag-bad"})],
    "tag-info": [("main", set()), ("span", {"tag", "tag-info"})],
    "plain tag": [("main", set()), ("span", {"tag"})],
    "muted text on the page": [("main", set()), ("span", {"muted"})],
    "primary button": [("main", set()), ("button", {"primary"})],
    "danger button": [("main", set()), ("button", {"danger"})],
}


@pytest.mark.parametrize("name", list(CASES))
def test_text_contrast_meets_wcag_aa(name):
    fg, bg = colours(CASES[name])
    assert ratio(fg, bg) >= 4.5, f"{name}: {ratio(fg, bg):.2f}:1"


def test_the_formula_matches_known_values():
    assert round(ratio((0, 0, 0, 1), (255, 255, 255, 1)), 2) == 21.0
    assert round(ratio((118, 118, 118, 1), (255, 255, 255, 1)), 2) == 4.54
