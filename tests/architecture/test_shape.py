"""The shape of the code (ADR 0016): no module in src/ over 800 lines (migrations aside), and no
import cycle between the modules of shenguan, counting imports inside functions too — a cycle
hidden in a function is still two modules that cannot be understood, tested or moved apart."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    """Every module of the shenguan package by dotted name (packages by their __init__)."""
    out = {}
    for path in sorted((SRC / "shenguan").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a relative import's base."""
    if not level:
        return name or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """module → the shenguan modules it imports (at any depth of its code)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, is_pkg, node.level, node.module)
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    targets.append(sub if sub in mods else base)
            for t in targets:
                # `import a.b.c` or a name inside a module: the longest known module prefix
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != mod and t.startswith("shenguan"):
                    graph[mod].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        comp.append(m)
                        if m == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def _path(graph, comp: list[str]) -> str:
    """One cycle through a component, for the failure message."""
    members = set(comp)
    start = comp[0]
    seen = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                path = [node]
                while seen[path[-1]] is not None:
                    path.append(seen[path[-1]])
                return " → ".join([*reversed(path), start])
            if nxt not in seen:
                seen[nxt] = node
                queue.append(nxt)
    return ", ".join(comp)


def test_no_import_cycle_between_modules():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_path(graph, c) for c in found)


def test_no_module_over_800_lines():
    long = {
        str(path.relative_to(SRC)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by subject): {long}"


def test_the_checks_see_a_cycle_and_a_long_module():
    """The checks themselves: a made-up cycle is found, and a real module is measured."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _path(graph, ["a", "b", "c"]) == "a → b → c → a"
    real = import_graph()
    assert "shenguan.core.errors" in real["shenguan.catalog.services.common"]
    assert "shenguan.catalog.services" in real["shenguan.catalog.importers.linkage"]
    # an import inside a function counts
    assert "shenguan.calendar.services" in real["shenguan.policy.services"]


# Apps that import each other today, each time because org's vocabulary (org.roles, org.models,
# org.selectors) is read by an app whose services org's own services call (audit, outbox) or
# whose selectors org's API shows (policy). Allowed until that vocabulary moves down (ADR 0016);
# any other pair fails. core is left to tests/architecture/test_core_floor.py (core imports no
# app at all).
KNOWN_APP_PAIRS = {
    frozenset({"audit", "org"}),
    frozenset({"outbox", "org"}),
    frozenset({"policy", "org"}),
}


def app_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """app → the apps its modules import (top-level modules such as shenguan.urls left out)."""
    mods = _modules()

    def app(m: str) -> str | None:
        parts = m.split(".")
        if len(parts) < 2 or mods.get(".".join(parts[:2]), Path()).name != "__init__.py":
            return None
        return parts[1]

    out: dict[str, set[str]] = {}
    for m, targets in graph.items():
        a = app(m)
        for t in targets:
            b = app(t)
            if a and b and a != b:
                out.setdefault(a, set()).add(b)
    return out


def test_no_new_pair_of_apps_importing_each_other():
    apps = app_graph(import_graph())
    pairs = {
        frozenset({a, b})
        for a, targets in apps.items()
        for b in targets
        if a in apps.get(b, set()) and "core" not in (a, b)
    }
    assert pairs <= KNOWN_APP_PAIRS, f"apps importing each other: {pairs - KNOWN_APP_PAIRS}"
