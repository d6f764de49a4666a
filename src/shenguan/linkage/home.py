"""Home-page sections and menu entries of the linkage app: live counts, never made-up figures.

Each count links to the list filtered exactly as the count was computed (selectors.counts ↔
the `todo`/`own` filters of the feedback and records lists). Oversight roles do not get this
section: the oversight app has its own monitoring home."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenguan.org.roles import BUREAU_ROLES, OVERSIGHT_ROLES, REGULATOR_ROLES, Role


def _counts(user) -> dict:
    from .selectors import inbox_counts

    c = inbox_counts(user=user)
    rows = [
        (_("待认领"), c["to_claim"], "/linkage/?box=to_claim", "count-to-claim"),
        (_("逾期未认领"), c["overdue"], "/linkage/?box=to_claim&overdue=on", "count-overdue"),
        (_("超时自动认领"), c["auto_claimed"], "/linkage/?box=auto_claimed", "count-auto"),
    ]
    if "open_disposals" in c and (user.role_set & BUREAU_ROLES):
        rows += [
            (
                _("待认领的监管反馈"),
                c["feedback_to_claim"],
                "/linkage/?box=to_claim&kind=feedback",
                "count-feedback",
            ),
            (
                _("待办理的处置意见"),
                c["open_disposals"],
                "/linkage/feedback/?todo=disposal",
                "count-disposals",
            ),
            (
                _("待答复的纠错建议"),
                c["open_replies"],
                "/linkage/feedback/?todo=reply",
                "count-replies",
            ),
            (
                _("已登记未办结的办件"),
                c["drafts"],
                "/linkage/records/?state=draft&own=1",
                "count-drafts",
            ),
            (_("监管空白办件"), c["gaps"], "/linkage/records/?gap=1&own=1", "count-gaps"),
        ]
    elif "feedback_held" in c:
        rows.append(
            (
                _("待生效后推送的处罚"),
                c["feedback_held"],
                "/linkage/feedback/?todo=held",
                "count-held",
            )
        )
    return {"rows": rows}


def register() -> None:
    """Menu entries and the home sections for bureau, regulator and oversight roles."""
    from shenguan.core.home import HomeSection, register_home_section
    from shenguan.core.navigation import NavEntry, register_nav
    from shenguan.org.roles import Perm

    group = _("审管联动")
    for label, url, perm, roles, order in (
        (_("审管信息收件箱"), "linkage:inbox", Perm.PUSH_READ, frozenset(), 50),
        (_("办件"), "linkage:record_list", None, frozenset(BUREAU_ROLES), 51),
        (_("监管信息反馈"), "linkage:feedback_list", Perm.PUSH_READ, frozenset(), 52),
        (_("通知函告"), "linkage:notice_list", Perm.PUSH_READ, frozenset(), 53),
        (_("许可证照"), "linkage:licence_list", Perm.PUSH_READ, frozenset(), 54),
    ):
        register_nav(
            NavEntry(label=label, url_name=url, group=group, perm=perm, roles=roles, order=order)
        )
    roles = (BUREAU_ROLES | REGULATOR_ROLES | {Role.ENFORCEMENT_OFFICER}) - OVERSIGHT_ROLES
    register_home_section(
        HomeSection(
            key="linkage-counts",
            title=_("审管联动待办"),
            template="linkage/home_section.html",
            roles=frozenset(roles),
            context=_counts,
            order=5,
        )
    )
