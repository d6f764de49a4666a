"""Permission-matrix cases of the catalogue: API and pages (see registry.py).

The catalogue (items, supervision items, the linkage list) is readable by every holder of a
catalogue role in the jurisdiction (oversight: the subtree); memos only by the two departments
party to them and oversight; change notices by the sending bureau, the addressed regulators and
oversight. Administrators hold no catalogue role and see none of it.
"""

from __future__ import annotations

import datetime as dt

from shenguan.catalog import services as cat
from shenguan.catalog.models import HandoverMemo
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Role

from .registry import (
    Case,
    api_items_contain,
    data_id,
    in_reach,
    link_to,
    register,
    text_contains,
    unique,
)

API = "/api/v1/catalog"

CATALOG_ROLES = (
    Role.WINDOW_CLERK,
    Role.APPROVER,
    Role.BUREAU_LIAISON,
    Role.BUREAU_HEAD,
    Role.REGULATOR_LIAISON,
    Role.INSPECTOR,
    Role.REGULATOR_LEADER,
    Role.ENFORCEMENT_OFFICER,
    Role.DISCIPLINE_INSPECTOR,
    Role.REFORM_STAFF,
)
OVERSIGHT = (Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF)


def catalog_reader(actor) -> bool:
    """Holders of a role granting catalog.read (pages answer 403 to the others)."""
    return actor.has(*CATALOG_ROLES)


def page_reader(actor) -> bool:
    return actor.kind == "user" and catalog_reader(actor)


# --- objects owned by a department -----------------------------------------------------------


def _bureau(dept: Department) -> Department:
    return Department.objects.get(jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.BUREAU)


def _regulator(dept: Department) -> Department:
    """The department itself if it is a regulator, else another regulator of its jurisdiction."""
    if dept.kind == DepartmentKind.REGULATOR:
        return dept
    return (
        Department.objects.filter(
            jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.REGULATOR
        )
        .order_by("id")
        .first()
    )


def make_item(world, dept):
    return cat.item_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        name=unique("矩阵事项"),
        code=unique("MXCODE"),
        original_department=_regulator(dept),
    )


def make_supervision(world, dept):
    return cat.supervision_item_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        code=f"{unique('')[-6:]:0>6}MX00W0",
        name=unique("矩阵监管事项"),
        regulator=_regulator(dept),
    )


def make_entry(world, dept):
    reg = _regulator(dept)
    item = make_item(world, dept)
    sup = cat.supervision_item_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        code=f"{unique('')[-6:]:0>6}MX00E0",
        name=unique("矩阵监管事项"),
        regulator=reg,
    )
    return cat.entry_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        item=item,
        regulator=reg,
        supervision_items=[sup],
        valid_from=dt.date(2020, 1, 1),
    )


def make_memo(world, dept):
    reg = _regulator(dept)
    item = make_item(world, reg)
    return cat.memo_create(
        actor=None, from_department=reg, items=[item], title=unique("矩阵备忘录")
    )


def make_notice(world, dept):
    return cat.change_notice_create(
        actor=None,
        jurisdiction=dept.jurisdiction,
        kind="item_change",
        summary=unique("矩阵函告"),
        effective_on=dt.date(2026, 1, 1),
        departments=[dept],
    )


# --- scope rules (stated from the object's fields, not through the selectors) -------------------


def catalog_visible(actor, obj, world):
    """Catalogue readers of the jurisdiction (oversight: the subtree)."""
    return catalog_reader(actor) and in_reach(actor, obj.jurisdiction)


def memo_visible(actor, memo: HandoverMemo, world):
    """The two departments party to the memo; oversight roles in reach."""
    if not catalog_reader(actor) or not in_reach(actor, memo.jurisdiction):
        return False
    if actor.has(*OVERSIGHT):
        return True
    return actor.department.pk in (memo.from_department_id, memo.to_department_id)


def notice_visible(actor, notice, world):
    """The sending department, the addressed departments; oversight roles in reach."""
    if not catalog_reader(actor) or not in_reach(actor, notice.jurisdiction):
        return False
    if actor.has(*OVERSIGHT):
        return True
    addressed = set(notice.recipients.values_list("department_id", flat=True))
    return actor.department.pk == notice.department_id or actor.department.pk in addressed


# --- API -------------------------------------------------------------------------------------

for name, path, make, visible, query in (
    ("item", "items", make_item, catalog_visible, lambda o: f"q={o.code}"),
    (
        "supervision",
        "supervision-items",
        make_supervision,
        catalog_visible,
        lambda o: f"q={o.code}",
    ),
    ("entry", "entries", make_entry, catalog_visible, lambda o: f"item={o.item.code}"),
    ("memo", "memos", make_memo, memo_visible, lambda o: f"q={o.title}"),
    ("notice", "notices", make_notice, notice_visible, lambda o: "page_size=500"),
):
    register(
        Case(
            name=f"catalog.api.{name}.list",
            kind="list",
            channel="api",
            url=lambda o, p=path, q=query: f"{API}/{p}?{q(o)}",
            make=make,
            visible=visible,
            present=api_items_contain(),
        )
    )
    register(
        Case(
            name=f"catalog.api.{name}.detail",
            kind="detail",
            channel="api",
            url=lambda o, p=path: f"{API}/{p}/{o.pk}",
            make=make,
            visible=visible,
        )
    )

