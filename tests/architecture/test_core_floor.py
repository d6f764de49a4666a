"""Issue 13 item 4: core is the floor every app stands on and imports none of them (ADR 0020).

Every module under src/shenguan/core is parsed (not imported, so nothing is hidden behind a
function-level import): an `import shenguan.<app>`, a `from shenguan.<app> import …`, a
`from shenguan import <app>`, a relative import reaching out of core, or a literal dotted path
given to import_module / import_string that names an app, fails the test."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "shenguan"
CORE = SRC / "core"
APPS = sorted(p.parent.name for p in SRC.glob("*/apps.py") if p.parent.name != "core")
DYNAMIC_IMPORTERS = {"import_module", "import_string", "__import__", "find_spec"}


def _app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if len(parts) >= 2 and parts[0] == "shenguan" and parts[1] in APPS:
        return parts[1]
    return None


def app_imports(source: str, relpath: str) -> list[str]:
    """'line: what' for every import of an app in one module of core (its source, and its path
    under src/shenguan, which places its relative imports)."""
    tree = ast.parse(source, filename=relpath)
    depth = len(Path(relpath).parts) - 1  # package levels between src/shenguan and the module
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if _app_of(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                if node.level >= depth:  # reaches src/shenguan itself or above
                    base = "shenguan"
                    target = f"{base}.{node.module}" if node.module else base
                    names = [f"{target}.{a.name}" for a in node.names]
                    if any(_app_of(n) for n in [target, *names]):
                        found.append(f"{node.lineno}: from {'.' * node.level}{node.module or ''}")
                continue
            module = node.module or ""
            if _app_of(module) or any(_app_of(f"{module}.{a.name}") for a in node.names):
                found.append(f"{node.lineno}: from {module} import …")
        elif isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name in DYNAMIC_IMPORTERS and node.args:
                arg = node.args[0]
                literal = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(literal, str) and _app_of(literal):
                    found.append(f"{node.lineno}: {name}({literal!r})")
    return found


def test_the_apps_are_known():
    assert {"org", "audit", "outbox", "linkage", "catalog", "portal"} <= set(APPS)


def test_core_imports_no_app():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 20
    offences = {}
    for path in modules:
        rel = str(path.relative_to(SRC))
        if found := app_imports(path.read_text("utf-8"), rel):
            offences[rel] = found
    assert offences == {}


def test_the_check_sees_every_way_of_importing():
    """Not vacuous: each kind of import of an app is caught, imports inside core are not."""
    source = (
        "import shenguan.org.roles\n"
        "from shenguan.audit.services import audit_record\n"
        "from shenguan import outbox\n"
        "def f():\n"
        "    from shenguan.linkage import services\n"
        "    from ..catalog import models\n"
        "    import_module('shenguan.policy.models')\n"
        "from . import errors\n"
        "from shenguan.core import masking\n"
        "import shenguan\n"
        "from ..core.errors import NotFound\n"
    )
    found = app_imports(source, "core/_probe.py")
    assert [f.split(":")[0] for f in found] == ["1", "2", "3", "5", "6", "7"], found
