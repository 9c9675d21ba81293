"""Working days (DOMAIN.md §1): official calendar, admin overrides, unknown years."""

import datetime as dt

import chinese_calendar
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from jiaotong.calendar import workdays
from jiaotong.calendar.workdays import (
    add_working_days,
    calendar_warnings,
    is_working_day,
    working_days_between,
    year_is_estimated,
)

from jiaotong.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date
ONE_DAY = dt.timedelta(days=1)


def reference_nth_working_day_after(day: dt.date, n: int, overrides=None) -> dt.date:
    """DOMAIN.md §1.2's helper, plus an explicit override map."""
    overrides = overrides or {}
    current, counted = day, 0
    while counted < n:
        current += ONE_DAY
        if overrides.get(current, chinese_calendar.is_workday(current)):
            counted += 1
    return current


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + ONE_DAY * i for i in range((end - start).days + 1)]


# --- 2023 National Day and Mid-Autumn -----------------------------------------------


def test_golden_week_2023_is_off_and_its_makeup_weekend_is_on():
    assert not any(is_working_day(day) for day in days(D(2023, 9, 29), D(2023, 10, 6)))
    assert is_working_day(D(2023, 10, 7))  # Saturday
    assert is_working_day(D(2023, 10, 8))  # Sunday
    assert D(2023, 10, 7).weekday() == 5 and D(2023, 10, 8).weekday() == 6


def test_seven_working_days_after_national_day_ends_on_13_october():
    # Working days after 10-01: 10-07 (make-up Sat), 10-08 (make-up Sun), then
    # Monday 10-09 to Friday 10-13 — the seventh is 10-13.
    counted = [d for d in days(D(2023, 10, 2), D(2023, 10, 13)) if is_working_day(d)]
    assert len(counted) == 7 and counted[-1] == D(2023, 10, 13)

    assert add_working_days(D(2023, 10, 1), 7) == D(2023, 10, 13)


def test_the_libraries_off_by_one_does_not_appear():
    library = chinese_calendar.find_workday(7, D(2023, 10, 1))
    assert library == D(2023, 10, 16)  # one working day late (DOMAIN.md §1.2)

    assert add_working_days(D(2023, 10, 1), 7) != library
    assert add_working_days(D(2023, 10, 1), 7) == reference_nth_working_day_after(
        D(2023, 10, 1), 7
    )


def test_a_period_starting_before_the_holiday_jumps_to_the_makeup_saturday():
    # Thursday 09-28 is the last working day before the break.
    assert add_working_days(D(2023, 9, 28), 1) == D(2023, 10, 7)


def test_a_period_starting_on_a_makeup_saturday_counts_the_makeup_sunday_first():
    assert add_working_days(D(2023, 10, 7), 1) == D(2023, 10, 8)
    assert add_working_days(D(2023, 10, 7), 2) == D(2023, 10, 9)


@pytest.mark.parametrize("day", [D(2023, 10, 1), D(2023, 10, 7), D(2023, 10, 14)])
def test_zero_working_days_is_the_day_itself_even_on_a_holiday(day):
    assert add_working_days(day, 0) == day


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2023, 10, 1), -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2023, 10, 1), D(2023, 10, 13)) == 7
    assert working_days_between(D(2023, 10, 13), D(2023, 10, 1)) == 0
    assert working_days_between(D(2023, 10, 1), D(2023, 10, 1)) == 0


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_add_working_days_matches_the_official_calendar_for_known_years(day, n):
    due = add_working_days(day, n)

    assert due == reference_nth_working_day_after(day, n)
    assert working_days_between(day, due) == n
    assert n == 0 or is_working_day(due)


# --- Administrators' overrides -------------------------------------------------------


