"""The outbox pages: endpoints (secret shown once), deliveries, dead letters with replay, the
notifications page and the header badge."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client

from shenguan.audit.models import AuditEvent
from shenguan.outbox import delivery, services
from shenguan.outbox.models import DeliveryStatus, Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_create_page_shows_the_secret_once(world, admin):
    c = login(admin)
    r = c.get("/outbox/endpoints/new/")
    assert r.status_code == 200
    assert world.depts["reg_a"].name in r.content.decode()
    assert world.county_depts["reg_a"].name in r.content.decode()  # the county is below the city
    r = c.post(
        "/outbox/endpoints/new/",
        {
            "department": world.depts["reg_a"].pk,
            "url": "https://sys.example/hook",
            "event_types": "org.*\nwebhook.ping",
            "description": "测试",
        },
    )
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    ep = WebhookEndpoint.objects.get()
    html = r.content.decode()
    assert ep.secret in html and "只显示这一次" in html
    assert ep.event_types == ["org.*", "webhook.ping"]
    edit = c.get(f"/outbox/endpoints/{ep.pk}/").content.decode()
    listing = c.get("/outbox/endpoints/").content.decode()
    assert ep.secret not in edit and ep.secret not in listing
    assert ep.secret_hint in edit and "https://sys.example/hook" in listing


def test_create_page_shows_service_errors_on_the_field(world, admin):
    c = login(admin)
    r = c.post(
        "/outbox/endpoints/new/",
        {"department": world.depts["reg_a"].pk, "url": "ftp://x.example/h", "event_types": ""},
    )
    assert r.status_code == 200
    assert "http:// 或 https://" in r.content.decode()
    r = c.post(
        "/outbox/endpoints/new/",
        {
            "department": world.depts["reg_a"].pk,
            "url": "https://x.example/h",
            "event_types": "BAD!",
        },
    )
    assert "格式无效" in r.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_edit_rotate_disable_enable_and_ping(world, admin):
    c = login(admin)
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url="https://x.example/h"
    )
    r = c.post(
        f"/outbox/endpoints/{ep.pk}/",
        {"url": "https://y.example/h", "event_types": "org.*", "description": "改"},
    )
    assert r.status_code == 302
    ep.refresh_from_db()
    assert ep.url == "https://y.example/h" and ep.event_types == ["org.*"]
    r = c.post(f"/outbox/endpoints/{ep.pk}/rotate-secret/")
    new = WebhookEndpoint.objects.get(pk=ep.pk).secret
    assert new != ep.secret and new in r.content.decode()
    r = c.post(f"/outbox/endpoints/{ep.pk}/ping/")
    assert r.status_code == 302 and "/outbox/deliveries/" in r["Location"]
    assert c.get(r["Location"]).status_code == 200
    c.post(f"/outbox/endpoints/{ep.pk}/disable/", {"reason": "下线"})
    ep.refresh_from_db()
    assert not ep.active and ep.disabled_reason == "下线"
    page = c.get(f"/outbox/endpoints/{ep.pk}/").content.decode()
    assert "下线" in page and "发送测试推送" not in page
    c.post(f"/outbox/endpoints/{ep.pk}/enable/")
    ep.refresh_from_db()
    assert ep.active


def test_dead_letter_page_and_replay_button(
    world, admin, receiver, endpoint_factory, quick_retries
):
    endpoint_factory("/down")
    receiver.respond = lambda *a: (500, {}, 0.0)
    with transaction.atomic():
        ev = services.outbox_emit(
            event_type="org.x",
            jurisdiction_id=world.city.pk,
            payload={"名称": "内容"},
            department_ids=[world.depts["reg_a"].pk],
        )
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DEAD
    c = login(admin)
    page = c.get("/outbox/deliveries/dead/").content.decode()
    assert f'data-testid="replay-{d.pk}"' in page
    detail = c.get(f"/outbox/deliveries/{d.pk}/").content.decode()
    assert detail.count("HTTP 500") >= 1 and "内容" in detail
    assert len(re.findall(r"<tr><td>\d+</td>", detail)) == 4  # four attempts listed
    r = c.post(f"/outbox/deliveries/{d.pk}/replay/", {"next": "/outbox/deliveries/dead/"})
    assert r.status_code == 302 and r["Location"] == "/outbox/deliveries/dead/"
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PENDING
    assert AuditEvent.objects.filter(action="outbox.delivery.replay", actor_id=admin.pk).exists()
    # an outside `next` is not followed
    r = c.post(f"/outbox/deliveries/{d.pk}/replay/", {"next": "https://evil.example/"})
    assert r["Location"] == f"/outbox/deliveries/{d.pk}/"


def test_delivery_list_filters(world, admin, endpoint_factory):
    a = endpoint_factory("/a")
    endpoint_factory("/b", dept_key="reg_b")
    with transaction.atomic():
        services.outbox_emit(
            event_type="org.x",
            jurisdiction_id=world.city.pk,
            payload={},
            department_ids=[world.depts["reg_a"].pk, world.depts["reg_b"].pk],
        )
    c = login(admin)
    all_rows = c.get("/outbox/deliveries/").content.decode()
    only_a = c.get(f"/outbox/deliveries/?endpoint={a.pk}&status=pending").content.decode()
    bad = c.get("/outbox/deliveries/?status=nonsense&endpoint=x")
    assert (
        all_rows.count('href="/outbox/deliveries/') - only_a.count('href="/outbox/deliveries/') >= 1
    )
    assert bad.status_code == 200


@pytest.mark.parametrize("role", ["security_admin", "audit_admin", "regulator_liaison"])
def test_admin_pages_are_forbidden_to_other_roles(world, role):
    c = login(world.users[role])
    for url in (
        "/outbox/endpoints/",
        "/outbox/endpoints/new/",
        "/outbox/deliveries/",
        "/outbox/deliveries/dead/",
    ):
        assert c.get(url).status_code == 403, url


def test_notifications_page_badge_and_marking(world):
    me = world.users["regulator_liaison"]
    with transaction.atomic():
        services.outbox_emit(
            event_type="push.created",
            jurisdiction_id=world.city.pk,
            payload={},
            notify_user_ids=[me.pk],
            notify={"title": "新的推送待认领", "link": "/outbox/notifications/?all=1"},
        )
        services.outbox_emit(
            event_type="push.created",
            jurisdiction_id=world.city.pk,
            payload={},
            notify_user_ids=[me.pk],
            notify={"title": "第二条"},
        )
    delivery.run_worker(worker_id="w", until_empty=True, max_seconds=10)
    c = login(me)
    page = c.get("/outbox/notifications/").content.decode()
    assert "新的推送待认领" in page and "第二条" in page
    assert 'data-testid="notification-badge"' in page
    assert re.search(r'notification-badge[^>]*>[^<]*<span class="tag tag-bad">2</span>', page)
    n = Notification.objects.get(title="新的推送待认领")
    r = c.post(f"/outbox/notifications/{n.pk}/read/", {"open": "1"})
    assert r.status_code == 302 and r["Location"] == "/outbox/notifications/?all=1"
    n.refresh_from_db()
    assert n.read_at is not None
    other = login(world.users["inspector"])
    assert other.post(f"/outbox/notifications/{n.pk}/read/").status_code == 404
    assert "新的推送待认领" not in other.get("/outbox/notifications/?all=1").content.decode()
    c.post("/outbox/notifications/read-all/")
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()


def test_navigation_entries(world, admin):
    page = login(admin).get("/outbox/notifications/").content.decode()
    for url in (
        "/outbox/endpoints/",
        "/outbox/deliveries/",
        "/outbox/deliveries/dead/",
        "/outbox/notifications/",
    ):
        assert f'href="{url}"' in page
    plain = login(world.users["inspector"]).get("/outbox/notifications/").content.decode()
    assert 'href="/outbox/notifications/"' in plain and 'href="/outbox/endpoints/"' not in plain
