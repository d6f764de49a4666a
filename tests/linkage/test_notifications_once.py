"""One business event gives each recipient one in-app notification (issue 12 item 10: each event
produced two). The oracle: count the Notification rows per (user, event) after the worker ran,
for the walk-through's events: a completed approval pushed, a claim, feedback, a correction
request and its reply."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from shenguan.linkage import services as svc
from shenguan.outbox import delivery
from shenguan.outbox.models import Notification
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db(transaction=False)


def test_each_event_notifies_each_user_once(lk):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "LC-N-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=push)
    fb = svc.feedback_create(
        actor=lk.users["regulator_liaison"],
        kind="correction_request",
        title="许可条件把关不严",
        content="现场与材料不符",
        record=rec,
        published_on=dt.date.today(),
    )
    svc.correction_reply(
        actor=lk.users["bureau_liaison"], feedback=fb, outcome="explained", text="已核查。"
    )
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    rows = list(Notification.objects.values_list("user_id", "title", "link"))
    assert rows
    per_user_message = Counter(rows)
    assert [k for k, n in per_user_message.items() if n > 1] == []


def test_a_catalogue_change_notice_notifies_a_liaison_once(lk):
    """The catalogue notifies the liaisons of a change notice; the linkage app turns the same
    notice into a claimable push — which must not notify the same people a second time."""
    from shenguan.catalog.services import change_notice_create
    from shenguan.org.models import LiaisonAssignment

    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)  # the fixture's own
    Notification.objects.all().delete()
    liaison = lk.users["regulator_liaison"]
    LiaisonAssignment.objects.create(
        jurisdiction=lk.j,
        department=lk.reg_a,
        kind="liaison",
        name=liaison.full_name,
        phone="13806350001",
        user=liaison,
        valid_from=dt.date.today() - dt.timedelta(days=30),
    )
    change_notice_create(
        actor=lk.users["bureau_head"],
        jurisdiction=lk.j,
        kind="item_change",
        summary="食品经营许可审批时限由20个工作日压缩为10个工作日。",
        effective_on=dt.date.today() + dt.timedelta(days=10),
        departments=[lk.reg_a],
        item=lk.food,
    )
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    from shenguan.linkage.sweeps import change_notices_sync

    change_notices_sync()
    delivery.run_worker(worker_id="t", until_empty=True, max_seconds=30)
    from shenguan.linkage.models import Push

    assert Push.objects.filter(kind="notice", addressee_department=lk.reg_a).exists()
    mine = list(Notification.objects.filter(user=liaison).values_list("kind", "title"))
    assert len(mine) == 1, mine
