"""Local dates and times: the bureau works in Asia/Shanghai, whatever the
server's clock says. Every "day", "year" or "local midnight" in the code comes
from here, so a figure, a filter and an import agree on where a day begins.

Working days (holidays, 调休) are another matter: ``jiaotong.calendar.workdays``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

# The same zone as settings.TIME_ZONE; a constant so that modules may use it at
# import time without reading settings.
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def local_date(moment: dt.datetime | None = None) -> dt.date:
    """The local calendar day of ``moment`` (now when None)."""
    return timezone.localdate(moment, LOCAL_TZ)


def at_local(day: dt.date, time: dt.time = dt.time()) -> dt.datetime:
    """The aware datetime of a local wall-clock time on ``day`` (midnight by default)."""
    return dt.datetime.combine(day, time, tzinfo=LOCAL_TZ)


def as_local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in local time; a naive one is read as local wall time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(LOCAL_TZ)


def local_wall_time(value: dt.datetime) -> dt.datetime:
    """The naive local wall time (for Excel, which has no time zones)."""
    return as_local(value).replace(tzinfo=None)


def day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in local time, as aware datetimes."""
    return at_local(first), at_local(last + dt.timedelta(days=1))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 Jan 00:00, next 1 Jan 00:00) in local time, as aware datetimes."""
    return day_range(dt.date(year, 1, 1), year_end(year))


def year_end(year: int) -> dt.date:
    """31 December: the day on which "in force at year end" is read."""
    return dt.date(year, 12, 31)
