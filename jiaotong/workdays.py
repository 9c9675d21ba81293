"""Working days: the official calendar, overridable by the administrators' table.

Order of authority for one date:
1. a ``CalendarDay`` row (administrators' corrections, and the State Council's
   schedule for years the library does not know yet);
2. ``chinese_calendar`` (official 国务院办公厅 schedules, 调休 Saturdays included);
3. for a year the library lacks and the table does not cover: Monday–Friday,
   with ``year_is_estimated(year)`` true so admins see a warning.

Never ``chinese_calendar.find_workday``: it is one day late when the start date
is itself a holiday (DOMAIN.md §1.2).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

_MAX_SPAN_DAYS = 3660  # refuse absurd spans instead of looping for ever


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from jiaotong.models import CalendarDay

    return dict(
        CalendarDay.objects.filter(date__range=(start, end)).values_list(
            "date", "is_workday"
        )
    )


def _official(day: dt.date) -> bool:
    if _library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return _official(day) if override is None else override


def year_is_estimated(year: int) -> bool:
    """True when working days of ``year`` are a weekday guess: the library has no
    data and administrators have entered no holidays for it."""
    from jiaotong.models import CalendarDay

    if _library_knows(year):
        return False
    return (
        not CalendarDay.objects.filter(date__year=year, is_workday=False)
        .exclude(
            date__week_day__in=[1, 7]  # a weekday holiday shows the year was entered
        )
        .exists()
    )


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after ``day`` (``day`` itself for n = 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return day
    # Fetch the overrides for a generous window once, not one query per day.
    window_end = day + dt.timedelta(days=n * 3 + 30)
    overrides = _overrides(day, window_end)
    current, counted = day, 0
    while counted < n:
        current += dt.timedelta(days=1)
        if current > window_end:
            window_end = current + dt.timedelta(days=n * 3 + 30)
            overrides.update(_overrides(current, window_end))
        if (current - day).days > _MAX_SPAN_DAYS:
            raise ValueError("working-day span too long")
        workday = overrides.get(current)
        if workday is None:
            workday = _official(current)
        if workday:
            counted += 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days ``end`` lies after ``start``."""
    if end <= start:
        return 0
    if (end - start).days > _MAX_SPAN_DAYS:
        raise ValueError("working-day span too long")
    overrides = _overrides(start, end)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        workday = overrides.get(current)
        if workday is None:
            workday = _official(current)
        count += bool(workday)
    return count
