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
import time
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache
from django.db import transaction

_MAX_SPAN_DAYS = 3660  # refuse absurd spans instead of looping for ever


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from jiaotong.calendar.models import CalendarDay

    return dict(
        CalendarDay.objects.filter(date__range=(start, end)).values_list(
            "date", "is_workday"
        )
    )


def _official(day: dt.date) -> bool:
    if _library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def official_is_working_day(day: dt.date) -> bool | None:
    """The State Council's schedule as the library knows it (None: no data)."""
    if not _library_knows(day.year):
        return None
    return chinese_calendar.is_workday(day)


def is_working_day(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return _official(day) if override is None else override


def year_is_estimated(year: int) -> bool:
    """True when working days of ``year`` are a weekday guess: the library has no
    data and administrators have entered no holidays for it."""
    from jiaotong.calendar.models import CalendarDay

    if _library_knows(year):
        return False
    return (
        not CalendarDay.objects.filter(date__year=year, is_workday=False)
        .exclude(
            date__week_day__in=[1, 7]  # a weekday holiday shows the year was entered
        )
        .exists()
    )


def calendar_warnings(*, today: dt.date | None = None) -> list[str]:
    """Warnings for system administrators (home page, calendar admin): one per year
    among this year and next whose working days are only estimated."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return [
        f"{year}年的法定节假日与调休安排尚未录入，该年的工作日暂按周一至周五计算，"
        "办理期限可能不准确。请在“工作日历”中按国务院办公厅公布的安排录入。"
        for year in (today.year, today.year + 1)
        if year_is_estimated(year)
    ]


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after ``day`` (``day`` itself for n = 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    return working_days_after(day, n)[-1] if n else day


def working_days_after(day: dt.date, n: int) -> list[dt.date]:
    """The first n working days strictly after ``day``, in order."""
    # Fetch the overrides for a generous window once, not one query per day.
    window_end = day + dt.timedelta(days=n * 3 + 30)
    overrides = _overrides(day, window_end)
    current, days = day, []
    while len(days) < n:
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
            days.append(current)
    return days


_VERSION_KEY = "jiaotong:calendar-version"


def calendar_changed() -> None:
    """Forget the cached look-ups (called whenever a calendar entry changes)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not cached yet (or evicted): any new value will do
        cache.set(_VERSION_KEY, time.time_ns(), None)


def cached_working_days_after(day: dt.date, n: int) -> list[dt.date]:
    """``working_days_after`` kept in the shared cache until the calendar changes:
    the deadline badges of every list page cost no query however many rows
    carry one, so a list's queries do not depend on what its page shows."""
    version = cache.get_or_set(_VERSION_KEY, time.time_ns, None)
    key = f"jiaotong:working-days-after:{version}:{day.isoformat()}:{n}"
    days = cache.get(key)
    if days is None:
        days = working_days_after(day, n)
        cache.set(key, days, 24 * 60 * 60)
    return days


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


# --- Maintenance by the system administrators (services) ------------------------------


def _kind(is_workday: bool | None) -> str:
    return {True: "工作日", False: "休息日"}.get(is_workday, "")


@transaction.atomic
def calendar_day_set(*, day: dt.date, is_workday: bool, note: str = "", by):
    """Enter or correct one date of the working-day calendar; audited.

    Deadlines computed from now on use the entry; deadlines already stored on
    cases are not recomputed (they were right under the calendar of their day).
    """
    from jiaotong.audit.services import audit_record
    from jiaotong.calendar.models import CalendarDay

    entry = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = None if entry is None else (entry.is_workday, entry.note)
    if before == (is_workday, note):
        return entry
    if entry is None:
        entry = CalendarDay(date=day)
    entry.is_workday, entry.note = is_workday, note
    entry.save()
    audit_record(
        by=by,
        action="calendar_day_create" if before is None else "calendar_day_update",
        obj=entry,
        from_state=_kind(before[0]) if before else "",
        to_state=_kind(is_workday),
        changes={"date": day.isoformat(), "is_workday": is_workday, "note": note},
    )
    return entry


@transaction.atomic
def calendar_day_delete(*, entry, by) -> None:
    """Remove an entry: the official calendar (or the weekday rule) applies again."""
    from jiaotong.audit.services import audit_record

    audit_record(
        by=by,
        action="calendar_day_delete",
        obj=entry,
        from_state=_kind(entry.is_workday),
        changes={"date": entry.date.isoformat(), "note": entry.note},
    )
    entry.delete()