def test_an_override_in_2023_moves_the_deadline():
    before = add_working_days(D(2023, 10, 1), 7)
    CalendarDay.objects.create(date=D(2023, 10, 10), is_workday=False, note="临时停休")

    after = add_working_days(D(2023, 10, 1), 7)

    assert after == reference_nth_working_day_after(
        D(2023, 10, 1), 7, overrides={D(2023, 10, 10): False}
    )
    assert (before, after) == (D(2023, 10, 13), D(2023, 10, 16))
    assert not is_working_day(D(2023, 10, 10))


def test_an_override_can_make_a_holiday_a_working_day():
    CalendarDay.objects.create(date=D(2023, 10, 2), is_workday=True, note="值班")

    assert is_working_day(D(2023, 10, 2))
    assert add_working_days(D(2023, 10, 1), 1) == D(2023, 10, 2)


def test_overrides_beyond_the_first_window_are_still_read():
    # Overrides are fetched for a window of n * 3 + 30 days; a long closure must
    # make the count reach past it and fetch the next window.
    closed = days(D(2023, 3, 2), D(2023, 4, 20))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=False, note="停工") for day in closed
    )

    due = add_working_days(D(2023, 3, 1), 1)

    assert due == reference_nth_working_day_after(
        D(2023, 3, 1), 1, overrides=dict.fromkeys(closed, False)
    )
    assert due > D(2023, 3, 1) + ONE_DAY * 33


# --- Years the library does not know -------------------------------------------------


def test_2027_falls_back_to_weekdays_without_crashing():
    assert year_is_estimated(2027)
    assert is_working_day(D(2027, 1, 1))  # a Friday, no data: treated as working
    assert not is_working_day(D(2027, 1, 2))  # Saturday
    # Thursday 2026-12-31 + 2 working days: Fri 01-01, Mon 01-04.
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 6


def test_2027_new_year_holiday_entered_by_an_admin_is_honoured():
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")

    assert not is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert not year_is_estimated(2027)


def test_a_year_stays_estimated_when_only_weekend_rows_were_entered():
    CalendarDay.objects.create(date=D(2027, 1, 2), is_workday=False)  # a Saturday

    assert year_is_estimated(2027)


def test_years_the_library_knows_are_not_estimated():
    assert not year_is_estimated(2023)
    assert not year_is_estimated(2026)


# --- Warnings for the administrators -------------------------------------------------


def test_no_calendar_warning_while_this_year_and_next_are_known():
    assert calendar_warnings(today=D(2025, 6, 1)) == []


def test_calendar_warning_names_next_year_when_it_is_estimated():
    warnings = calendar_warnings(today=D(2026, 11, 29))

    assert len(warnings) == 1
    assert "2027年" in warnings[0] and "工作日历" in warnings[0]


def test_calendar_warnings_go_away_year_by_year_as_holidays_are_entered():
    assert [w[:4] for w in calendar_warnings(today=D(2027, 3, 1))] == ["2027", "2028"]

    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")

    assert [w[:4] for w in calendar_warnings(today=D(2027, 3, 1))] == ["2028"]


def test_calendar_warnings_default_to_today():
    from django.utils import timezone

    today = timezone.localdate()
    expected = [y for y in (today.year, today.year + 1) if year_is_estimated(y)]

    assert [int(w[:4]) for w in calendar_warnings()] == expected


# --- Maintenance through the admin ---------------------------------------------------


@pytest.fixture
def calendar_admin():
    return admin.site._registry[CalendarDay]


def admin_request(user, method="post"):
    request = getattr(RequestFactory(), method)("/admin/jiaotong/calendarday/")
    request.user = user
    return request


def test_system_admin_may_maintain_the_calendar_and_others_may_not(
    calendar_admin, sysadmin, clerk, auditor
):
    request = admin_request(sysadmin)
    assert calendar_admin.has_add_permission(request)
    assert calendar_admin.has_change_permission(request)
    assert calendar_admin.has_delete_permission(request)
    for other in (clerk, auditor):
        request = admin_request(other)
        assert not calendar_admin.has_add_permission(request)
        assert not calendar_admin.has_change_permission(request)
        assert not calendar_admin.has_delete_permission(request)


