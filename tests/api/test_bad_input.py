"""Bad input never answers 500 nor writes anything: 4xx with {code, message (Chinese), field}."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from shenguan.audit.models import AuditEvent
from shenguan.org import services as org
from shenguan.org.models import ApiToken
from shenguan.org.roles import Role
from tests.api.conftest import assert_error, issue_token


def sql_count(table: str) -> int:
    """Rows in a table, counted with plain SQL (independent of the ORM managers)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        return cur.fetchone()[0]


TABLES = [
    "org_jurisdiction",
    "org_department",
    "org_division",
    "org_user",
    "org_liaisonassignment",
    "org_apitoken",
    "outbox_outboxevent",
]


def counts() -> dict[str, int]:
    return {t: sql_count(t) for t in TABLES}


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer not-a-token", "invalid_token"),
        ("Bearer sg_zzzzzzzz_secret", "invalid_token"),  # prefix not hex
        ("Bearer sg_0123abcd_", "invalid_token"),  # empty secret
        ("Bearer ", "invalid_token"),
        ("Basic dXNlcjpwYXNz", "bad_auth_scheme"),
        ("Token abc", "bad_auth_scheme"),
    ],
)
def test_malformed_credentials_answer_401_in_chinese(world, api_as, header, code):
    before = AuditEvent.objects.filter(action="auth.token_failed").count()
    r = api_as().get("org/departments", headers={"Authorization": header})
    body = assert_error(r, 401, code)
    assert "令牌" in body["message"] or "认证" in body["message"]
    if code == "invalid_token":  # denied access is audited
        assert AuditEvent.objects.filter(action="auth.token_failed").count() == before + 1


def test_missing_credentials_answer_401_and_are_audited(world, api_as):
    r = api_as().get("org/departments")
    assert_error(r, 401, "unauthenticated")
    ev = AuditEvent.objects.filter(action="auth.api_unauthenticated").first()
    assert ev is not None and ev.outcome == "denied"


def test_a_wrong_secret_with_a_real_prefix_is_refused(world, api_as):
    _tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR)
    forged = plain[: plain.rindex("_") + 1] + "x" * 43
    assert_error(api_as(token=forged).get("org/departments"), 401, "invalid_token")
    assert api_as(token=plain).get("org/departments").status_code == 200


def test_revoked_token_answers_401(world, api_as):
    tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR)
    client = api_as(token=plain)
    assert client.get("core/whoami").status_code == 200
    org.token_revoke(actor=world.users[Role.SECURITY_ADMIN], token=tok)
    assert_error(client.get("core/whoami"), 401, "invalid_token")


def test_expired_token_answers_401(world, api_as):
    tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR)
    ApiToken.objects.filter(pk=tok.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(api_as(token=plain).get("core/whoami"), 401, "invalid_token")


def test_token_acts_with_its_roles_only(world, api_as):
    _tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR)
    me = api_as(token=plain).get("core/whoami").json()
    assert me["kind"] == "token" and me["roles"] == [Role.INSPECTOR]
    # an inspector's token cannot create departments
    r = api_as(token=plain).post(
        "org/departments", {"jurisdiction_id": world.city.pk, "name": "新部门", "kind": "REGULATOR"}
    )
    assert_error(r, 403, "forbidden")


# --- routing and size ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/org/nothing", "/api/v2/org/"])
def test_unknown_route_answers_404_json(world, api_as, path):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).get(path)
    assert r["Content-Type"].startswith("application/json")
    assert_error(r, 404, "no_such_route")


def test_a_wrong_method_answers_405_json_with_allow(world, api_as):
    before = counts()
    r = api_as(world.users[Role.SYSTEM_ADMIN]).delete("org/departments")
    assert r["Content-Type"].startswith("application/json")
    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"] and "POST" in r["Allow"]
    assert counts() == before


def test_another_departments_object_answers_404_json(world, api_as):
    tok, _ = issue_token(world.depts["reg_a"], Role.INSPECTOR)
    r = api_as(world.users[Role.INSPECTOR]).get(f"org/tokens/{tok.pk}")
    assert_error(r, 404, "not_found")


