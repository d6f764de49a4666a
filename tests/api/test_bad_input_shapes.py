"""Issue 12 item 7: bad input that answered 500 or was accepted — NUL characters, multipart
bodies without a boundary, JSON bodies of the wrong shape, a wrong Host — answers 4xx in Chinese
and writes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from ninja import Schema
from pydantic import ValidationError

from shenguan.org.roles import Role
from tests.api.conftest import assert_error


def sql_count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        return cur.fetchone()[0]


@pytest.fixture
def linkage(world):
    """Items and entries, so that the city's linkage list can be published."""
    from tests.linkage.conftest import build_linkage

    return build_linkage(world.city, world.depts, world.users, "3715")


# --- JSON bodies must be objects -----------------------------------------------------------------


@pytest.mark.parametrize("raw", [b'"AAA"', b'"title"', b"[]", b'["AAA"]', b"1", b"true", b"null"])
def test_a_json_scalar_or_array_does_not_publish_a_version(world, linkage, api_as, raw):
    """The trial's find: `"AAA"` was read as an object whose title is "AAA".title()."""
    client = api_as(world.users[Role.BUREAU_LIAISON])
    before = sql_count("catalog_linkagelistversion")
    r = client.post("catalog/versions", raw=raw)
    assert r.status_code == 422, r.content
    assert_error(r, 422, "invalid_input")
    assert sql_count("catalog_linkagelistversion") == before
    # the same user can publish with a proper body: the refusal is about the shape only
    ok = client.post("catalog/versions", {"title": "2026年第一版"})
    assert ok.status_code == 201, ok.content
    assert sql_count("catalog_linkagelistversion") == before + 1


def test_a_json_string_body_is_refused_naming_the_body(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post("org/departments", raw=b'"AAA"')
    body = assert_error(r, 422, "invalid_input", None)
    assert body["message"] == "请求体须为 JSON 对象"


def test_no_schema_is_ever_built_from_a_bare_string():
    """The guard is general: nested objects and responses go through the same getter."""

    class Titled(Schema):
        title: str

    class Outer(Schema):
        lines: list[Titled]

    assert Titled.model_validate({"title": "x"}).title == "x"
    for bad in ("AAA", 1, ["AAA"], None):
        with pytest.raises(ValidationError):
            Titled.model_validate(bad)
    with pytest.raises(ValidationError) as err:
        Outer.model_validate({"lines": ["AAA"]})
    assert err.value.errors()[0]["loc"] == ("lines", 0)


# --- NUL characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/linkage/verify?number=%00",
        "/api/v1/org/departments?q=a%00b",
        "/api/v1/linkage/records?applicant=%00",
        "/api/v1/catalog/items?q=%00",
    ],
)
def test_nul_in_an_api_query_parameter_answers_422_naming_it(world, linkage, url):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.BUREAU_LIAISON])
    r = client.get(url)
    name = url.split("?")[1].split("=")[0]
    body = assert_error(r, 422, None, name)
    assert "NUL" in body["message"] and name in body["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/linkage/records/?applicant=%00",
        "/catalog/export/supervision?q=%00",
        "/linkage/?q=x%00",
        "/catalog/items/?q=%00",
    ],
)
def test_nul_in_a_page_query_parameter_answers_a_chinese_400_page(world, linkage, url):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.BUREAU_LIAISON])
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code)
    text = r.content.decode()
    assert "请求无法处理" in text and "NUL" in text


def test_nul_in_a_json_body_answers_422_naming_the_field_and_writes_nothing(world, api_as):
    before = sql_count("org_department")
    r = api_as(world.users[Role.SYSTEM_ADMIN]).post(
        "org/departments",
        {"jurisdiction_id": world.city.pk, "name": "新\u0000部门", "kind": "REGULATOR"},
    )
    assert_error(r, 422, "nul_character", "name")
    assert sql_count("org_department") == before


def test_nul_in_a_multipart_form_field_answers_422(world, linkage):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.BUREAU_LIAISON])
    body = b'--zz\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\nx\x00x\r\n--zz--\r\n'
    r = client.post(
        "/api/v1/catalog/import/items", data=body, content_type="multipart/form-data; boundary=zz"
    )
    assert_error(r, 422, "invalid_input", "dry_run")


def test_a_nul_in_a_urlencoded_form_answers_400(db):
    r = Client(raise_request_exception=False).post(
        "/accounts/login/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400
    assert "NUL" in r.content.decode()


# --- multipart without a boundary ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\x00"],
)
@pytest.mark.parametrize(
    "url",
    ["/api/v1/catalog/import/items", "/api/v1/linkage/records/import", "/api/v1/calendar/import"],
)
def test_multipart_without_a_boundary_answers_422_on_the_api(world, url, content_type):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.BUREAU_LIAISON])
    r = client.post(url, data=b"xx", content_type=content_type)
    assert_error(r, 422, "bad_multipart")


def test_multipart_with_a_boundary_but_broken_parts_answers_4xx(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.SYSTEM_ADMIN])
    r = client.post(
        "/api/v1/calendar/import",
        data=b"--zz\r\nContent-Disposition: form-data; name=file; filename=\r\n",
        content_type="multipart/form-data; boundary=zz",
    )
    assert 400 <= r.status_code < 500, r.content


@pytest.mark.parametrize("url", ["/catalog/import/", "/accounts/login/"])
def test_multipart_without_a_boundary_answers_a_chinese_400_page(world, url):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.BUREAU_LIAISON])
    r = client.post(url, data=b"xx", content_type="multipart/form-data")
    assert r.status_code == 400
    text = r.content.decode()
    assert "请求无法处理" in text and "boundary" in text
    assert "Bad Request" not in text


# --- a wrong Host --------------------------------------------------------------------------------


def test_a_wrong_host_answers_a_chinese_400_page(db):
    r = Client(raise_request_exception=False).get("/accounts/login/", HTTP_HOST="evil.example")
    assert r.status_code == 400
    text = r.content.decode()
    assert "主机名" in text and 'lang="zh-hans"' in text
    assert "Bad Request" not in text


def test_a_wrong_host_on_the_api_answers_json(db):
    r = Client(raise_request_exception=False).get("/api/v1/core/whoami", HTTP_HOST="evil.example")
    assert_error(r, 400, "bad_host")


# --- what the framework answers is declared ------------------------------------------------------


def test_every_operation_declares_the_answers_the_framework_gives(db):
    """schemathesis found PUT calendar/days answering an undeclared 400 on an unparsable body."""
    doc = Client().get("/api/v1/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            declared = set(op["responses"])
            assert "422" in declared, (method, path)
            if "requestBody" in op:
                assert {"400", "413"} <= declared, (method, path)
            if op.get("security"):
                assert {"401", "429"} <= declared, (method, path)


def test_an_unparsable_body_answers_the_declared_400(world, api_as):
    r = api_as(world.users[Role.SYSTEM_ADMIN]).client.put(
        "/api/v1/calendar/days/2027-01-04", data=b"\x19'@F'", content_type="application/json"
    )
    assert_error(r, 400, "bad_json")
