"""Request and response bodies of the policy API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ParamOut(Schema):
    """One parameter of a profile: Chinese title, value and (built-ins) its source article."""

    param: str
    group: str
    title: str
    value: Any = None
    display: str
    source: str = Field("", description="内置配置的依据条款，如 002 §17(一)")


class ProfileSummaryOut(Schema):
    """A policy profile (政策配置) in a list."""

    code: str
    name: str
    builtin: bool
    based_on: str | None = None
    version: int
    versions: int


class ProfileOut(ProfileSummaryOut):
    """A profile with every parameter and the jurisdictions (visible to the reader) using it."""

    description: str
    version_created_at: dt.datetime
    params: list[ParamOut]
    jurisdictions: list[str] = Field(..., description="使用本配置的行政区划代码")


class ChangeOut(Schema):
    """A parameter that changed between two versions."""

    param: str
    title: str
    before: Any = None
    after: Any = None


class PolicyVersionOut(Schema):
    """A version of a profile (配置版本) and its differences from the previous one."""

    number: int
    created_at: dt.datetime
    created_by: str
    note: str
    current: bool
    params: dict[str, Any]
    changes: list[ChangeOut]


class CloneIn(Schema):
    """Clone to a new code and name."""

    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)


class ParamsIn(Schema):
    """Changed parameters (others keep their current values) and a note; saves a new version."""

    params: dict[str, Any]
    note: str = Field("", max_length=300)


class AssignIn(Schema):
    """The jurisdiction (GB/T 2260 code) to put under the profile."""

    jurisdiction: str = Field(..., min_length=6, max_length=6)


class AssignOut(Schema):
    """A jurisdiction now under the profile."""

    jurisdiction: str
    name: str
    profile: str
    version: int


class RecomputeIn(Schema):
    """An administrator's explicit recompute; dry_run only counts."""

    dry_run: bool = False


class RecomputeOut(Schema):
    """What a recompute did (or would do)."""

    dry_run: bool
    version: int
    candidates: int
    rebudgeted: int = Field(..., description="时限天数将改变的个数")
    changed: int | None = Field(None, description="实际改变的时限个数（试运行时为空）")


class JurisdictionParamsOut(Schema):
    """The parameters in force in a jurisdiction."""

    jurisdiction: str
    profile: str
    version: int
    params: dict[str, Any]