def test_body_over_the_limit_answers_413(world, api_as, settings):
    settings.SHENGUAN_MAX_BODY_BYTES = 2048
    before = counts()
    body = {"jurisdiction_id": world.city.pk, "name": "大" * 1000, "kind": "REGULATOR"}
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post("org/departments", body)
    assert_error(r, 413, "body_too_large")
    assert counts() == before


# --- validation ------------------------------------------------------------------------------


def test_full_width_digits_in_a_region_code_answer_422_naming_code(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])  # logging in is audited: count after it
    before, events = counts(), sql_count("audit_auditevent")
    r = client.post(
        "org/jurisdictions",
        {"code": "３７１５２２", "name": "新县", "level": "county", "parent_id": world.city.pk},
    )
    body = assert_error(r, 422, "bad_region_code", "code")
    assert "半角" in body["message"]
    assert counts() == before
    assert sql_count("audit_auditevent") == events


def test_half_width_region_code_is_accepted(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post(
        "org/jurisdictions",
        {"code": "371522", "name": "莘县", "level": "county", "parent_id": world.city.pk},
    )
    assert r.status_code == 201, r.content
    assert r.json()["profile_code"] == world.city.profile.code


def test_impossible_date_answers_422_naming_the_field(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    before, events = counts(), sql_count("audit_auditevent")
    r = client.post(
        "org/liaisons",
        {
            "department_id": world.depts["reg_a"].pk,
            "kind": "liaison",
            "name": "张三",
            "phone": "13800000000",
            "valid_from": "2026-02-30",
        },
    )
    body = assert_error(r, 422, "invalid_input", "valid_from")
    assert "日期" in body["message"]
    assert counts() == before
    assert sql_count("audit_auditevent") == events


def test_impossible_date_in_a_query_answers_422(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).get("org/liaisons?on_date=2026-02-30")
    assert_error(r, 422, "invalid_input", "on_date")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"jurisdiction_id": "abc", "name": "x部门", "kind": "REGULATOR"}, "jurisdiction_id"),
        ({"jurisdiction_id": None, "name": "x部门", "kind": "REGULATOR"}, "jurisdiction_id"),
        ({"name": "x部门", "kind": "REGULATOR"}, "jurisdiction_id"),
        ({"jurisdiction_id": 1, "name": ["x"], "kind": "REGULATOR"}, "name"),
        ({"jurisdiction_id": 1, "name": "x部门", "kind": "NO_SUCH_KIND"}, "kind"),
        (
            {"jurisdiction_id": 1, "name": "x部门", "kind": "REGULATOR", "sort_order": "x"},
            "sort_order",
        ),
        (
            {"jurisdiction_id": 1, "name": "x部门", "kind": "REGULATOR", "sort_order": -1},
            "sort_order",
        ),
    ],
)
def test_wrong_types_answer_422_naming_the_field(world, api_as, body, field):
    if body.get("jurisdiction_id") == 1:
        body["jurisdiction_id"] = world.city.pk
    before = counts()
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post("org/departments", body)
    assert_error(r, 422, "invalid_input", field)
    assert counts() == before


def test_a_body_that_is_not_json_answers_400(world, api_as):
    before = counts()
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post("org/departments", raw=b"{not json")
    assert_error(r, 400, "bad_json")
    assert counts() == before


