"""Next steps on every desk (issue 13): each role's home has its main action,
受理 offers the notice, statistics open on a year with records, totals are
always shown and an empty rate is one "—" with a reason."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from licensing.models import Application

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, label, url",
    [
        ("clerk", "收件登记", "licensing:application_create"),
        ("hotline_agent", "受理登记", "hotline:ticket_create"),
    ],
)
def test_each_desk_home_has_its_main_action(client, request, who, label, url):
    client.force_login(request.getfixturevalue(who))

    body = client.get(reverse("home")).content.decode()

    assert f'href="{reverse(url)}"' in body and label in body
    assert "data-home-action" in body


def test_leader_home_has_no_intake_button(client, leader):
    client.force_login(leader)

    assert "data-home-action" not in client.get(reverse("home")).content.decode()


def test_accepting_offers_the_acceptance_notice(
    client, clerk, receive, licensing_matter
):
    application = receive(licensing_matter)
    client.force_login(clerk)

    response = client.post(
        reverse("licensing:application_action", args=[application.pk, "accept"]),
        follow=True,
    )

    body = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?next=print")
    assert 'id="offer-print"' in body
    assert (
        reverse("licensing:application_print", args=[application.pk, "acceptance"])
        in body
    )
    assert f"办件 {application.number} 已受理，当前状态：已受理" in body


def test_statistics_open_on_the_latest_year_with_records(
    client, leader, receive, licensing_matter
):
    last_year = timezone.localdate().year - 2
    receive(licensing_matter, received_at=local(last_year, 6, 1))
    client.force_login(leader)

    response = client.get(reverse("licensing:window_stats"))

    assert response.context["year"] == last_year
    assert f"窗口办件统计（{last_year}年）" in response.content.decode()


def test_rates_without_records_show_one_dash_with_the_reason(client, leader):
    client.force_login(leader)

    body = client.get(reverse("licensing:window_stats")).content.decode()

    assert "data-empty-rate" in body and "分母为零" in body
    assert "0.0%" not in body


def test_figure_tag_keeps_real_values():
    html = Template("{% load jiaotong_tags %}{% figure value %}").render(
        Context({"value": 0})
    )
    assert html == "0"


def test_total_shown_when_the_list_fits_one_page(
    client, clerk, receive, licensing_matter
):
    receive(licensing_matter)
    client.force_login(clerk)

    body = client.get(reverse("licensing:application_list")).content.decode()
    text = re.sub(r"<[^>]+>", "", body)  # the count is its own element

    assert f"共 {Application.objects.count()} 条" in text
