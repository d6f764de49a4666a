"""API schemas of supervision items (监管事项)."""

from __future__ import annotations

from ninja import Field, Schema

from .common import DeptRef, DivisionRef


class SupervisionOut(Schema):
    """A supervision item (监管事项)."""

    id: int
    jurisdiction_id: int
    code: str
    name: str
    regulator: DeptRef
    division: DivisionRef | None
    active: bool


class SupervisionFilters(Schema):
    """Filters of the supervision item list."""

    jurisdiction_id: int | None = None
    regulator_id: int | None = None
    q: str | None = Field(None, max_length=100, description="编码或名称包含")
    active: bool | None = None


class SupervisionIn(Schema):
    """A new supervision item."""

    jurisdiction_id: int | None = None
    code: str = Field(max_length=40)
    name: str = Field(max_length=500)
    regulator_id: int
    division_id: int | None = None


class SupervisionPatch(Schema):
    """Changes to a supervision item."""

    name: str | None = Field(None, max_length=500)
    regulator_id: int | None = None
    division_id: int | None = None
    active: bool | None = None
