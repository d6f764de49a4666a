"""Menu entries of the credit app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenguan.core.navigation import NavEntry, register_nav
from shenguan.org.roles import Perm


def register() -> None:
    group = _("信用联动")
    for label, url, perm, order in (
        (_("双公示信用信息"), "credit:record_list", Perm.CREDIT_READ, 70),
        (_("警示信息库"), "credit:warning_list", Perm.CREDIT_READ, 71),
        (_("联合惩戒名单"), "credit:list_entries", Perm.CREDIT_READ, 72),
        (_("告知承诺核查"), "credit:commitment_list", Perm.PUSH_READ, 73),
    ):
        register_nav(NavEntry(label=label, url_name=url, group=group, perm=perm, order=order))
