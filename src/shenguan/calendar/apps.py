from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """Working-day calendar (工作日历)."""

    name = "shenguan.calendar"
    label = "calendar"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shenguan.core.navigation import NavEntry, register_banner, register_nav
        from shenguan.org.roles import Perm

        from .banners import next_year_missing_banner

        register_nav(
            NavEntry(label=_("工作日历"), url_name="calendar:year", group=_("参考信息"), order=40)
        )
        register_nav(
            NavEntry(
                label=_("导入年度日历"),
                url_name="calendar:import",
                group=_("系统管理"),
                perm=Perm.CALENDAR_MANAGE,
                order=40,
            )
        )
        register_banner(next_year_missing_banner)

        from shenguan.outbox.sweeps import register_sweep

        from .services import calendar_settle

        register_sweep("calendar.settle", 600, lambda now: calendar_settle(now=now))
