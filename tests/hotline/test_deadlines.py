"""Deadlines in working days from the rule table: holidays, 调休 Saturdays, the
local date of a late-night call, and a year the official calendar lacks."""

import datetime as dt

import pytest
from jiaotong.calendar.workdays import year_is_estimated

from hotline import services
from hotline.models import TicketDeadlineRule
from jiaotong.models import CalendarDay
from tests.hotline.conftest import intake, local


@pytest.mark.django_db
def test_rules_are_seeded_for_every_source_and_category():
    rules = {(r.source, r.category): r.days for r in TicketDeadlineRule.objects.all()}
    assert len(rules) == 2 * 6
    assert rules[("12328", "投诉")] == rules[("12345", "举报")] == 5
    assert rules[("12328", "咨询")] == rules[("12345", "求助")] == 3


@pytest.mark.django_db
def test_complaint_before_national_day_2023_skips_the_holiday():
    # Thu 28 Sep 2023. 29 Sep–6 Oct are the Mid-Autumn/National Day holiday;
    # Sat 7 and Sun 8 Oct are 调休 working days. 5 WD: 7, 8, 9, 10, 11 Oct.
    due = services.compute_due_date(local(2023, 9, 28, 10), "12328", "投诉")
    assert due == dt.date(2023, 10, 11)


@pytest.mark.django_db
def test_consultation_before_national_day_2023_needs_three_working_days():
    # 3 WD after 28 Sep 2023: 7, 8, 9 Oct.
    due = services.compute_due_date(local(2023, 9, 28, 10), "12345", "咨询")
    assert due == dt.date(2023, 10, 9)


@pytest.mark.django_db
def test_call_on_a_holiday_counts_from_the_next_working_day():
    # 1 Oct 2023 is a holiday; 5 WD: 7, 8, 9, 10, 11 Oct.
    due = services.compute_due_date(local(2023, 10, 1, 15), "12328", "投诉")
    assert due == dt.date(2023, 10, 11)


@pytest.mark.django_db
def test_call_after_midnight_counts_from_the_local_date():
    # Fri 17 Nov 2023 00:30 in Shanghai is still Thu 16 Nov in UTC. Counting
    # from Friday: 20, 21, 22, 23, 24 Nov (from Thursday it would be the 23rd).
    received = local(2023, 11, 17, 0, 30)
    assert received.astimezone(dt.UTC).date() == dt.date(2023, 11, 16)
    assert services.compute_due_date(received, "12328", "投诉") == dt.date(2023, 11, 24)


@pytest.mark.django_db
def test_2027_without_official_calendar_uses_weekdays():
    assert year_is_estimated(2027)
    # Fri 8 Jan 2027, weekdays only: 11, 12, 13, 14, 15 Jan.
    due = services.compute_due_date(local(2027, 1, 8, 9), "12328", "投诉")
    assert due == dt.date(2027, 1, 15)


@pytest.mark.django_db
def test_2027_holiday_entered_by_admin_moves_the_deadline():
    CalendarDay.objects.create(date=dt.date(2027, 1, 12), is_workday=False, note="测试")
    # 11, (12 off), 13, 14, 15, 18 Jan.
    due = services.compute_due_date(local(2027, 1, 8, 9), "12328", "投诉")
    assert due == dt.date(2027, 1, 18)


@pytest.mark.django_db
def test_rule_change_applies_to_new_tickets_only(hotline_agent, sysadmin):
    before = intake(hotline_agent, received_at=local(2023, 11, 6, 9))  # Monday
    rule = TicketDeadlineRule.objects.get(source="12328", category="投诉")
    services.deadline_rule_update(
        rule=rule, days=10, extension_days=5, basis="", by=sysadmin
    )
    after = intake(hotline_agent, received_at=local(2023, 11, 6, 9))
    before.refresh_from_db()
    assert before.due_date == dt.date(2023, 11, 13)  # 7,8,9,10,13 Nov
    # 7,8,9,10,13,14,15,16,17,20 Nov.
    assert after.due_date == dt.date(2023, 11, 20)


@pytest.mark.django_db
def test_default_extension_crosses_the_holiday(hotline_agent, handler, org):
    from hotline.models import Ticket

    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    services.ticket_sign(ticket=ticket, by=handler)
    Ticket.objects.filter(pk=ticket.pk).update(due_date=dt.date(2023, 9, 28))
    extension = services.ticket_request_extension(
        ticket=ticket, reason="需调查", by=handler
    )
    assert extension.requested_due == dt.date(2023, 10, 11)
