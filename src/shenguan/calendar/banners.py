"""The administrators' banner when next year's calendar is still missing (from 1 November)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from shenguan.org.roles import Perm

from . import workdays

BANNER_FROM_MONTH = 11  # the State Council publishes next year's calendar around November


def today() -> dt.date:
    """Today in Asia/Shanghai (a function so tests can fix it)."""
    return timezone.localdate()


def next_year_missing_banner(user, on: dt.date | None = None) -> list[dict]:
    """A warning for calendar administrators from 1 November when next year is not loaded."""
    if not getattr(user, "is_authenticated", False) or not user.can(Perm.CALENDAR_MANAGE):
        return []
    on = on or today()
    if on.month < BANNER_FROM_MONTH:
        return []
    nxt = on.year + 1
    if nxt in workdays.loaded_years():
        return []
    return [
        {
            "level": "warning",
            "text": gettext(
                "%(year)s 年工作日历尚未导入：跨入 %(year)s 年的时限目前按周末规则暂定计算。"
                "请在国务院办公厅发布节假日安排通知后导入。"
            )
            % {"year": nxt},
            "url": reverse("calendar:import") + f"?year={nxt}",
        }
    ]