register(
    Case(
        name="catalog.api.item.handler",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/items/{o.pk}/handler",
        make=make_item,
        visible=catalog_visible,
    )
)
register(
    Case(
        name="catalog.api.item.routes",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/items/{o.item_id}/routes",
        make=make_entry,
        visible=catalog_visible,
    )
)
register(
    Case(
        name="catalog.api.item.export",
        kind="export",
        channel="api",
        url=lambda o: f"{API}/export/items?format=csv&q={o.code}",
        make=make_item,
        visible=catalog_visible,
        present=text_contains(lambda o: o.name),
    )
)
register(
    Case(
        name="catalog.api.entry.export",
        kind="export",
        channel="api",
        url=lambda o: f"{API}/export/linkage?format=csv&item={o.item.code}",
        make=make_entry,
        visible=catalog_visible,
        present=text_contains(lambda o: o.item.name),
    )
)
register(
    Case(
        name="catalog.api.supervision.export",
        kind="export",
        channel="api",
        url=lambda o: f"{API}/export/supervision?format=csv&q={o.code}",
        make=make_supervision,
        visible=catalog_visible,
        present=text_contains(lambda o: o.code),
    )
)

# --- pages -----------------------------------------------------------------------------------

register(
    Case(
        name="catalog.page.item.list",
        kind="list",
        channel="page",
        url=lambda o: f"/catalog/items/?q={o.code}",
        make=make_item,
        visible=catalog_visible,
        allowed=page_reader,
        present=link_to("catalog:item_detail"),
    )
)
register(
    Case(
        name="catalog.page.item.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/catalog/items/{o.pk}/",
        make=make_item,
        visible=catalog_visible,
        allowed=page_reader,
    )
)
register(
    Case(
        name="catalog.page.item.export",
        kind="export",
        channel="page",
        url=lambda o: f"/catalog/items/?q={o.code}&format=csv",
        make=make_item,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(lambda o: o.name),
    )
)
register(
    Case(
        name="catalog.page.entry.list",
        kind="list",
        channel="page",
        url=lambda o: f"/catalog/entries/?item={o.item.code}",
        make=make_entry,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(data_id),
    )
)
register(
    Case(
        name="catalog.page.entry.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/catalog/entries/{o.pk}/",
        make=make_entry,
        visible=catalog_visible,
        allowed=page_reader,
    )
)
register(
    Case(
        name="catalog.page.entry.export",
        kind="export",
        channel="page",
        url=lambda o: f"/catalog/entries/?item={o.item.code}&format=csv",
        make=make_entry,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(lambda o: o.item.name),
    )
)
register(
    Case(
        name="catalog.page.supervision.list",
        kind="list",
        channel="page",
        url=lambda o: f"/catalog/supervision-items/?q={o.code}",
        make=make_supervision,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(lambda o: o.name),
    )
)
register(
    Case(
        name="catalog.page.memo.list",
        kind="list",
        channel="page",
        url=lambda o: "/catalog/memos/",
        make=make_memo,
        visible=memo_visible,
        allowed=page_reader,
        present=link_to("catalog:memo_detail"),
    )
)
register(
    Case(
        name="catalog.page.memo.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/catalog/memos/{o.pk}/",
        make=make_memo,
        visible=memo_visible,
        allowed=page_reader,
    )
)
register(
    Case(
        name="catalog.page.memo.print",
        kind="detail",
        channel="page",
        url=lambda o: f"/catalog/memos/{o.pk}/print/",
        make=make_memo,
        visible=memo_visible,
        allowed=page_reader,
    )
)
register(
    Case(
        name="catalog.page.notice.list",
        kind="list",
        channel="page",
        url=lambda o: "/catalog/notices/",
        make=make_notice,
        visible=notice_visible,
        allowed=page_reader,
        present=text_contains(lambda o: o.summary),
    )
)

# the item picker's server-side search (issue 12 item 10): the item list's scope
register(
    Case(
        name="catalog.page.item.pick",
        kind="list",
        channel="page",
        url=lambda o: f"/catalog/pick/items?field=item&item__q={getattr(o, 'code', '')}",
        make=make_item,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(lambda o: f'data-pick-value="{o.pk}"'),
    )
)
register(
    Case(
        name="linkage.page.item.pick",
        kind="list",
        channel="page",
        url=lambda o: f"/linkage/pick/items?field=item&item__q={getattr(o, 'code', '')}",
        make=make_item,
        visible=catalog_visible,
        allowed=page_reader,
        present=text_contains(lambda o: f'data-pick-value="{o.pk}"'),
    )
)
