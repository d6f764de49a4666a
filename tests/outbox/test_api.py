"""The outbox API: endpoints (secret shown once), deliveries with filters and attempts, replay,
and each user's own notifications; other jurisdictions answer 404, other roles 403."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.outbox import delivery, services
from shenguan.outbox.models import DeliveryStatus, Notification, OutboxDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)

    def get(self, path):
        return self.client.get(f"/api/v1/outbox/{path}")

    def post(self, path, body=None):
        return self.client.post(
            f"/api/v1/outbox/{path}", json.dumps(body or {}), content_type="application/json"
        )

    def patch(self, path, body):
        return self.client.patch(
            f"/api/v1/outbox/{path}", json.dumps(body), content_type="application/json"
        )


@pytest.fixture
def api(admin):
    return Api(admin)


def test_create_shows_the_secret_once(world, api):
    r = api.post(
        "endpoints",
        {
            "department_id": world.depts["reg_a"].pk,
            "url": "https://sys.example/hook",
            "event_types": ["org.*"],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret_hint"] == "whsec_…" + body["secret"][-4:]
    assert body["department_name"] == world.depts["reg_a"].name
    detail = api.get(f"endpoints/{body['id']}")
    assert detail.status_code == 200
    assert "secret" not in detail.json() and body["secret"] not in detail.content.decode()
    listing = api.get("endpoints")
    assert body["secret"] not in listing.content.decode()
    assert [e["id"] for e in listing.json()["items"]] == [body["id"]]


@pytest.mark.parametrize(
    "payload,status,field",
    [
        ({"department_id": None, "url": "https://x.example/h"}, 422, "department_id"),
        ({"department_id": "abc", "url": "https://x.example/h"}, 422, "department_id"),
        ({"department_id": 0, "url": "ftp://x/h"}, 404, None),
        ({"url": "ftp://x.example/h"}, 422, "url"),
        ({"url": "https://x.example/h", "event_types": "org.*"}, 422, "event_types"),
        ({"url": "https://x.example/h", "event_types": ["BAD"]}, 422, "event_types"),
        ({"url": "https://x.example/h", "description": "长" * 201}, 422, "description"),
    ],
)
def test_bad_input_is_4xx_and_writes_nothing(world, api, payload, status, field):
    body = {"department_id": world.depts["reg_a"].pk, **payload}
    if body["department_id"] is None:
        del body["department_id"]
    r = api.post("endpoints", body)
    assert r.status_code == status, r.content
    err = r.json()
    assert err["code"] and err["message"]
    if field:
        assert err["field"] == field
    assert not WebhookEndpoint.objects.exists()


def test_other_jurisdiction_is_404_and_other_roles_403(world, admin, api):
    city_ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url="https://city.example/h"
    )
    county_admin = Api(world.county_users["system_admin"])
    assert county_admin.get(f"endpoints/{city_ep.pk}").status_code == 404
    assert county_admin.post(f"endpoints/{city_ep.pk}/ping").status_code == 404
    assert county_admin.get("endpoints").json()["items"] == []
    r = county_admin.post(
        "endpoints", {"department_id": world.depts["reg_a"].pk, "url": "https://x.example/h"}
    )
    assert r.status_code == 404  # the city's department is not visible to the county
    for role in ("security_admin", "audit_admin", "regulator_liaison", "discipline_inspector"):
        other = Api(world.users[role])
        assert other.get("endpoints").status_code == 403
        assert other.get(f"endpoints/{city_ep.pk}").status_code == 403
        assert other.get("deliveries").status_code == 403
    denied = AuditEvent.objects.filter(outcome="denied", actor_id=world.users["audit_admin"].pk)
    assert denied.exists()


def test_update_disable_enable_rotate_ping(world, api, receiver, endpoint_factory, quick_retries):
    ep = endpoint_factory("/api-hook", event_types=["org.*"])
    r = api.patch(
        f"endpoints/{ep.pk}", {"description": "新说明", "event_types": ["org.*", "push.*"]}
    )
    assert r.status_code == 200 and r.json()["event_types"] == ["org.*", "push.*"]
    assert r.json()["url"] == ep.url
    r = api.post(f"endpoints/{ep.pk}/rotate-secret")
    assert r.status_code == 200
    new_secret = r.json()["secret"]
    assert new_secret != ep.secret and r.json()["previous_secret_until"]
    receiver.secrets["/api-hook"] = new_secret
    r = api.post(f"endpoints/{ep.pk}/ping")
    assert r.status_code == 202 and r.json()["status"] == "pending"
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    [call] = receiver.calls_for("/api-hook")
    assert call.verified and call.webhook_id == r.json()["message_id"]
    r = api.post(f"endpoints/{ep.pk}/disable", {"reason": "对方系统下线"})
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.post(f"endpoints/{ep.pk}/disable", {}).status_code == 409
    assert api.post(f"endpoints/{ep.pk}/ping").status_code == 409
    r = api.post(f"endpoints/{ep.pk}/enable")
    assert r.status_code == 200 and r.json()["active"] is True


def test_deliveries_filters_detail_and_replay(
    world, admin, api, receiver, endpoint_factory, quick_retries
):
    good = endpoint_factory("/good", event_types=["org.*"])
    bad = endpoint_factory("/bad", dept_key="reg_b", event_types=["org.*"])
    receiver.respond = lambda path, *a: ((500 if path == "/bad" else 200), {}, 0.0)
    with transaction.atomic():
        services.outbox_emit(
            event_type="org.department.created",
            jurisdiction_id=world.city.pk,
            payload={"id": 1},
            department_ids=[world.depts["reg_a"].pk, world.depts["reg_b"].pk],
        )
        services.outbox_emit(
            event_type="push.created",
            jurisdiction_id=world.city.pk,
            payload={"id": 2},
            department_ids=[world.depts["reg_a"].pk],
        )
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=20)
    r = api.get("deliveries?status=dead")
    [dead] = r.json()["items"]
    assert dead["endpoint_id"] == bad.pk and dead["attempts"] == 4
    assert (
        api.get("deliveries?status=delivered&channel=webhook").json()["items"][0]["endpoint_id"]
        == good.pk
    )
    assert len(api.get(f"deliveries?endpoint_id={good.pk}").json()["items"]) == 1
    assert len(api.get("deliveries?event_type=org.*").json()["items"]) == 2
    assert api.get("deliveries?event_type=push.created").json()["items"] == []
    assert api.get("deliveries?status=nonsense").status_code == 422
    detail = api.get(f"deliveries/{dead['id']}").json()
    assert [t["number"] for t in detail["tries"]] == [1, 2, 3, 4]
    assert detail["payload"] == {"id": 1} and detail["message_id"].startswith("msg_")
    assert api.post(f"deliveries/{dead['id']}/replay").json()["status"] == "pending"
    assert api.post(f"deliveries/{dead['id']}/replay").status_code == 409
    assert (
        AuditEvent.objects.filter(
            action="outbox.delivery.replay", object_id=str(dead["id"])
        ).count()
        == 1
    )
    county_admin = Api(world.county_users["system_admin"])
    assert county_admin.get(f"deliveries/{dead['id']}").status_code == 404
    assert county_admin.post(f"deliveries/{dead['id']}/replay").status_code == 404
    assert OutboxDelivery.objects.get(pk=dead["id"]).status == DeliveryStatus.PENDING


def test_delivery_detail_masks_personal_data_in_api_and_page(world, api, admin):
    """The payload and target are shown with ID and phone numbers masked (the receiving
    system got them in full)."""
    ric_no, phone = "371502199801010019", "13806351234"
    with transaction.atomic():
        ev = services.outbox_emit(
            event_type="push.created",
            jurisdiction_id=world.city.pk,
            payload={"snapshot": {"applicant": {"id_number": ric_no, "name": "张三"}}},
            extra=[("sms", {"phone": phone, "text": "请认领"})],
        )
    d = OutboxDelivery.objects.get(event=ev, channel="sms")
    detail = api.get(f"deliveries/{d.pk}").json()
    assert detail["payload"]["snapshot"]["applicant"] == {
        "id_number": "371502********0019",
        "name": "张三",
    }
    assert detail["target"]["phone"] == "138****1234"
    c = Client()
    c.force_login(admin)
    page = c.get(f"/outbox/deliveries/{d.pk}/").content.decode()
    assert "371502********0019" in page and "138****1234" in page
    assert ric_no not in page and phone not in page
    assert ev.payload["snapshot"]["applicant"]["id_number"] == ric_no  # stored in full


def test_notifications_are_the_callers_own(world):
    me, other = world.users["regulator_liaison"], world.county_users["inspector"]
    with transaction.atomic():
        services.outbox_emit(
            event_type="t.n",
            jurisdiction_id=world.city.pk,
            payload={},
            notify_user_ids=[me.pk, other.pk],
            notify={"title": "请认领推送"},
        )
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    mine, theirs = Api(me), Api(other)
    [n] = mine.get("notifications?unread=true").json()["items"]
    assert n["title"] == "请认领推送" and n["read_at"] is None
    assert mine.get("notifications/unread-count").json() == {"count": 1}
    other_id = Notification.objects.get(user=other).pk
    assert mine.post(f"notifications/{other_id}/read").status_code == 404
    r = mine.post(f"notifications/{n['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"]
    assert mine.get("notifications?unread=true").json()["items"] == []
    assert len(mine.get("notifications").json()["items"]) == 1
    assert theirs.post("notifications/read-all").json() == {"count": 1}
    assert theirs.get("notifications/unread-count").json() == {"count": 0}


def test_openapi_documents_the_outbox(client):
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/outbox/endpoints"]["post"]
    assert op["summary"] == "新增 Webhook 订阅"
    assert {"201", "403", "409", "422"} <= set(op["responses"])
