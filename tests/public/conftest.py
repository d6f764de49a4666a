"""Fixtures of the public-page tests: published lists of Yiyang (003) and a small Liaocheng set."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from shenguan.catalog import importers
from shenguan.catalog import services as cat
from shenguan.catalog.seed003 import DEPARTMENTS, build_xlsx
from shenguan.org.roles import DepartmentKind
from tests import factories
from tests.browser.conftest import browser_context, page  # noqa: F401  (browser fixtures)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_public_data():
    """Yiyang with the 003 list imported and published; items of every public status."""
    j = factories.jurisdiction(
        "430971", "益阳高新技术产业开发区", level="zone", profile_code="yiyang-2023"
    )
    depts = {}
    for k, name in DEPARTMENTS.items():
        kind = DepartmentKind.BUREAU if k == "bureau" else DepartmentKind.REGULATOR
        depts[k] = factories.department(j, kind, name)
    importers.linkage_import(
        actor=None,
        jurisdiction=j,
        source=io.BytesIO(build_xlsx()),
        dry_run=False,
        valid_from=dt.date(2023, 10, 16),
    )
    cat.list_publish(
        actor=None,
        jurisdiction=j,
        title="益阳高新区审管联动事项清单（第一批）",
        published_on=dt.date(2023, 10, 16),
    )
    kept = cat.item_create(
        actor=None,
        jurisdiction=j,
        name="排污许可证核发",
        code="4309710001",
        original_department=depts["construction"],
    )
    cat.transfer_record(
        actor=None,
        item=kept,
        status="retained",
        effective_on=dt.date(2023, 10, 16),
        reason="技术条件尚不成熟",
        hall_window="政务服务中心3号窗口",
    )
    later = cat.item_create(
        actor=None,
        jurisdiction=j,
        name="燃气经营许可证核发",
        code="4309710002",
        original_department=depts["construction"],
    )
    cat.transfer_record(
        actor=None,
        item=later,
        status="planned",
        effective_on=dt.date(2023, 10, 16),
        batch_name="机构改革后划转",
        planned_on=dt.date(2024, 6, 30),
    )
    return j, depts


@pytest.fixture
def public_data(db):
    return build_public_data()
