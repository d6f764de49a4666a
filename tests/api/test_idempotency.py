"""Idempotency-Key on POST: replay for 24 h, refuse a reused key, 409 while in progress, and the
key stored in the transaction of the change."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.test import Client
from django.utils import timezone

from shenguan.core.idempotency import _fingerprint
from shenguan.core.models import IdempotencyRecord
from shenguan.org import selectors as org_selectors
from shenguan.org.roles import Role
from tests.api.conftest import assert_error, issue_token
from tests.api.test_bad_input import sql_count


def dept_body(world, name="数据资源管理局"):
    return {"jurisdiction_id": world.city.pk, "name": name, "kind": "REGULATOR"}


def written() -> tuple[int, int, int]:
    return (
        sql_count("org_department"),
        sql_count("outbox_outboxevent"),
        sql_count("audit_auditevent"),
    )


def test_replay_returns_the_first_answer_and_writes_nothing(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "create-dept-1"}
    first = client.post("org/departments", dept_body(world), headers=h)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    after_first = written()
    again = client.post("org/departments", dept_body(world), headers=h)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert written() == after_first


def test_replay_works_for_a_token_too(world, api_as):
    _, plain = issue_token(world.depts["bureau"], Role.APPROVER)
    client = api_as(token=plain)
    h = {"Idempotency-Key": "k-token"}
    # an approver may not create departments: 403 is not stored, so a retry runs again
    assert client.post("org/departments", dept_body(world), headers=h).status_code == 403
    assert not IdempotencyRecord.objects.filter(key="k-token").exists()


def test_same_key_with_a_different_body_answers_422(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "k-1"}
    assert client.post("org/departments", dept_body(world), headers=h).status_code == 201
    before = written()
    r = client.post("org/departments", dept_body(world, "另一个局"), headers=h)
    assert_error(r, 422, "idempotency_key_reused", "Idempotency-Key")
    assert written() == before


def test_same_key_on_another_path_or_query_answers_422(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "k-2"}
    assert client.post("org/departments", dept_body(world), headers=h).status_code == 201
    r = client.post("/api/v1/org/departments?x=1", dept_body(world), headers=h)
    assert_error(r, 422, "idempotency_key_reused")


class _FakeRequest:
    """Just enough of a request for the middleware's fingerprint."""

    def __init__(self, method, path, body):
        self.method = method
        self._path = path
        self.body = json.dumps(body).encode()

    def get_full_path(self):
        return self._path


def test_a_marker_without_an_answer_is_taken_over_at_once(world, api_as):
    """Versions before the single transaction committed an "in progress" marker first; a marker
    left by a crashed process of such a version no longer blocks the key (issue 12 item 4)."""
    admin = world.users[Role.SYSTEM_ADMIN]
    client = api_as(admin)
    fp = _fingerprint(_FakeRequest("POST", "/api/v1/org/departments", dept_body(world)))
    IdempotencyRecord.objects.create(
        principal=f"user:{admin.pk}",
        key="busy",
        method="POST",
        path="/api/v1/org/departments",
        body_hash=fp,
        created_at=timezone.now(),
    )
    before = sql_count("org_department")
    r = client.post("org/departments", dept_body(world), headers={"Idempotency-Key": "busy"})
    assert r.status_code == 201, r.content
    assert sql_count("org_department") == before + 1
    assert IdempotencyRecord.objects.get(key="busy").status_code == 201


def test_a_failure_after_the_change_rolls_it_back_with_the_key(world, api_as, monkeypatch):
    """The change is written, then the request fails (500): nothing stays, and the retry with
    the same key creates the department once — not "name_taken", a success reported as a
    failure (the trial's finding)."""
    from shenguan.org import api as org_api

    client = api_as(world.users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "crash-after-change"}
    real = org_api._department_detail

    def fail_once(*a, **kw):
        monkeypatch.setattr(org_api, "_department_detail", real)
        raise RuntimeError("the process died here")

    monkeypatch.setattr(org_api, "_department_detail", fail_once)
    before = written()
    r = client.post("org/departments", dept_body(world, "应急管理局"), headers=h)
    assert r.status_code == 500
    assert written() == before  # the department, its audit event and its outbox event are gone
    assert not IdempotencyRecord.objects.filter(key="crash-after-change").exists()
    retry = client.post("org/departments", dept_body(world, "应急管理局"), headers=h)
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    again = client.post("org/departments", dept_body(world, "应急管理局"), headers=h)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == retry.content
    assert sql_count("org_department") == before[0] + 1


