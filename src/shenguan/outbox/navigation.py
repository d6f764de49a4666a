"""Menu entries and the header badge of the outbox pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenguan.core import navigation
from shenguan.core.navigation import NavEntry
from shenguan.org.roles import Perm


def register_navigation() -> None:
    """Webhook pages for the system administrator; notifications for everyone signed in."""
    group_admin = _("系统管理")
    navigation.register_nav(
        NavEntry(
            label=_("Webhook 订阅"),
            url_name="outbox:endpoint_list",
            group=group_admin,
            perm=Perm.WEBHOOK_MANAGE,
            order=60,
        )
    )
    navigation.register_nav(
        NavEntry(
            label=_("投递记录"),
            url_name="outbox:delivery_list",
            group=group_admin,
            perm=Perm.WEBHOOK_MANAGE,
            order=61,
        )
    )
    navigation.register_nav(
        NavEntry(
            label=_("投递失败（死信）"),
            url_name="outbox:dead_letters",
            group=group_admin,
            perm=Perm.WEBHOOK_MANAGE,
            order=62,
        )
    )
    navigation.register_nav(
        NavEntry(
            label=_("站内通知"), url_name="outbox:notification_list", group=_("个人"), order=900
        )
    )
    register_header_item = getattr(navigation, "register_header_item", None)
    if register_header_item is not None:
        register_header_item("outbox/_header_notifications.html")
