from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """事项清单."""

    name = "shenguan.catalog"
    label = "catalog"
    verbose_name = "事项清单"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shenguan.core.demo import register_demo_step
        from shenguan.core.navigation import NavEntry, register_nav
        from shenguan.org.roles import Perm

        from .demo import load_catalog_demo
        from .importers.jobs import register as register_import_jobs

        register_import_jobs()
        from shenguan.outbox.event_types import register_event_types

        register_event_types(
            {
                "catalog.change.notice": "审批事项调整函告",
                "catalog.list.published": "清单发布",
                "catalog.transfer.recorded": "事项划转记录",
            }
        )
        register_demo_step(20, "catalog", load_catalog_demo)
        group = _("事项清单")
        for entry in (
            NavEntry(_("行政许可事项"), "catalog:item_list", group, Perm.CATALOG_READ, order=10),
            NavEntry(
                _("审管联动事项清单"), "catalog:entry_list", group, Perm.CATALOG_READ, order=11
            ),
            NavEntry(_("监管事项"), "catalog:supervision_list", group, Perm.CATALOG_READ, order=12),
            NavEntry(_("审管衔接备忘录"), "catalog:memo_list", group, Perm.CATALOG_READ, order=13),
            NavEntry(_("变更函告"), "catalog:notice_list", group, Perm.CATALOG_READ, order=14),
            NavEntry(_("监管空白报告"), "catalog:gaps", group, Perm.CATALOG_MANAGE, order=15),
            NavEntry(_("清单导入"), "catalog:import", group, Perm.CATALOG_MANAGE, order=16),
        ):
            register_nav(entry)
