"""Menu entries of the documents app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenguan.org.roles import Perm


def register() -> None:
    """The seal register for the security administrator."""
    from shenguan.core.navigation import NavEntry, register_nav

    register_nav(
        NavEntry(
            label=_("印章管理"),
            url_name="documents:seal_list",
            group=_("电子证照与印章"),
            perm=Perm.SEAL_MANAGE,
            order=90,
        )
    )
