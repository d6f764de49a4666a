"""Issue 12 item 9: webhooks carry ID and mobile numbers masked to every department whose users
see them masked; in full only to a department holding the unmask right (the approval bureau).
The decision is recorded on the endpoint when it is created, shown and audited."""

from __future__ import annotations

import json

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.linkage import services as svc
from shenguan.org.roles import Role
from shenguan.outbox import delivery
from shenguan.outbox import services as outbox
from shenguan.outbox.models import PersonalData, WebhookEndpoint
from tests.linkage.conftest import PERSON_ID, build_linkage, record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lk(world):
    return build_linkage(world.city, world.depts, world.users, "3715")


def subscribe(world, receiver, dept_key: str, path: str):
    ep = outbox.webhook_endpoint_create(
        actor=world.users[Role.SYSTEM_ADMIN],
        department=world.depts[dept_key],
        url=receiver.url(path),
        event_types=["push.*"],
    )
    receiver.secrets[path] = ep.secret
    return ep


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def test_the_decision_follows_the_departments_unmask_right(world, receiver):
    regulator = subscribe(world, receiver, "reg_a", "/r")
    bureau = subscribe(world, receiver, "bureau", "/b")
    assert regulator.personal_data == PersonalData.MASKED
    assert bureau.personal_data == PersonalData.FULL
    assert regulator.personal_data_decided_at is not None
    for ep in (regulator, bureau):  # recorded on the endpoint and in its audit event
        ev = AuditEvent.objects.get(action="outbox.webhook.create", object_id=str(ep.pk))
        assert ev.after["personal_data"] == ep.personal_data
    for key in ("discipline", "enforcement", "reg_b"):
        assert outbox.personal_data_for(world.depts[key]) == PersonalData.MASKED


def test_a_regulators_webhook_carries_masked_numbers_the_bureaus_full(
    world, lk, receiver, quick_retries
):
    subscribe(world, receiver, "reg_a", "/regulator")
    subscribe(world, receiver, "bureau", "/bureau")
    rec = svc.record_create(actor=world.users[Role.WINDOW_CLERK], data=record_data(lk.food, "M-1"))
    svc.record_complete(actor=world.users[Role.APPROVER], record=rec)
    delivery.run_worker(worker_id="mask-test", until_empty=True, max_seconds=30)

    to_regulator = receiver.calls_for("/regulator")
    assert to_regulator and all(c.verified for c in to_regulator)  # still signed
    body = b"".join(c.body for c in to_regulator).decode()
    assert PERSON_ID not in body and "13806351234" not in body
    values = [s for c in to_regulator for s in strings_in(json.loads(c.body))]
    assert PERSON_ID[:6] + "********" + PERSON_ID[-4:] in values
    assert "138****1234" in values

    to_bureau = receiver.calls_for("/bureau")
    assert to_bureau and all(c.verified for c in to_bureau)
    assert any(PERSON_ID in c.body.decode() for c in to_bureau)


def test_the_endpoint_page_and_api_show_the_decision(world, receiver):
    from django.test import Client

    ep = subscribe(world, receiver, "reg_a", "/r")
    c = Client()
    c.force_login(world.users[Role.SYSTEM_ADMIN])
    page = c.get("/outbox/endpoints/").content.decode()
    assert 'data-testid="personal-data-masked"' in page
    api = c.get(f"/api/v1/outbox/endpoints/{ep.pk}").json()
    assert api["personal_data"] == "masked"
    assert WebhookEndpoint.objects.get(pk=ep.pk).personal_data == "masked"
