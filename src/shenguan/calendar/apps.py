from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """Working-day calendar (工作日历)."""

    name = "shenguan.calendar"
    label = "calendar"
    verbose_name = "工作日历"
