"""Fixtures of the catalog tests: a Dalate-style county (memo required) on top of `world`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from shenguan.catalog import services as cat
from shenguan.org.roles import DepartmentKind, Role
from tests import factories


@dataclass
class Dalate:
    """A banner under dalate-2023 with its bureau, two regulators and their staff."""

    j: object
    bureau: object
    reg: object
    reg2: object
    head: object
    reg_liaison: object


@pytest.fixture
def dalate(db):
    j = factories.jurisdiction("150621", "达拉特旗", profile_code="dalate-2023")
    bureau = factories.department(j, DepartmentKind.BUREAU, "达拉特旗行政审批和政务服务局")
    reg = factories.department(j, DepartmentKind.REGULATOR, "达拉特旗林业和草原局")
    reg2 = factories.department(j, DepartmentKind.REGULATOR, "达拉特旗交通运输局")
    head = factories.user(bureau, Role.BUREAU_HEAD, username="dlt_head")
    reg_liaison = factories.user(reg, Role.REGULATOR_LIAISON, username="dlt_reg")
    return Dalate(j, bureau, reg, reg2, head, reg_liaison)


def make_item(j, dept, name="林木采伐许可证核发", **kw):
    """An item created by the system actor."""
    return cat.item_create(actor=None, jurisdiction=j, name=name, original_department=dept, **kw)


def full_memo_content():
    """The content a memo needs before it can be signed."""
    return {
        "checklist": [
            {"kind": "archives", "description": "2020年以来审批案卷", "quantity": "120卷"},
            {"kind": "keys_devices", "description": "专用电脑和密钥", "quantity": "1套"},
        ],
        "duty_boundary": "审批由行政审批和政务服务局负责，事中事后监管由原部门负责。",
        "feedback_arrangement": "审批结果实时推送，监管结果及时反馈。",
        "technical_support": "复杂现场勘验由原部门出具书面意见。",
        "from_signatory": "张三",
        "to_signatory": "李四",
    }


D = dt.date


@dataclass
class Yiyang:
    """益阳高新技术产业开发区 (430971) with the departments of 003's attachment."""

    j: object
    depts: dict
    head: object
    liaison: object
    reg_liaison: object


@pytest.fixture
def yiyang(db):
    from shenguan.catalog.seed003 import DEPARTMENTS

    j = factories.jurisdiction(
        "430971", "益阳高新技术产业开发区", level="zone", profile_code="yiyang-2023"
    )
    depts = {}
    for k, name in DEPARTMENTS.items():
        kind = DepartmentKind.BUREAU if k == "bureau" else DepartmentKind.REGULATOR
        depts[k] = factories.department(j, kind, name)
    head = factories.user(depts["bureau"], Role.BUREAU_HEAD, username="yy_head")
    liaison = factories.user(depts["bureau"], Role.BUREAU_LIAISON, username="yy_liaison")
    reg_liaison = factories.user(depts["social"], Role.REGULATOR_LIAISON, username="yy_social")
    return Yiyang(j, depts, head, liaison, reg_liaison)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Api:
    """A small client for /api/v1/catalog/ as a session user (or anonymous)."""

    def __init__(self, user=None):
        from django.test import Client

        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    @staticmethod
    def _url(path: str) -> str:
        return path if path.startswith("/") else f"/api/v1/catalog/{path}"

    def get(self, path, **params):
        return self.client.get(self._url(path), params)

    def post(self, path, body=None):
        import json

        return self.client.post(
            self._url(path), json.dumps(body or {}), content_type="application/json"
        )

    def patch(self, path, body=None):
        import json

        return self.client.patch(
            self._url(path), json.dumps(body or {}), content_type="application/json"
        )

    def upload(self, path, data: bytes, filename: str, **form):
        from django.core.files.uploadedfile import SimpleUploadedFile

        f = SimpleUploadedFile(filename, data)
        return self.client.post(self._url(path), {"file": f, **form})


@pytest.fixture
def api_as():
    """api_as(user) → Api."""
    return Api
