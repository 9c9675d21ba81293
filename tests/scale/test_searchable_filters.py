"""A filter over thousands of records is searched, not a drop-down of them all
(issue 14): the window list's 事项 filter holds only "全部" and the matter
chosen, and its search box asks the server for the matters matching the words."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import make_matter

pytestmark = pytest.mark.django_db

LIST = "licensing:application_list"
OPTIONS = "licensing:matter_filter_options"


def _matter_select(body: str) -> str:
    match = re.search(r'<select name="matter".*?</select>', body, re.S)
    assert match, "no 事项 select on the page"
    return match.group(0)


@pytest.fixture
def matters(db):
    many = [make_matter(f"XK-{n:04d}", name=f"许可事项{n}") for n in range(60)]
    freight = make_matter("XK-HY01", name="道路货物运输经营许可")
    repealed = make_matter(
        "XK-HY02",
        name="道路货物运输站（场）经营许可",
        repealed_on=dt.date(2020, 1, 1),
    )
    penalty = make_matter(
        "CF-HY01", name="对货物运输违法行为的处罚", power_type="行政处罚"
    )
    return {"many": many, "freight": freight, "repealed": repealed, "penalty": penalty}


def test_the_matter_filter_holds_only_all_and_the_matter_chosen(client, clerk, matters):
    client.force_login(clerk)

    select = _matter_select(client.get(reverse(LIST)).content.decode())
    assert select.count("<option") == 1 and ">全部<" in select

    chosen = matters["freight"]
    select = _matter_select(
        client.get(reverse(LIST), {"matter": chosen.pk}).content.decode()
    )
    assert select.count("<option") == 2
    assert re.search(rf'<option value="{chosen.pk}" selected>XK-HY01 ', select)


def test_the_search_box_asks_for_the_matching_matters(client, clerk, matters):
    client.force_login(clerk)
    body = client.get(reverse(LIST)).content.decode()
    assert f'hx-get="{reverse(OPTIONS)}"' in body and 'name="matter_query"' in body

    answer = client.get(reverse(OPTIONS), {"matter_query": "货物 运输"})
    options = re.findall(r'<option value="(\d*)"', answer.content.decode())

    # window matters with every word, repealed ones too; never a penalty matter
    assert options == ["", str(matters["freight"].pk), str(matters["repealed"].pk)]
    nothing = client.get(reverse(OPTIONS), {"matter_query": "不存在的事项"})
    assert "没有匹配的事项" in nothing.content.decode()


def test_a_matter_picked_from_the_search_filters_the_list(client, clerk, org, matters):
    from licensing.models import Application
    from tests.scale.test_keyset_lists import Applications, _at

    rows = Applications(org, {"clerk": clerk})
    rows.matter = matters["freight"]
    freight = {rows.make(_at(n)) for n in range(3)}
    rows.matter = matters["many"][0]
    rows.make(_at(4))
    client.force_login(clerk)

    page = client.get(reverse(LIST), {"matter": matters["freight"].pk})

    assert {a.pk for a in page.context["page_obj"]} == freight
    assert Application.objects.count() == 4


@pytest.fixture
def enterprises(db):
    from tests.factories import make_enterprise

    return [make_enterprise(f"睢县第{n}运输有限公司") for n in range(40)] + [
        make_enterprise("商丘市顺达物流有限公司")
    ]


@pytest.mark.parametrize(
    ("reader", "page", "field", "options", "query", "found"),
    [
        (
            "reviewer",
            "enforcement:case_list",
            "matter",
            "enforcement:matter_filter_options",
            "货物运输",
            "penalty",
        ),
        (
            "hotline_agent",
            "hotline:ticket_list",
            "enterprise",
            "hotline:enterprise_filter_options",
            "顺达",
            "enterprise",
        ),
    ],
)
def test_the_other_big_filters_are_searched_too(
    client, request, matters, enterprises, reader, page, field, options, query, found
):
    client.force_login(request.getfixturevalue(reader))

    body = client.get(reverse(page)).content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', body, re.S).group(0)
    assert select.count("<option") == 1
    assert f'hx-get="{reverse(options)}"' in body

    answer = client.get(reverse(options), {f"{field}_query": query})
    values = re.findall(r'<option value="(\d+)"', answer.content.decode())
    expected = matters["penalty"] if found == "penalty" else enterprises[-1]
    assert values == [str(expected.pk)]
