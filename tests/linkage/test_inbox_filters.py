"""The inbox filters real platforms offer (item, case number, applicant, completion date, claim
state, claim mode, claimant, claim time, department, overdue, late), through the API and the
page: every filter against an oracle computed from what the test itself did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from shenguan.calendar import workdays
from shenguan.linkage import services as svc
from shenguan.linkage.sweeps import push_auto_claim_due
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db
SH = workdays.SHANGHAI


def local(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=SH)


@dataclass
class Row:
    """What the test knows about one push addressed to reg_a (the oracle)."""

    pk: int
    item_id: int
    case: str
    applicant: str
    decided: dt.date
    pushed: dt.date
    claimed_mode: str = ""  # '' = still to claim
    claimant: str = ""
    claimed: dt.date | None = None
    late: bool = False
    due_at: dt.datetime | None = None


@pytest.fixture
def inbox(lk):
    """Five approvals pushed to reg_a in September–November 2026 and claimed in every way."""
    liaison, leader = lk.users["regulator_liaison"], lk.users["regulator_leader"]
    rows: dict[str, Row] = {}

    def push(case, item, applicant, decided, at):
        rec = svc.record_create(
            actor=lk.users["window_clerk"],
            data=record_data(
                item,
                case,
                applicant_name=applicant,
                accepted_on=decided - dt.timedelta(days=5),
                decided_on=decided,
            ),
        )
        pushes = svc.record_complete(actor=lk.users["approver"], record=rec, at=at)
        mine = next(p for p in pushes if p.addressee_department_id == lk.reg_a.pk)
        rows[case] = Row(mine.pk, item.pk, case, applicant, decided, at.date())
        rows[case].due_at = mine.claim_due_at
        return mine

    p1 = push("F-1", lk.food, "张三", dt.date(2026, 9, 1), local(2026, 9, 1))
    p2 = push("F-2", lk.food, "李四", dt.date(2026, 9, 10), local(2026, 9, 10))
    push("F-3", lk.building, "王五", dt.date(2026, 9, 15), local(2026, 9, 15))
    p4 = push("F-4", lk.food, "赵六", dt.date(2026, 9, 16), local(2026, 9, 16))
    push("F-5", lk.food, "钱七", dt.date(2026, 11, 20), local(2026, 11, 20))
    push("F-6", lk.food, "孙八", dt.date(2026, 11, 17), local(2026, 11, 17))
    svc.push_claim(actor=liaison, push=p1, at=local(2026, 9, 2, 9))
    svc.push_claim(actor=leader, push=p2, at=local(2026, 9, 11, 9))
    svc.push_claim(actor=liaison, push=p4, at=local(2026, 9, 30, 9))  # after its deadline
    rows["F-1"].claimed_mode, rows["F-1"].claimant = "manual", liaison.display_name
    rows["F-1"].claimed = dt.date(2026, 9, 2)
    rows["F-2"].claimed_mode, rows["F-2"].claimant = "manual", leader.display_name
    rows["F-2"].claimed = dt.date(2026, 9, 11)
    rows["F-4"].claimed_mode, rows["F-4"].claimant = "manual", liaison.display_name
    rows["F-4"].claimed, rows["F-4"].late = dt.date(2026, 9, 30), True
    # F-3 is left unclaimed: the worker claims it at its deadline (17 September ends), with
    # the push of the same record to reg_b
    assert push_auto_claim_due(now=local(2026, 10, 1))["claimed"] == 2
    rows["F-3"].claimed_mode, rows["F-3"].claimant = "timeout", "系统（超时自动认领）"
    rows["F-3"].claimed, rows["F-3"].late = dt.date(2026, 9, 18), True
    # F-5 and F-6 wait (pushed on 20 and 17 November, due at the end of the 24th and the 19th)
    assert rows["F-6"].due_at == local(2026, 11, 20, 0)
    c = Client()
    c.force_login(liaison)
    return lk, rows, c


def api_ids(client, **params) -> set[int]:
    r = client.get("/api/v1/linkage/pushes", {"box": "all", "page_size": 500, **params})
    assert r.status_code == 200, r.content
    return {i["id"] for i in r.json()["items"]}


def expect(rows, pred) -> set[int]:
    return {r.pk for r in rows.values() if pred(r)}


CASES = [
    ({"case_number": "F-2"}, lambda r: r.case == "F-2"),
    ({"applicant": "王"}, lambda r: "王" in r.applicant),
    ({"subject_from": "2026-09-10", "subject_to": "2026-09-15"},
     lambda r: dt.date(2026, 9, 10) <= r.decided <= dt.date(2026, 9, 15)),
    ({"pushed_from": "2026-09-16"}, lambda r: r.pushed >= dt.date(2026, 9, 16)),
    ({"pushed_to": "2026-09-10"}, lambda r: r.pushed <= dt.date(2026, 9, 10)),
    ({"state": "pending"}, lambda r: not r.claimed_mode),
    ({"state": "claimed"}, lambda r: bool(r.claimed_mode)),
    ({"claimed_mode": "manual"}, lambda r: r.claimed_mode == "manual"),
    ({"claimed_mode": "timeout"}, lambda r: r.claimed_mode == "timeout"),
    ({"claimant": "超时"}, lambda r: "超时" in r.claimant),
    ({"claimed_from": "2026-09-11", "claimed_to": "2026-09-18"},
     lambda r: r.claimed is not None and dt.date(2026, 9, 11) <= r.claimed <= dt.date(2026, 9, 18)),
    ({"late": True}, lambda r: r.late),
    ({"late": False}, lambda r: not r.late),
    ({"kind": "approval", "direction": "to_regulator"}, lambda r: True),
    ({"kind": "notice"}, lambda r: False),
]  # fmt: skip


@pytest.mark.parametrize(("params", "pred"), CASES, ids=[str(c[0]) for c in CASES])
def test_each_api_filter_matches_the_oracle(inbox, params, pred):
    _lk, rows, client = inbox
    assert api_ids(client, **params) == expect(rows, pred)


def test_item_claimant_and_department_filters(inbox):
    lk, rows, client = inbox
    liaison = lk.users["regulator_liaison"]
    assert api_ids(client, item_id=lk.building.pk) == expect(rows, lambda r: r.case == "F-3")
    assert api_ids(client, claimant=liaison.display_name) == expect(
        rows, lambda r: r.claimant == liaison.display_name
    )
    # the counterpart department: the bureau sent them all, reg_b none of reg_a's
    assert api_ids(client, department_id=lk.bureau.pk) == expect(rows, lambda r: True)
    assert api_ids(client, department_id=lk.reg_b.pk) == set()
    # the bureau's sent box filtered by addressee: reg_b received only the building permit
    bureau = Client()
    bureau.force_login(lk.users["bureau_liaison"])
    sent = bureau.get(
        "/api/v1/linkage/pushes", {"box": "sent", "department_id": lk.reg_b.pk}
    ).json()["items"]
    assert [(p["case_number"], p["addressee_department_id"]) for p in sent] == [
        ("F-3", lk.reg_b.pk)
    ]


def test_overdue_filter_and_the_boxes(inbox):
    _lk, rows, client = inbox
    # F-6 is overdue (and not swept yet); F-5 too once the 24th has ended
    now = dt.datetime.now(tz=SH)
    overdue = expect(rows, lambda r: not r.claimed_mode and r.due_at <= now)
    assert rows["F-6"].pk in overdue
    assert api_ids(client, overdue=True) == overdue
    assert api_ids(client, box="to_claim") == expect(rows, lambda r: not r.claimed_mode)
    assert api_ids(client, box="claimed") == expect(rows, lambda r: r.claimed_mode == "manual")
    assert api_ids(client, box="auto_claimed") == expect(
        rows, lambda r: r.claimed_mode == "timeout"
    )
    assert api_ids(client, box="sent") == set()


def test_the_page_applies_the_same_filters(inbox):
    lk, rows, client = inbox

    def page_ids(**params) -> set[int]:
        html = client.get("/linkage/", {"box": "all", **params}).content.decode()
        return {r.pk for r in rows.values() if f'data-id="{r.pk}"' in html}

    assert page_ids() == expect(rows, lambda r: True)
    assert page_ids(item=lk.food.pk, claimed_mode="manual") == expect(
        rows, lambda r: r.item_id == lk.food.pk and r.claimed_mode == "manual"
    )
    assert page_ids(applicant="李") == expect(rows, lambda r: "李" in r.applicant)
    assert page_ids(subject_from="2026-09-15", subject_to="2026-09-16") == expect(
        rows, lambda r: r.case in ("F-3", "F-4")
    )
    assert page_ids(claimed_from="2026-09-30", claimed_to="2026-09-30") == expect(
        rows, lambda r: r.case == "F-4"
    )
    assert page_ids(department=lk.bureau.pk, state="pending") == expect(
        rows, lambda r: r.case in ("F-5", "F-6")
    )


@pytest.mark.postgres
def test_postgresql_keeps_statistics_on_the_free_text_filters():
    """The claimant and applicant filters compare upper-cased names; PostgreSQL plans them by
    the statistics kept on those expressions (linkage migration 0006, ADR 0014)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT stxname, pg_get_statisticsobjdef_expressions(oid)::text "
            "FROM pg_statistic_ext WHERE stxrelid = 'linkage_push'::regclass ORDER BY stxname"
        )
        found = dict(cur.fetchall())
    assert set(found) == {"lk_push_applicant_upper", "lk_push_claimant_upper"}
    assert "upper" in found["lk_push_claimant_upper"]
    assert "claimed_by_name" in found["lk_push_claimant_upper"]
    assert "applicant_name" in found["lk_push_applicant_upper"]