def test_no_answer_is_ever_stored_without_its_status(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    for i in range(3):
        client.post(
            "org/departments", dept_body(world, f"局{i}"), headers={"Idempotency-Key": f"n{i}"}
        )
    assert IdempotencyRecord.objects.count() == 3
    assert not IdempotencyRecord.objects.filter(status_code__isnull=True).exists()


def test_an_expired_record_is_treated_as_new(world, api_as):
    admin = world.users[Role.SYSTEM_ADMIN]
    client = api_as(admin)
    IdempotencyRecord.objects.create(
        principal=f"user:{admin.pk}",
        key="old",
        method="POST",
        path="/api/v1/org/departments",
        body_hash="y" * 64,
        status_code=201,
        response_body=b"{}",
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    before = sql_count("org_department")
    r = client.post("org/departments", dept_body(world), headers={"Idempotency-Key": "old"})
    assert r.status_code == 201
    assert "Idempotent-Replayed" not in r
    assert sql_count("org_department") == before + 1
    rec = IdempotencyRecord.objects.get(key="old")
    assert rec.status_code == 201 and rec.created_at > timezone.now() - dt.timedelta(minutes=5)


def test_an_abandoned_in_progress_record_is_taken_over(world, api_as):
    admin = world.users[Role.SYSTEM_ADMIN]
    client = api_as(admin)
    IdempotencyRecord.objects.create(
        principal=f"user:{admin.pk}",
        key="crashed",
        method="POST",
        path="/api/v1/org/departments",
        body_hash="z" * 64,
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    r = client.post("org/departments", dept_body(world), headers={"Idempotency-Key": "crashed"})
    assert r.status_code == 201


def test_keys_are_scoped_to_the_principal(world, api_as):
    a = api_as(world.users[Role.SYSTEM_ADMIN])
    b = api_as(world.county_users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "shared-key"}
    assert a.post("org/departments", dept_body(world), headers=h).status_code == 201
    body = {"jurisdiction_id": world.county.pk, "name": "县数据局", "kind": "REGULATOR"}
    r = b.post("org/departments", body, headers=h)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r


def test_a_domain_refusal_is_replayed_like_a_success(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    h = {"Idempotency-Key": "dup"}
    body = dept_body(world, world.depts["reg_a"].name)  # the name is taken: 409
    first = client.post("org/departments", body, headers=h)
    assert_error(first, 409, "name_taken", "name")
    again = client.post("org/departments", body, headers=h)
    assert again.status_code == 409 and again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ", "a\tb"])
def test_a_bad_key_answers_400(world, api_as, key):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    before = written()
    r = client.post("org/departments", dept_body(world), headers={"Idempotency-Key": key})
    assert_error(r, 400, "bad_idempotency_key", "Idempotency-Key")
    assert written() == before


def test_get_requests_ignore_the_key(world, api_as):
    client = api_as(world.users[Role.SYSTEM_ADMIN])
    r = client.get("org/departments", headers={"Idempotency-Key": "g"})
    assert r.status_code == 200
    assert not IdempotencyRecord.objects.filter(key="g").exists()


def test_purge_removes_records_past_their_ttl(db):
    from shenguan.core.idempotency import idempotency_purge

    now = timezone.now()
    for i, age in enumerate([1, 23, 25, 48]):
        IdempotencyRecord.objects.create(
            principal="user:1",
            key=f"k{i}",
            method="POST",
            path="/",
            body_hash="0" * 64,
            created_at=now - dt.timedelta(hours=age),
        )
    assert idempotency_purge() == 2
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k0", "k1"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_run_once(monkeypatch):
    """The second request arrives while the first is inside its handler: 409, then replay."""
    from tests.factories import World

    world = World.build()
    admin = world.users[Role.SYSTEM_ADMIN]
    entered, release = threading.Event(), threading.Event()
    monkeypatch.setattr(
        org_selectors, "jurisdiction_get", _wrap(org_selectors.jurisdiction_get, entered, release)
    )
    results = {}
    h = {"HTTP_IDEMPOTENCY_KEY": "race"}

    def first():
        c = Client()
        c.force_login(admin)
        results["a"] = c.post(
            "/api/v1/org/departments",
            dept_body(world, "并发局"),
            content_type="application/json",
            **h,
        )
        from django.db import connection

        connection.close()

    t = threading.Thread(target=first)
    t.start()
    assert entered.wait(10)
    c = Client()
    c.force_login(admin)
    second = c.post(
        "/api/v1/org/departments", dept_body(world, "并发局"), content_type="application/json", **h
    )
    release.set()
    t.join(20)
    assert second.status_code == 409
    assert results["a"].status_code == 201
    third = c.post(
        "/api/v1/org/departments", dept_body(world, "并发局"), content_type="application/json", **h
    )
    assert third.status_code == 201 and third["Idempotent-Replayed"] == "true"
    from shenguan.org.models import Department

    assert Department.objects.filter(name="并发局").count() == 1


def _wrap(func, entered, release):
    """Make the first call block until released (the second call passes straight through)."""
    state = {"first": True}

    def inner(**kw):
        if state["first"]:
            state["first"] = False
            entered.set()
            release.wait(10)
        return func(**kw)

    return inner
