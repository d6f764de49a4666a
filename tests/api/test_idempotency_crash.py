"""Issue 12 item 4 with real processes: gunicorn serving the application on the PostgreSQL test
database is killed with SIGKILL while a POST with an Idempotency-Key is inside its transaction
(its approval record already written, waiting for the audit chain lock that the test holds).
The retry must run again — no 409 "in progress", no "case_number_exists" — and create exactly
one record; a further retry gets the stored answer; no key is left without its answer."""

from __future__ import annotations

import datetime as dt
import threading
import time

import httpx
import psycopg
import pytest
from django.db import connection

from shenguan.audit.services import _CHAIN_LOCK_KEY
from shenguan.core.models import IdempotencyRecord
from shenguan.linkage.models import ApprovalRecord
from shenguan.org.roles import Role
from tests.api.conftest import issue_token
from tests.factories import World
from tests.linkage.conftest import PERSON_ID, build_linkage
from tests.servers import start_gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _dsn() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _body(item_code: str, case: str) -> dict:
    today = dt.date.today()
    return {
        "item_code": item_code,
        "case_number": case,
        "applicant_kind": "person",
        "applicant_name": "赵六",
        "applicant_id_number": PERSON_ID,
        "contact_phone": "13806352222",
        "address": "聊城市东昌府区",
        "accepted_on": (today - dt.timedelta(days=3)).isoformat(),
        "decided_on": today.isoformat(),
        "decision_number": f"聊审〔2026〕{case}",
        "result": "granted",
        "licence_number": f"XK-{case}",
        "complete": True,
    }


def _waiting_on_the_chain_lock(dsn: str) -> list[int]:
    """Backends of other sessions waiting for an advisory lock."""
    with psycopg.connect(dsn, autocommit=True) as c:
        rows = c.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND wait_event = 'advisory' AND datname = current_database()"
        ).fetchall()
    return [r[0] for r in rows]


def _backend_alive(dsn: str, pid: int) -> bool:
    with psycopg.connect(dsn, autocommit=True) as c:
        return (
            c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]
            == 1
        )


@pytest.fixture
def setup(tmp_path):
    world = World.build()
    lk = build_linkage(world.city, world.depts, world.users, "3715")
    _tok, token = issue_token(lk.bureau, Role.WINDOW_CLERK, Role.APPROVER, name="省审批系统")
    env = {"SHENGUAN_DATABASE_URL": _dsn(), "SHENGUAN_VAR_DIR": str(tmp_path)}
    return lk, token, env


def test_a_worker_killed_mid_request_leaves_no_stuck_key_and_the_retry_runs_once(setup):
    lk, token, env = setup
    dsn = _dsn()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "kill-9-once"}
    body = _body(lk.food.code, "KILL-0001")

    server = start_gunicorn(env)
    holder = psycopg.connect(dsn)  # holds the audit chain lock: the request stops before commit
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    outcome: dict = {}

    def post():
        try:
            outcome["r"] = httpx.post(
                f"{server.base}/api/v1/linkage/records", json=body, headers=headers, timeout=60
            )
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    t = threading.Thread(target=post)
    t.start()
    try:
        deadline = time.monotonic() + 60
        while not (waiting := _waiting_on_the_chain_lock(dsn)):
            assert time.monotonic() < deadline, "the request never reached the audit append"
            time.sleep(0.2)
        # inside its transaction: the record is written (invisible to others), the key too
        assert server.worker_pids()
        server.kill()  # kill -9 of the arbiter and the worker, mid-request
    finally:
        holder.rollback()
        holder.close()
    t.join(30)
    assert "error" in outcome  # the client saw the connection die, no answer
    deadline = time.monotonic() + 30
    while any(_backend_alive(dsn, pid) for pid in waiting):  # PostgreSQL ends the session
        assert time.monotonic() < deadline
        time.sleep(0.2)

    assert ApprovalRecord.objects.filter(case_number="KILL-0001").count() == 0
    assert IdempotencyRecord.objects.count() == 0  # zero stuck keys

    server = start_gunicorn(env)
    try:
        retry = httpx.post(
            f"{server.base}/api/v1/linkage/records", json=body, headers=headers, timeout=60
        )
        assert retry.status_code == 201, retry.text  # not 409, not case_number_exists
        assert "idempotent-replayed" not in retry.headers
        again = httpx.post(
            f"{server.base}/api/v1/linkage/records", json=body, headers=headers, timeout=60
        )
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == retry.content  # the stored answer
    finally:
        server.stop()
    assert ApprovalRecord.objects.filter(case_number="KILL-0001").count() == 1
    assert IdempotencyRecord.objects.filter(status_code__isnull=True).count() == 0
    assert IdempotencyRecord.objects.filter(key="kill-9-once", status_code=201).count() == 1


def test_a_response_lost_after_the_commit_is_replayed_not_refused(setup):
    """The client gives up before the answer arrives (the commit happened): its retry gets the
    stored 201, and the record exists once."""
    lk, token, env = setup
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "lost-answer"}
    body = _body(lk.food.code, "LOST-0001")
    server = start_gunicorn(env)
    try:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                f"{server.base}/api/v1/linkage/records", json=body, headers=headers, timeout=0.05
            )
        deadline = time.monotonic() + 60
        while not IdempotencyRecord.objects.filter(key="lost-answer").exists():
            assert time.monotonic() < deadline
            time.sleep(0.2)
        retry = httpx.post(
            f"{server.base}/api/v1/linkage/records", json=body, headers=headers, timeout=60
        )
        assert retry.status_code == 201, retry.text
        assert retry.headers["idempotent-replayed"] == "true"
    finally:
        server.stop()
    assert ApprovalRecord.objects.filter(case_number="LOST-0001").count() == 1
