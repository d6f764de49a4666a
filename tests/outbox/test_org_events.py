"""Organisation changes reach the webhook endpoints of their jurisdiction (issue 2 §8)."""

from __future__ import annotations

import pytest

from shenguan.org import services as org
from shenguan.org.roles import DepartmentKind
from shenguan.outbox import delivery
from shenguan.outbox.models import DeliveryStatus, OutboxDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


def test_department_created_is_delivered_to_org_subscribers_of_its_jurisdiction(
    world, admin, receiver, endpoint_factory, quick_retries
):
    city_org = endpoint_factory("/city-org", event_types=["org.*"])
    city_all = endpoint_factory("/city-all", dept_key="bureau", event_types=[])
    city_push = endpoint_factory("/city-push", dept_key="reg_b", event_types=["push.*"])
    county_org = endpoint_factory("/county-org", county=True, event_types=["org.*"])

    dept = org.department_create(
        actor=admin, jurisdiction=world.city, name="聊城市应急管理局", kind=DepartmentKind.REGULATOR
    )

    event = OutboxEvent.objects.get(event_type="org.department.created", aggregate_id=str(dept.pk))
    assert event.jurisdiction_id == world.city.pk
    targets = set(OutboxDelivery.objects.filter(event=event).values_list("endpoint_id", flat=True))
    assert targets == {city_org.pk, city_all.pk}
    assert city_push.pk not in targets and county_org.pk not in targets

    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    assert set(OutboxDelivery.objects.filter(event=event).values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
    calls = {c.path: c for c in receiver.calls_for()}
    assert set(calls) == {"/city-org", "/city-all"}
    for c in calls.values():
        assert c.verified and c.webhook_id == event.message_id
        body = c.json()
        assert body["type"] == "org.department.created"
        assert body["data"] == {"id": dept.pk, "name": "聊城市应急管理局", "kind": "REGULATOR"}


def test_county_change_goes_to_county_subscribers_only(
    world, receiver, endpoint_factory, quick_retries
):
    city_org = endpoint_factory("/city-org", event_types=["org.*"])
    county_org = endpoint_factory("/county-org", county=True, event_types=["org.*"])
    org.department_update(
        actor=world.county_users["system_admin"],
        department=world.county_depts["reg_b"],
        short_name="住建",
    )
    event = OutboxEvent.objects.get(event_type="org.department.updated")
    assert set(event.deliveries.values_list("endpoint_id", flat=True)) == {county_org.pk}
    assert city_org.pk not in set(event.deliveries.values_list("endpoint_id", flat=True))
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    assert [c.path for c in receiver.calls_for()] == ["/county-org"]
