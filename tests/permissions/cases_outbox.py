"""Permission-matrix cases of the outbox pages: webhook endpoints, deliveries, notifications."""

from __future__ import annotations

from shenguan.org.roles import Role
from shenguan.outbox import services as outbox

from .registry import Case, in_reach, link_to, register, text_contains, unique


def make_endpoint(world, dept):
    return outbox.webhook_endpoint_create(
        actor=None, department=dept, url=f"https://hooks.example.org/{unique('h')}"
    )


def make_delivery(world, dept):
    return outbox.webhook_ping(actor=None, endpoint=make_endpoint(world, dept))


def sysadmin_in_reach(actor, obj, world):
    """Webhook endpoints and deliveries: the system administrator of the jurisdiction (or above)."""
    return actor.has(Role.SYSTEM_ADMIN) and in_reach(actor, obj.jurisdiction)


def sysadmin(actor) -> bool:
    return actor.kind == "user" and actor.has(Role.SYSTEM_ADMIN)


register(
    Case(
        name="outbox.page.endpoint.list",
        kind="list",
        channel="page",
        url=lambda o: "/outbox/endpoints/",
        make=make_endpoint,
        visible=sysadmin_in_reach,
        allowed=sysadmin,
        present=link_to("outbox:endpoint_edit"),
    )
)
register(
    Case(
        name="outbox.page.endpoint.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/outbox/endpoints/{o.pk}/",
        make=make_endpoint,
        visible=sysadmin_in_reach,
        allowed=sysadmin,
    )
)
register(
    Case(
        name="outbox.page.delivery.list",
        kind="list",
        channel="page",
        url=lambda o: "/outbox/deliveries/",
        make=make_delivery,
        visible=sysadmin_in_reach,
        allowed=sysadmin,
        present=link_to("outbox:delivery_detail"),
    )
)
register(
    Case(
        name="outbox.page.delivery.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/outbox/deliveries/{o.pk}/",
        make=make_delivery,
        visible=sysadmin_in_reach,
        allowed=sysadmin,
    )
)


def make_notification(world, dept):
    """A notification to the first user of the department (the worker makes these normally)."""
    from shenguan.outbox.models import Notification

    recipient = world.user_actor_in(dept)
    return Notification.objects.create(
        jurisdiction_id=dept.jurisdiction_id,
        user_id=recipient.pk,
        kind="matrix",
        title=unique("矩阵通知"),
    )


register(
    Case(
        name="outbox.page.notification.list",
        kind="list",
        channel="page",
        url=lambda o: "/outbox/notifications/?all=1",
        make=make_notification,
        visible=lambda actor, n, world: actor.kind == "user" and actor.pk == n.user_id,
        allowed=lambda actor: actor.kind == "user",
        present=text_contains(lambda n: n.title),
    )
)
