"""The permission-matrix registry: each case names one endpoint and the rule of who sees what.

A case says
- which endpoint (`kind` list / detail / export, `channel` api / page, and `url(obj)`);
- how to create an object owned by a department (`make(world, dept)`);
- the scope rule (`visible(actor, obj, world)`), written out independently of the selectors;
- which actors may use the endpoint at all (`allowed(actor)`; the others get `denied_status`);
- for lists and exports, how to tell that the object is in the answer (`present(resp, obj)`).

tests/permissions/test_matrix.py runs every registered case for every actor of the matrix world
(one user per Role in a city and in a county below it, plus API tokens for the business roles)
against objects owned by four departments (three in the city, one in the county) and asserts:
list/export → 200 with the object present exactly when visible; detail → 200 when visible,
404 otherwise; a forbidden endpoint → `denied_status` whatever the object.

Cases live in `tests/permissions/cases_<app>.py`; every such module is imported automatically,
and calls `register(Case(...))` at import time. See README.md in this directory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import ADMIN_ROLES, OVERSIGHT_ROLES, DepartmentKind, Role

_CASES: dict[str, Case] = {}


@dataclass
class Actor:
    """Who asks: a user (session) or a system client (bearer token), with what it is."""

    label: str
    kind: str  # "user" or "token"
    principal: Any  # org.User or the ApiToken row
    roles: frozenset[str]
    department: Department
    token: str | None = None  # the plain bearer token of a token actor
    client: Any = None  # a django.test.Client, logged in for users

    @property
    def jurisdiction(self) -> Jurisdiction:
        return self.department.jurisdiction

    @property
    def pk(self):
        return self.principal.pk

    def has(self, *roles: str) -> bool:
        """Whether the actor holds any of the roles."""
        return bool(self.roles & set(roles))


@dataclass
class MatrixWorld:
    """A city with a county below it, departments of every kind and the actors of the matrix."""

    city: Jurisdiction
    county: Jurisdiction
    depts: dict[str, Department]  # city departments by key; county ones prefixed "county_"
    actors: list[Actor]
    owners: list[Department]  # the departments that own the objects of each case
    extra: dict[str, Any] = field(default_factory=dict)

    def user_actor_in(self, dept: Department, *roles: str) -> Actor | None:
        """The first user actor of a department (holding one of `roles`, if given)."""
        for a in self.actors:
            if a.kind == "user" and a.department.pk == dept.pk and (not roles or a.has(*roles)):
                return a
        return None


# --- scope rules, stated independently of the application's selectors --------------------------


def jurisdiction_below(j: Jurisdiction, root: Jurisdiction) -> bool:
    """Whether j is root or lies below it (walking parents, not the stored path)."""
    node = j
    while node is not None:
        if node.pk == root.pk:
            return True
        node = node.parent
    return False


def reads_subtree(actor: Actor) -> bool:
    """Oversight roles and the three administrators read their jurisdiction and those below."""
    return actor.has(*(OVERSIGHT_ROLES | ADMIN_ROLES))


def in_reach(actor: Actor, j: Jurisdiction) -> bool:
    """The jurisdiction rule of ADR 0002: own jurisdiction, or the subtree for some roles."""
    if reads_subtree(actor):
        return jurisdiction_below(j, actor.jurisdiction)
    return j.pk == actor.jurisdiction.pk


def is_admin(actor: Actor, *roles: str) -> bool:
    """Whether the actor holds one of the given administrator roles."""
    return actor.has(*roles)


# --- how to find an object in an answer --------------------------------------------------------


def api_items_contain(key: str = "id", value: Callable[[Any], Any] = lambda o: o.pk):
    """For an API page {items: [...]}: whether an item has item[key] == value(obj)."""

    def present(resp, obj) -> bool:
        items = json.loads(resp.content)["items"]
        return any(item.get(key) == value(obj) for item in items)

    return present


def text_contains(marker: Callable[[Any], str]):
    """For pages and exports: whether the response text contains marker(obj)."""

    def present(resp, obj) -> bool:
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        return marker(obj) in body.decode("utf-8")

    return present


def link_to(url_name: str):
    """Marker: a link to the object's own page (href of its detail URL)."""
    return text_contains(lambda o: f'href="{reverse(url_name, args=[o.pk])}"')


def data_id(obj) -> str:
    """Marker: a table row carrying data-id="<pk>"."""
    return f'data-id="{obj.pk}"'


def everyone(actor: Actor) -> bool:
    return True


def users_only(actor: Actor) -> bool:
    return actor.kind == "user"


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One endpoint of the matrix (see the module docstring)."""

    name: str
    kind: str  # "list" | "detail" | "export"
    channel: str  # "api" | "page"
    url: Callable[[Any], str]
    make: Callable[[MatrixWorld, Department], Any]
    visible: Callable[[Actor, Any, MatrixWorld], bool]
    allowed: Callable[[Actor], bool] = everyone
    denied_status: int = 403
    present: Callable[[Any, Any], bool] | None = None

    def __post_init__(self):
        assert self.kind in ("list", "detail", "export"), self.kind
        assert self.channel in ("api", "page"), self.channel
        if self.kind != "detail":
            assert self.present is not None, f"{self.name}: a list/export needs present()"


def register(case: Case) -> Case:
    """Add a case; names are unique."""
    if case.name in _CASES and _CASES[case.name] != case:
        raise ValueError(f"permission case {case.name!r} registered twice")
    _CASES[case.name] = case
    return case


def cases() -> list[Case]:
    """Every registered case, after importing every tests/permissions/cases_*.py module."""
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).parent
    for mod in pkgutil.iter_modules([str(here)]):
        if mod.name.startswith("cases_"):
            importlib.import_module(f"tests.permissions.{mod.name}")
    return sorted(_CASES.values(), key=lambda c: c.name)


# --- helpers for cases -----------------------------------------------------------------------

_BUSINESS_ROLE_BY_KIND = {
    DepartmentKind.BUREAU: Role.APPROVER,
    DepartmentKind.REGULATOR: Role.INSPECTOR,
    DepartmentKind.ENFORCEMENT: Role.ENFORCEMENT_OFFICER,
    DepartmentKind.DISCIPLINE: Role.DISCIPLINE_INSPECTOR,
    DepartmentKind.REFORM_OFFICE: Role.REFORM_STAFF,
    DepartmentKind.GOV_OFFICE: Role.REFORM_STAFF,
}


def business_role_for(dept: Department) -> str:
    """A business role that a member (or token) of this department may hold."""
    return _BUSINESS_ROLE_BY_KIND[dept.kind]


_counter = iter(range(1, 10**9))


def unique(prefix: str) -> str:
    """A unique name for objects the cases create."""
    return f"{prefix}{next(_counter)}"
