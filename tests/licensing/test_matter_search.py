"""Matter search at intake: what a clerk types finds the matter they mean, the
busiest first (issue 13)."""

import pytest
from django.urls import reverse

from licensing.selectors import matter_search
from tests.factories import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def window_list(db):
    """A slice of the demo's window list, with the freight licence in use."""
    matters = {
        "freight": make_matter(
            "411422-XK-008-1", name="道路普通货物运输经营许可（新办）"
        ),
        "freight_change": make_matter(
            "411422-XK-008-2", name="道路普通货物运输经营许可（变更）"
        ),
        "station": make_matter(
            "411422-QT-001",
            name="道路货物运输站（场）经营备案",
            power_type="其他行政权力",
        ),
        "dangerous": make_matter(
            "411422-XK-009-1", name="道路危险货物运输经营许可（新办）"
        ),
        "taxi": make_matter("411422-XK-011-1", name="巡游出租汽车经营许可（新办）"),
        "taxi_driver": make_matter(
            "411422-XK-013-1", name="出租汽车驾驶员从业资格证核发（新办）"
        ),
        "passenger": make_matter(
            "411422-XK-001-1", name="道路旅客运输经营许可（新办）"
        ),
        "penalty": make_matter(
            "411422-CF-002",
            name="对未取得道路运输经营许可擅自从事道路普通货物运输经营的行政处罚",
            power_type="行政处罚",
        ),
    }
    return matters


def _codes(query):
    return [m.code for m in matter_search(query)]


def _use(receive, matter, times):
    for _ in range(times):
        receive(matter)


@pytest.mark.parametrize("query", ["货物", "货运", "huoyun", "hy"])
def test_freight_words_rank_the_freight_licence_first(receive, window_list, query):
    _use(receive, window_list["freight"], 3)
    _use(receive, window_list["station"], 1)
    _use(receive, window_list["dangerous"], 2)

    codes = _codes(query)

    assert codes[0] == "411422-XK-008-1", codes
    assert "411422-QT-001" in codes[1:] or query in ("hy",)
    assert "411422-CF-002" not in codes  # penalties are not window matters


def test_usage_decides_between_equal_matches(receive, window_list):
    _use(receive, window_list["station"], 4)
    _use(receive, window_list["freight"], 1)

    assert _codes("货物")[0] == "411422-QT-001"


def test_pinyin_initials_czc_find_taxi_matters(window_list):
    codes = _codes("czc")

    assert set(codes) == {"411422-XK-011-1", "411422-XK-013-1"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("411422-XK-008-2", "411422-XK-008-2"),
        ("xk-008-2", "411422-XK-008-2"),
        ("驾驶员 从业", "411422-XK-013-1"),
        ("dllkysjyxk", "411422-XK-001-1"),
        ("daolu lvke", None),
        ("客运", "411422-XK-001-1"),
        ("出租", None),
    ],
)
def test_code_words_and_short_forms(window_list, query, expected):
    codes = _codes(query)

    assert codes, query
    if expected:
        assert codes[0] == expected


def test_exact_code_beats_everything(receive, window_list):
    _use(receive, window_list["freight"], 5)

    assert _codes("411422-XK-008-2") == ["411422-XK-008-2"]


def test_nothing_matches_gibberish(window_list):
    assert _codes("zzzz") == []


def test_options_carry_the_query_they_answer(client, clerk, receive, window_list):
    _use(receive, window_list["freight"], 1)
    client.force_login(clerk)
    response = client.get(reverse("licensing:matter_options"), {"matter_query": "货运"})
    body = response.content.decode()

    assert 'data-query="货运"' in body
    assert body.index("道路普通货物运输经营许可") < body.index("道路货物运输站")


def test_a_short_form_counts_as_the_words_it_stands_for(receive, window_list):
    plate = make_matter(
        "411422-GG-009", name="客运班车标志牌核发", power_type="公共服务"
    )
    _use(receive, window_list["passenger"], 2)
    _use(receive, plate, 1)

    assert _codes("客运")[:2] == ["411422-XK-001-1", "411422-GG-009"]