def test_a_json_array_instead_of_an_object_answers_4xx(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post("org/departments", [1, 2])
    assert r.status_code in (400, 422)
    assert_error(r, r.status_code)


def test_wrong_type_in_a_path_answers_404_not_500(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).get("org/departments/abc")
    assert_error(r, 404)


def test_huge_integer_in_a_path_answers_404_not_500(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).get("org/departments/99999999999999999999999")
    assert r.status_code in (404, 422)
    assert_error(r, r.status_code)


def test_weak_password_answers_422_naming_password(world, api_as):
    before = counts()
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post(
        "org/users",
        {
            "username": "newbie",
            "full_name": "新人",
            "password": "123",
            "department_id": world.depts["reg_a"].pk,
        },
    )
    assert_error(r, 422, "weak_password", "password")
    assert counts() == before


def test_bad_uscc_answers_422_naming_uscc(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post(
        "org/departments",
        {
            "jurisdiction_id": world.city.pk,
            "name": "新部门",
            "kind": "REGULATOR",
            "uscc": "91370000MA3C123456",
        },
    )
    assert_error(r, 422, "bad_uscc", "uscc")


def test_token_expiry_without_timezone_is_refused(world, api_as):
    r = api_as(world.users[Role.SECURITY_ADMIN]).post(
        "org/tokens",
        {
            "department_id": world.depts["reg_a"].pk,
            "name": "监管系统",
            "roles": ["inspector"],
            "expires_at": "2030-01-01T00:00:00",
        },
    )
    assert_error(r, 422, "invalid_input", "expires_at")


# --- rate limit ------------------------------------------------------------------------------


def test_token_rate_limit_answers_429_with_retry_after(world, api_as):
    _tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR, rate=3)
    client = api_as(token=plain)
    for _ in range(3):
        assert client.get("core/whoami").status_code == 200
    r = client.get("core/whoami")
    assert_error(r, 429, "rate_limited")
    assert 1 <= int(r["Retry-After"]) <= 60
    # another token has its own budget
    _, other = issue_token(world.depts["reg_a"], Role.INSPECTOR, rate=3)
    assert api_as(token=other).get("core/whoami").status_code == 200


# --- OpenAPI ---------------------------------------------------------------------------------


def test_openapi_document_is_valid_and_declares_both_security_schemes(world, api_as):
    from schemathesis.specs.openapi import definitions

    r = api_as().get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    validator = definitions.OPENAPI_31_VALIDATOR
    errors = [str(e) for e in validator.iter_errors(doc)]
    assert errors == []
    schemes = doc["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme") or s.get("in")) for s in schemes.values()}
    assert ("http", "bearer") in kinds
    assert ("apiKey", "cookie") in kinds
    # every operation of the apps built here has a Chinese summary and declared 4xx answers
    for path, ops in doc["paths"].items():
        if not path.startswith(("/api/v1/org/", "/api/v1/audit/")):
            continue
        for method, op in ops.items():
            assert any("\u4e00" <= c <= "\u9fff" for c in op.get("summary", "")), (path, method)
            assert any(code.startswith("4") for code in op["responses"]), (path, method)
            assert op.get("security"), (path, method)


def test_rate_limit_is_counted_in_the_database_for_every_process(world, api_as):
    """The counter is a database row (one per token and minute), not a per-process cache."""
    tok, plain = issue_token(world.depts["reg_a"], Role.INSPECTOR, rate=5)
    client = api_as(token=plain)
    for _ in range(2):
        assert client.get("core/whoami").status_code == 200
    with connection.cursor() as cur:
        cur.execute("SELECT count FROM core_ratecounter WHERE scope = %s", [f"token:{tok.pk}"])
        assert cur.fetchall() == [(2,)]


def test_window_roll_clears_the_finished_windows(db):
    from shenguan.core import ratelimit
    from shenguan.core.models import RateCounter

    assert ratelimit.hit("t:1", now=120.0) == (1, 60)
    assert ratelimit.hit("t:1", now=150.0) == (2, 30)
    assert ratelimit.hit("t:1", now=185.0) == (1, 55)
    assert list(RateCounter.objects.filter(scope="t:1").values_list("window", "count")) == [(3, 1)]


def test_a_flood_of_bad_tokens_is_audited_up_to_the_limit_then_refused(world, api_as, settings):
    settings.SHENGUAN_UNAUTHENTICATED_AUDIT_PER_MINUTE = 3
    bad = api_as(token="sg_abcdefgh_" + "x" * 40)
    statuses = [bad.get("core/whoami").status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert AuditEvent.objects.filter(action="auth.token_failed").count() == 3
    assert AuditEvent.objects.filter(action="auth.flood").count() == 1
    r = bad.get("core/whoami")
    assert_error(r, 429, "too_many_failures")
    assert 1 <= int(r["Retry-After"]) <= 60
    # requests without credentials are still answered 401, just no longer audited
    assert api_as().get("core/whoami").status_code == 401
    assert AuditEvent.objects.filter(action="auth.api_unauthenticated").count() == 0
