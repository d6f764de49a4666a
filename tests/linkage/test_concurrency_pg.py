"""Integrity under concurrency on PostgreSQL (issue 4 item 10), with threads holding their own
connections: a push is claimed exactly once; the timeout sweep racing manual claims gives one
claim per push; two sweeps at once never claim a push twice."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import Conflict
from shenguan.linkage import services as svc
from shenguan.linkage.models import ClaimedMode, Push, PushOpen, PushState
from shenguan.linkage.sweeps import push_auto_claim_due, push_claims_materialize
from shenguan.org.models import User
from shenguan.outbox.models import OutboxEvent
from tests.factories import World
from tests.linkage.conftest import build_linkage, record_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def tlk(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    w = World.build()
    return build_linkage(w.city, w.depts, w.users, "3715")


def _pushes(lk, n: int, prefix: str) -> list[int]:
    recs = [
        svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, f"{prefix}{i}"))
        for i in range(n)
    ]
    return [p.pk for p in svc.complete_records(actor=lk.users["approver"], records=recs)]


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()


def _thread(func):
    def body():
        try:
            func()
        finally:
            connection.close()

    return threading.Thread(target=body)


def test_two_simultaneous_claims_give_one_success_and_one_conflict(tlk):
    ids = _pushes(tlk, 8, "RACE-")
    users = [tlk.users["regulator_liaison"].pk, tlk.users["regulator_leader"].pk]
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()
    for pid in ids:
        barrier = threading.Barrier(2)

        def claim(uid, pid=pid, barrier=barrier):
            actor = User.objects.select_related("department").get(pk=uid)
            push = Push.objects.get(pk=pid)
            barrier.wait()
            try:
                svc.push_claim(actor=actor, push=push)
                res = "ok"
            except Conflict:
                res = "409"
            with lock:
                outcomes.append((pid, res))

        _run([_thread(lambda u=u: claim(u)) for u in users])
    per_push = Counter(pid for pid, res in outcomes if res == "ok")
    assert all(per_push[pid] == 1 for pid in ids), outcomes
    assert Counter(res for _pid, res in outcomes) == {"ok": len(ids), "409": len(ids)}
    for pid in ids:
        assert AuditEvent.objects.filter(action="push.claim", object_id=str(pid)).count() == 1
        assert (
            OutboxEvent.objects.filter(event_type="push.claimed", aggregate_id=str(pid)).count()
            == 1
        )


def test_timeout_sweep_racing_manual_claims_gives_one_claim_each(tlk):
    ids = _pushes(tlk, 60, "SWEEP-")
    liaison_pk = tlk.users["regulator_liaison"].pk
    barrier = threading.Barrier(2)
    manual_ok: list[int] = []

    def sweep():
        barrier.wait()
        push_auto_claim_due(now=FAR, batch=7)
        push_claims_materialize(now=FAR)  # rewriting rows while manual claims still run

    def manual():
        actor = User.objects.select_related("department").get(pk=liaison_pk)
        pushes = list(Push.objects.filter(pk__in=ids).order_by("-id"))
        barrier.wait()
        for p in pushes:
            try:
                svc.push_claim(actor=actor, push=p)
                manual_ok.append(p.pk)
            except Conflict:
                pass

    _run([_thread(sweep), _thread(manual)])
    assert not PushOpen.objects.filter(push_id__in=ids).exists()
    push_claims_materialize(now=FAR)
    rows = Push.objects.filter(pk__in=ids)
    assert all(p.state == PushState.CLAIMED for p in rows)
    auto = [p.pk for p in rows if p.claimed_mode == ClaimedMode.TIMEOUT]
    manual = [p.pk for p in rows if p.claimed_mode == ClaimedMode.MANUAL]
    assert sorted(manual) == sorted(manual_ok)
    assert len(auto) + len(manual) == len(ids)
    audited_auto = [
        i
        for ev in AuditEvent.objects.filter(action="push.auto_claim")
        for i in ev.after["push_ids"]
    ]
    assert sorted(audited_auto) == sorted(auto)  # each auto-claim audited once, none twice
    audited_manual = list(
        AuditEvent.objects.filter(action="push.claim").values_list("object_id", flat=True)
    )
    assert sorted(int(x) for x in audited_manual) == sorted(manual)
    events = [
        i
        for ev in OutboxEvent.objects.filter(event_type="push.auto_claimed")
        for i in ev.payload["push_ids"]
    ]
    assert sorted(events) == sorted(auto)


def test_two_sweeps_at_once_never_claim_twice(tlk):
    ids = _pushes(tlk, 120, "TWO-")
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        barrier.wait()
        results.append(push_auto_claim_due(now=FAR, batch=10))

    _run([_thread(sweep), _thread(sweep)])
    assert sum(r["claimed"] for r in results) == len(ids)
    audited = [
        i
        for ev in AuditEvent.objects.filter(action="push.auto_claim")
        for i in ev.after["push_ids"]
    ]
    assert len(audited) == len(set(audited)) == len(ids)
    assert not PushOpen.objects.filter(push_id__in=ids).exists()
    assert push_claims_materialize(now=FAR)["materialized"] == len(ids)
    with connection.cursor() as cur:  # a plain SQL count as the oracle
        cur.execute(
            "SELECT COUNT(*) FROM linkage_push WHERE state = 'claimed' AND claimed_mode = 'timeout'"
        )
        assert cur.fetchone()[0] == len(ids)
