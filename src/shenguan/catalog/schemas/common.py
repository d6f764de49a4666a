"""References shared by the catalogue's API schemas (部门、科室、事项)."""

from __future__ import annotations

from ninja import Schema


class DeptRef(Schema):
    """A department, by id and name."""

    id: int
    name: str


class DivisionRef(Schema):
    """A division, by id and name."""

    id: int
    name: str


class ItemRef(Schema):
    """A licensing item, by id, code and name."""

    id: int
    code: str
    name: str
