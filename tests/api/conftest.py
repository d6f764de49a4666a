"""Fixtures of the API tests: a fast password hasher, a clean rate-limit cache, API helpers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shenguan.org import services as org


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


class Api:
    """A small client for /api/v1/ as a session user or a bearer token."""

    def __init__(self, *, user=None, token: str | None = None):
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            self.client.force_login(user)
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        h = {**self.headers, **(headers or {})}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return (
            getattr(self.client, method)(url, data, headers=h, **kwargs)
            if data is not None
            else getattr(self.client, method)(url, headers=h)
        )

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self._call("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self._call("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


@pytest.fixture
def api_as():
    """api_as(user) or api_as(token="sg_…") → Api."""

    def make(user=None, *, token=None):
        return Api(user=user, token=token)

    return make


def issue_token(dept, *roles: str, days: int = 30, rate: int | None = None, name: str = "测试系统"):
    """A token for a department (issued by the system itself); returns (token row, plain)."""
    return org.token_create(
        actor=None,
        department=dept,
        name=name,
        roles=set(roles),
        expires_at=timezone.now() + dt.timedelta(days=days),
        rate_limit_per_minute=rate,
    )


def assert_error(resp, status: int, code: str | None = None, field: str | None = "__any__"):
    """The one error body: {code, message (Chinese), field}."""
    assert resp.status_code == status, resp.content[:500]
    body = resp.json()
    assert set(body) >= {"code", "message", "field"}, body
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]), body
    if code is not None:
        assert body["code"] == code, body
    if field != "__any__":
        assert body["field"] == field, body
    return body