# --- The calendar page ---------------------------------------------------------------


def test_calendar_page_shows_entries_official_value_and_the_warning(client, sysadmin):
    CalendarDay.objects.create(date=D(2023, 10, 10), is_workday=False, note="临时停休")
    client.force_login(sysadmin)

    response = client.get(reverse("calendarday_list"), {"year": 2023})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2023-10-10" in page and "临时停休" in page
    assert [e.official for e in response.context["entries"]] == [True]
    for warning in workdays.calendar_warnings():
        assert warning in page


@pytest.mark.parametrize(
    "who", ["clerk", "officer", "reviewer", "hotline_agent", "handler", "supervisor",
            "leader", "secadmin", "auditor", "outsider"],
)  # fmt: skip
def test_only_system_admins_see_or_change_the_calendar(client, request, who):
    client.force_login(request.getfixturevalue(who))
    entry = CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False)

    assert client.get(reverse("calendarday_list")).status_code == 403
    saved = client.post(
        reverse("calendarday_save"), {"date": "2027-02-01", "is_workday": "0"}
    )
    deleted = client.post(reverse("calendarday_delete", args=[entry.pk]))

    assert (saved.status_code, deleted.status_code) == (403, 403)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]


def test_system_admin_enters_a_2027_holiday_and_it_is_audited(client, sysadmin):
    client.force_login(sysadmin)
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)

    response = client.post(
        reverse("calendarday_save"),
        {"date": "2027-01-01", "is_workday": "0", "note": "元旦"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("calendarday_list") + "?year=2027"
    entry = CalendarDay.objects.get()
    assert (entry.date, entry.is_workday, entry.note) == (D(2027, 1, 1), False, "元旦")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    event = AuditEvent.objects.for_object(entry).get()
    assert (event.action, event.actor, event.to_state) == (
        "calendar_day_create",
        sysadmin,
        "休息日",
    )


def test_saving_an_existing_date_updates_it_and_saving_it_again_is_silent(
    client, sysadmin
):
    entry = CalendarDay.objects.create(date=D(2027, 2, 6), is_workday=False)
    client.force_login(sysadmin)
    data = {"date": "2027-02-06", "is_workday": "1", "note": "春节调休上班"}

    client.post(reverse("calendarday_save"), data)
    client.post(reverse("calendarday_save"), data)

    entry.refresh_from_db()
    assert entry.is_workday and entry.note == "春节调休上班"
    events = AuditEvent.objects.for_object(entry)
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("calendar_day_update", "休息日", "工作日")
    ]


def test_deleting_an_entry_restores_the_official_calendar(client, sysadmin):
    entry = CalendarDay.objects.create(date=D(2023, 10, 10), is_workday=False)
    client.force_login(sysadmin)

    response = client.post(reverse("calendarday_delete", args=[entry.pk]))

    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert is_working_day(D(2023, 10, 10))
    assert AuditEvent.objects.for_object(entry).get().action == "calendar_day_delete"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2027-02-30", "is_workday": "0"}, "date"),
        ({"date": "", "is_workday": "0"}, "date"),
        ({"date": "1999-01-01", "is_workday": "0"}, "date"),
        ({"date": "2027-01-01", "is_workday": "maybe"}, "is_workday"),
        ({"date": "2027-01-01", "is_workday": "0", "note": "长" * 101}, "note"),
    ],
)
def test_bad_calendar_input_is_refused_with_a_message(client, sysadmin, data, field):
    client.force_login(sysadmin)

    response = client.post(reverse("calendarday_save"), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not CalendarDay.objects.exists()


def test_calendar_changes_are_post_only(client, sysadmin):
    entry = CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False)
    client.force_login(sysadmin)

    assert client.get(reverse("calendarday_save")).status_code == 405
    assert client.get(reverse("calendarday_delete", args=[entry.pk])).status_code == 405
    assert CalendarDay.objects.exists()
