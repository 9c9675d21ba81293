"""The hotline statistics page: the registry's figures with the catalog's
definitions, the source table with totals, and the follow-up counts behind the
satisfaction rate."""

import pytest
from django.urls import reverse

from jiaotong.metrics.registry import compute
from tests.hotline.conftest import local, make_ticket

URL = reverse("hotline:ticket_stats")


@pytest.fixture
def tickets_2023(org):
    results = ["满意"] * 6 + ["基本满意", "不满意", "联系不上", "联系不上", ""]
    for n, result in enumerate(results):
        make_ticket(
            received_at=local(2023, 3, 1 + n),
            source="12328" if n % 2 else "12345",
            category="投诉" if n % 3 else "咨询",
            follow_up_result=result,
        )
    make_ticket(received_at=local(2023, 4, 1), is_test=True, follow_up_result="不满意")


def test_page_shows_the_satisfaction_rate_as_the_report_counts_it(
    client, leader, tickets_2023
):
    client.force_login(leader)
    response = client.get(URL, {"year": 2023})
    assert response.status_code == 200
    body = response.content.decode()
    rate = compute("hotline.satisfaction_rate", 2023)
    assert str(rate) == "87.5"  # 7 of the 8 reached; 联系不上 and 未回访 left out
    assert 'id="value-hotline12328received">' in body
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["hotline.satisfaction_rate"]["value"] == rate
    assert "联系不上与未回访的工单不计入分母" in body
    assert "回访联系上来电人" in body  # the Chinese definition from the catalog


def test_source_table_has_row_and_column_totals(client, hotline_agent, tickets_2023):
    client.force_login(hotline_agent)
    sources = client.get(URL, {"year": 2023}).context["sources"]
    total = sources[-1]
    assert total["source"] == "合计" and total["total"] == 11  # the test row left out
    assert sum(row["total"] for row in sources[:-1]) == 11


def test_follow_up_counts_link_to_the_list(client, leader, tickets_2023):
    client.force_login(leader)
    response = client.get(URL, {"year": 2023})
    counts = {row["label"]: row["count"] for row in response.context["follow_ups"]}
    assert counts == {"满意": 6, "基本满意": 1, "不满意": 1, "联系不上": 2, "未回访": 1}
    listing = client.get(
        reverse("hotline:ticket_list"), {"received_year": 2023, "satisfaction": "满意"}
    )
    assert listing.context["page"].total.exact == 6


def test_roles_without_ticket_access_are_refused(client, clerk, outsider):
    for user in (clerk, outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_handler_sees_own_unit(client, handler, org, tickets_2023):
    client.force_login(handler)
    response = client.get(URL, {"year": 2023})
    assert response.status_code == 200
    assert response.context["org"] == org["squad"]
