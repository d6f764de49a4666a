"""schemathesis over the whole API (issue 4 "Tests"): for every operation of /api/v1/openapi.json,
a few generated requests (bounded examples, in-process through WSGI) must never answer 5xx and
every answer must match the documented schema and status codes.

The caller is a bureau system token holding the bureau's business roles, on a world with the
linkage fixtures (items, routes, liaisons), so that many requests reach real objects.
Examples per operation: SHENGUAN_FUZZ_EXAMPLES (default 8) — kept small so the run stays within
a few minutes on two cores. SHENGUAN_FUZZ_COVERAGE=1 adds schemathesis' coverage phase (boundary
values of every parameter; about three times longer); SHENGUAN_FUZZ_PATHS restricts the run to
the paths matching a regular expression (local runs).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shenguan.org import services as org
from shenguan.org.roles import Role
from shenguan.wsgi import application

EXAMPLES = int(os.environ.get("SHENGUAN_FUZZ_EXAMPLES", "8"))

COVERAGE = os.environ.get("SHENGUAN_FUZZ_COVERAGE", "0") == "1"
PATHS = os.environ.get("SHENGUAN_FUZZ_PATHS", "")  # a regular expression, for local runs

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    application,
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}}),
)
if PATHS:
    schema = schema.include(path_regex=PATHS)


@pytest.fixture
def bureau_token(world, settings):
    """A bearer token of the city bureau holding its business roles, with fixtures behind it."""
    from tests.linkage.conftest import build_linkage

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    cache.clear()
    build_linkage(world.city, world.depts, world.users, "3715")
    _tok, plain = org.token_create(
        actor=None,
        department=world.depts["bureau"],
        name="模糊测试",
        roles={Role.WINDOW_CLERK, Role.APPROVER, Role.BUREAU_LIAISON, Role.BUREAU_HEAD},
        expires_at=timezone.now() + dt.timedelta(days=1),
        rate_limit_per_minute=1_000_000,
    )
    return plain


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_matches_its_schema(case, bureau_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bureau_token}"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
