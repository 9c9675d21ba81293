"""Template helpers: masking filters and the deadline badge."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from jiaotong.calendar import workdays
from jiaotong.models import CalendarDay


def render(source: str, **context) -> str:
    return Template("{% load jiaotong_tags %}" + source).render(Context(context))


def test_masking_filters_hide_the_middle():
    page = render(
        "{{ id|mask_id }} {{ phone|mask_phone }} {{ name|mask_name }} [{{ none|mask_id }}]",
        id="41142219900307123X",
        phone="13803701234",
        name="王建国",
        none=None,
    )

    assert page == "411422********123X 138****1234 王*国 []"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_of", "css", "label"),
    [
        (lambda t: t - dt.timedelta(days=1), "text-bg-danger", "已超期"),
        (lambda t: t, "text-bg-warning", "今日到期"),
        (lambda t: workdays.add_working_days(t, 1), "text-bg-warning", "剩余1个工作日"),
        (lambda t: workdays.add_working_days(t, 2), "text-bg-warning", "剩余2个工作日"),
        (lambda t: workdays.add_working_days(t, 3), "text-bg-success", "未到期"),
    ],
)
def test_deadline_badge_colours_by_working_days_left(due_of, css, label):
    today = timezone.localdate()
    due = due_of(today)

    page = render("{% deadline_badge due %}", due=due)

    assert css in page and label in page
    assert due.strftime("%m-%d") in page


@pytest.mark.django_db
def test_deadline_badge_counts_working_days_not_calendar_days():
    today = timezone.localdate()
    # The next three days are holidays and the fourth a working day: a deadline
    # four calendar days away is one working day away, and the badge must warn.
    for n in (1, 2, 3, 4):
        CalendarDay.objects.update_or_create(
            date=today + dt.timedelta(days=n), defaults={"is_workday": n == 4}
        )
    due = today + dt.timedelta(days=4)
    assert workdays.working_days_between(today, due) == 1

    assert "剩余1个工作日" in render("{% deadline_badge due %}", due=due)


@pytest.mark.django_db
def test_deadline_badge_accepts_aware_datetimes_and_blank():
    past = timezone.now() - dt.timedelta(days=3)

    assert "已超期" in render("{% deadline_badge due %}", due=past)
    assert "—" in render("{% deadline_badge due %}", due=None)


@pytest.mark.django_db
def test_a_list_of_badges_costs_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    today = timezone.localdate()
    dues = [today + dt.timedelta(days=n) for n in range(-5, 25)]
    request = RequestFactory().get("/")

    with django_assert_max_num_queries(2):
        page = render(
            "{% for due in dues %}{% deadline_badge due %}{% endfor %}",
            dues=dues,
            request=request,
        )

    assert page.count("app-deadline ") == len(dues)


@pytest.mark.django_db
def test_badges_cost_no_query_once_cached_and_follow_a_calendar_change(
    django_assert_num_queries,
):
    """A list page's queries must not depend on whether its rows carry running
    deadlines (issue 14: constant queries at any depth), so the thresholds are
    kept in the shared cache; an entry in the working-day calendar renews them."""
    today = timezone.localdate()
    due = workdays.add_working_days(today, 3)
    assert "未到期" in render("{% deadline_badge due %}", due=due)  # warms the cache

    with django_assert_num_queries(0):
        assert "未到期" in render("{% deadline_badge due %}", due=due)

    # The next working day becomes a holiday: the due date is now 2 working days away.
    CalendarDay.objects.create(
        date=workdays.add_working_days(today, 1), is_workday=False
    )
    assert "剩余2个工作日" in render("{% deadline_badge due %}", due=due)


@pytest.mark.django_db
def test_a_list_of_badges_reads_the_shared_cache_once_per_request(monkeypatch):
    """The thresholds come from the shared cache (Redis in production: two
    round trips a read); a page of 25 ticket rows read it once per badge and
    spent 60 % of its time there. One read per request, whatever the rows."""
    reads = []
    real = workdays.cached_working_days_after

    def counting(day, n):
        reads.append((day, n))
        return real(day, n)

    monkeypatch.setattr(workdays, "cached_working_days_after", counting)
    today = timezone.localdate()
    dues = [today + dt.timedelta(days=n) for n in range(-5, 25)]
    request = RequestFactory().get("/")

    page = render(
        "{% for due in dues %}{% deadline_badge due %}{% endfor %}",
        dues=dues,
        request=request,
    )

    assert page.count("app-deadline ") == len(dues)
    assert len(reads) == 1
    # Another request reads it afresh (the calendar may have changed between).
    render("{% deadline_badge due %}", due=dues[0], request=RequestFactory().get("/"))
    assert len(reads) == 2
