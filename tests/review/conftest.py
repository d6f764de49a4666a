"""Fixtures of the review tests: the linkage world of tests/linkage, a technical-step table and a
draft case accepted before the National Day holiday of 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.linkage import services as lk_svc
from shenguan.review import services as svc
from tests.linkage.conftest import (  # noqa: F401 - fixtures
    _fast_hasher,
    county_lk,
    lk,
    record_data,
    wuhai,
)

ACCEPTED = dt.date(2026, 9, 21)


def moment(d: dt.date, hour: int = 10) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(d, dt.time(hour, 0), tzinfo=ZoneInfo("Asia/Shanghai"))


def make_steps(lk, days: int = 5):  # noqa: F811
    """Site inspection of the food item by reg_a (written support); testing by the bureau."""
    approver = lk.users["bureau_liaison"]
    inspection = svc.step_create(
        actor=approver,
        item=lk.food,
        step_kind="site_inspection",
        performer="regulator",
        department=lk.reg_a,
        procedure="勘验经营场所布局、设施设备，出具现场勘验意见书",
        time_limit_days=days,
        valid_from=dt.date(2020, 1, 1),
        basis="《食品经营许可管理办法》第二十一条",
    )
    own = svc.step_create(
        actor=approver,
        item=lk.food,
        step_kind="technical_review",
        performer="bureau",
        department=lk.bureau,
        procedure="审批局核对材料",
        time_limit_days=2,
        valid_from=dt.date(2020, 1, 1),
    )
    return inspection, own


def draft_case(lk, case: str = "RV-1", accepted: dt.date = ACCEPTED, **over):  # noqa: F811
    return lk_svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            lk.food,
            case,
            result="",
            decided_on=None,
            decision_number="",
            licence_number="",
            licence_valid_until=None,
            accepted_on=accepted,
            **over,
        ),
    )


@pytest.fixture
def steps(lk):  # noqa: F811
    return make_steps(lk)


@pytest.fixture
def case(lk, steps):  # noqa: F811
    return draft_case(lk)
