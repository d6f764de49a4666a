"""Query-count guards of the interactive path (issue 15 item 7), the way NetBox pins its counts:
each step of one approval's lifecycle through the API (completed and pushed, the regulator's
claim, its feedback, the bureau's claim) and each inbox request may use at most the statements
pinned here. A change that adds a query fails; one that removes queries should lower the pin.

Counted: the statements Django sends through its cursor (SAVEPOINTs included) and the COPY
commands of bulk writes on PostgreSQL, which bypass it. The pins are per engine: SQLite has no
sequences, no advisory lock and writes bulk rows with INSERT.
"""

from __future__ import annotations

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shenguan.linkage.models import Push
from shenguan.org.roles import Role
from tests.api.conftest import Api, issue_token
from tests.linkage.test_api import body

pytestmark = pytest.mark.django_db

# step -> {vendor: the most statements it may send}
PINS = {
    # 31/29 for linkage alone; the apps above it add their work to a completion through the
    # hooks: the credit look-up and its audit event, the open-opinion guard (review) and the
    # signed e-licence (documents).
    "complete_and_push": {"postgresql": 52, "sqlite": 51},
    "claim": {"postgresql": 15, "sqlite": 17},
    "feedback": {"postgresql": 22, "sqlite": 20},
    "bureau_claim": {"postgresql": 15, "sqlite": 17},
    "inbox_to_claim": {"postgresql": 6, "sqlite": 6},
    "inbox_all": {"postgresql": 7, "sqlite": 7},
    "inbox_claimed": {"postgresql": 7, "sqlite": 7},
    "inbox_sent": {"postgresql": 6, "sqlite": 6},
    "summary": {"postgresql": 12, "sqlite": 12},
    "push_detail": {"postgresql": 10, "sqlite": 10},
}


def _pin(name: str) -> int:
    return PINS[name][connection.vendor]


def _counted(name: str, call, check: bool = True):
    """Run an API call, check its status and its statements against the pin."""
    copies = []
    if connection.vendor == "postgresql":
        import psycopg

        real_copy = psycopg.Cursor.copy

        def copy(self, statement, *args, **kwargs):
            copies.append({"sql": str(statement)})
            return real_copy(self, statement, *args, **kwargs)

        psycopg.Cursor.copy = copy
    try:
        with CaptureQueriesContext(connection) as ctx:
            resp = call()
    finally:
        if connection.vendor == "postgresql":
            psycopg.Cursor.copy = real_copy
    assert resp.status_code in (200, 201), resp.content
    queries = ctx.captured_queries + copies
    n = len(queries)
    assert not check or n <= _pin(name), (
        f"{name}: {n} statements, pinned at {_pin(name)}:\n"
        + "\n".join(q["sql"][:160] for q in queries)
    )
    return resp, n


@pytest.fixture
def clients(lk):
    _t, province = issue_token(lk.bureau, Role.WINDOW_CLERK, Role.APPROVER, name="省审批系统")
    _t, regulator = issue_token(lk.reg_a, Role.REGULATOR_LIAISON, name="市场监管自建系统")
    _t, bureau = issue_token(lk.bureau, Role.BUREAU_LIAISON, name="审批局联络系统")
    return Api(token=province), Api(token=regulator), Api(token=bureau)


def _lifecycle(lk, clients, case: str, check: bool = True) -> dict:
    province, regulator, bureau = clients
    counts = {}
    count = functools.partial(_counted, check=check)
    r, counts["complete_and_push"] = count(
        "complete_and_push", lambda: province.post("linkage/records", body(lk, case))
    )
    record_id = r.json()["id"]
    push_id = Push.objects.get(record_id=record_id).pk
    _r, counts["claim"] = count("claim", lambda: regulator.post(f"linkage/pushes/{push_id}/claim"))
    fb = {
        "kind": "admin_measure",
        "title": "责令整改",
        "content": "现场检查发现问题，已责令限期整改。",
        "published_on": r.json()["decided_on"],
        "record_id": record_id,
    }
    r, counts["feedback"] = count("feedback", lambda: regulator.post("linkage/feedback", fb))
    fb_push = Push.objects.get(feedback_id=r.json()["id"]).pk
    _r, counts["bureau_claim"] = count(
        "bureau_claim", lambda: bureau.post(f"linkage/pushes/{fb_push}/claim")
    )
    return counts


def test_each_step_of_a_lifecycle_stays_within_its_pinned_queries(lk, clients):
    _lifecycle(lk, clients, "QC-0001", check=False)  # first: per-process caches load
    counts = _lifecycle(lk, clients, "QC-0002")
    assert set(counts) == {"complete_and_push", "claim", "feedback", "bureau_claim"}


def test_each_inbox_request_stays_within_its_pinned_queries(lk, clients):
    for i in range(3):
        clients[0].post("linkage/records", body(lk, f"QC-1{i:03d}"))
    regulator = clients[1]
    push_id = Push.objects.filter(addressee_department=lk.reg_a).values_list("pk", flat=True)[0]
    regulator.get("linkage/pushes?box=to_claim")  # warm the per-process caches
    for name, path in (
        ("inbox_to_claim", "linkage/pushes?box=to_claim"),
        ("inbox_all", "linkage/pushes?box=all"),
        ("inbox_claimed", "linkage/pushes?box=claimed"),
        ("inbox_sent", "linkage/pushes?box=sent"),
        ("summary", "linkage/summary"),
        ("push_detail", f"linkage/pushes/{push_id}"),
    ):
        resp, _n = _counted(name, lambda path=path: regulator.get(path))
    assert resp.json()["id"] == push_id
