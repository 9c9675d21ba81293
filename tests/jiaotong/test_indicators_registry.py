"""The indicator registry, and the figures jiaotong owns: powers.* and org.*.

Each test builds a small record set whose expected figure is worked out by
hand in the table that creates it (the ``counts`` column says why)."""

import datetime as dt
from decimal import Decimal

import pytest

from jiaotong.accounts import indicators as org_indicators
from jiaotong.dates import year_bounds, year_end
from jiaotong.metrics import registry as indicators
from jiaotong.metrics.registry import compute, rate, registered
from jiaotong.models import DiscretionItem, MatterChange, OrgUnit
from jiaotong.registry import indicators as powers_indicators
from tests.factories import make_matter, make_unit

D = dt.date
JIAOTONG_CODES = [
    "powers.total",
    "powers.licensing",
    "powers.penalty",
    "powers.confirmation",
    "powers.other",
    "powers.filing_reform",
    "powers.notify_commit",
    "powers.delegated",
    "powers.benchmarked_penalties",
    "org.enforcement_staff",
    "org.towns",
]


# --- Registry and helpers ---------------------------------------------------------


def test_rate_rounds_half_up_to_one_decimal():
    assert rate(8865, 10000) == Decimal("88.7")  # 88.65: half-up, not banker's
    assert rate(1, 3) == Decimal("33.3")
    assert rate(2, 3) == Decimal("66.7")
    assert rate(7, 7) == Decimal("100.0")


def test_rate_with_zero_denominator_is_none_not_zero():
    assert rate(0, 0) is None
    assert rate(3, 0) is None


def test_rate_with_zero_numerator_is_zero():
    assert rate(0, 4) == Decimal("0.0")


def test_year_bounds_are_local_midnights():
    start, end = year_bounds(2023)
    assert (start.year, start.month, start.day, start.hour) == (2023, 1, 1, 0)
    assert (end.year, end.month, end.day) == (2024, 1, 1)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert year_end(2023) == D(2023, 12, 31)


def test_registering_a_code_outside_the_catalog_is_refused():
    with pytest.raises(KeyError):
        indicators.indicator("no.such.indicator")


def test_registered_indicators_follow_the_catalog_order():
    orders = [ind.order for ind in registered()]
    assert orders == sorted(orders)
    catalog_codes = list(indicators.catalog())
    codes = [ind.code for ind in registered()]
    assert codes == [code for code in catalog_codes if code in codes]


def test_core_figures_are_registered_from_the_concern_that_owns_them():
    by_code = {ind.code: ind for ind in registered()}
    for code in JIAOTONG_CODES:
        owner = org_indicators if code.startswith("org.") else powers_indicators
        assert by_code[code].compute.__module__ == owner.__name__
        assert by_code[code].label == indicators.catalog()[code]["label"]


def test_discovery_finds_the_core_concerns_first_then_each_app():
    modules = indicators.indicator_modules()
    assert modules[:2] == (org_indicators, powers_indicators)
    names = [module.__name__ for module in modules]
    assert names.index("licensing.indicators") < names.index("hotline.indicators")
    assert callable(powers_indicators.report_sheets)


# --- powers.* ---------------------------------------------------------------------

# (code, power type, effective_from, repealed_on, source, counts at end of 2023)
MATTERS = [
    ("L1", "行政许可", None, None, "本级", True),
    ("L2", "行政许可", D(2023, 6, 1), None, "本级", True),
    ("L3", "行政许可", D(2024, 1, 1), None, "本级", False),  # starts next year
    ("L4", "行政许可", None, D(2023, 7, 1), "本级", False),  # repealed mid-year
    ("L5", "行政许可", None, D(2023, 12, 31), "本级", False),  # repealed on 31 Dec
    ("L6", "行政许可", None, D(2024, 1, 1), "本级", True),  # repealed on 1 Jan
    ("L7", "行政许可", D(2023, 12, 31), None, "省下放", True),  # starts on 31 Dec
    ("L8", "行政许可", None, D(2023, 5, 1), "市下放", False),
    ("L9", "行政许可", None, None, "市下放", True),
    ("P1", "行政处罚", None, None, "本级", True),
    ("P2", "行政处罚", D(2020, 1, 1), D(2023, 3, 1), "本级", False),
    ("P3", "行政处罚", None, None, "本级", True),
    ("C1", "行政确认", None, None, "本级", True),
    ("O1", "其他行政权力", None, None, "本级", True),
    ("S1", "公共服务", None, None, "本级", True),  # in force, not a power
]


@pytest.fixture
def matters(db):
    return {
        code: make_matter(
            code,
            power_type=ptype,
            effective_from=start,
            repealed_on=end,
            source=source,
        )
        for code, ptype, start, end, source, _ in MATTERS
    }


def _expected(power_type=None, sources=None):
    return sum(
        1
        for _, ptype, _, _, source, counts in MATTERS
        if counts
        and ptype != "公共服务"
        and (power_type is None or ptype == power_type)
        and (sources is None or source in sources)
    )


@pytest.mark.parametrize(
    ("code", "power_type"),
    [
        ("powers.total", None),
        ("powers.licensing", "行政许可"),
        ("powers.penalty", "行政处罚"),
        ("powers.confirmation", "行政确认"),
        ("powers.other", "其他行政权力"),
    ],
)
def test_powers_count_matters_in_force_at_year_end(matters, code, power_type):
    assert compute(code, 2023) == _expected(power_type)


def test_powers_total_by_hand(matters):
    # L1 L2 L6 L7 L9 + P1 P3 + C1 + O1; S1 is a public service.
    assert compute("powers.total", 2023) == 9


def test_next_year_sees_the_matter_starting_and_not_the_one_repealed_on_1_jan(
    matters,
):
    assert compute("powers.licensing", 2023) == 5  # L1 L2 L6 L7 L9
    # 2024 adds L3 (from 1 Jan 2024) and loses L6 (repealed 1 Jan 2024).
    assert compute("powers.licensing", 2024) == 5  # L1 L2 L3 L7 L9
    assert compute("powers.licensing", 2022) == 6  # L1 L4 L5 L6 L8 L9


def test_powers_delegated_counts_licensing_from_province_or_city(matters):
    assert compute("powers.delegated", 2023) == _expected(
        "行政许可", {"省下放", "市下放"}
    )  # L7, L9 (L8 was repealed)
    assert compute("powers.delegated", 2023) == 2


def test_powers_are_scoped_to_the_unit_subtree(matters):
    bureau = make_unit("B", kind="bureau")
    brigade = make_unit("B10", kind="brigade", parent=bureau)
    squad = make_unit("B11", kind="squad", parent=brigade)
    window = make_unit("B01", parent=bureau)
    matters["P1"].unit = squad
    matters["P1"].save()
    matters["P3"].unit = brigade
    matters["P3"].save()
    matters["L1"].unit = window
    matters["L1"].save()

    assert compute("powers.penalty", 2023, brigade) == 2
    assert compute("powers.penalty", 2023, squad) == 1
    assert compute("powers.total", 2023, window) == 1
    assert compute("powers.total", 2023, bureau) == 3  # matters without a unit drop


def _change(matter, kind, day):
    return MatterChange.objects.create(matter=matter, kind=kind, effective_on=day)


def test_filing_reform_counts_distinct_matters_changed_in_the_year(matters):
    reform = MatterChange.Kind.FILING_REFORM
    _change(matters["L1"], reform, D(2023, 1, 1))
    _change(matters["L1"], reform, D(2023, 9, 1))  # same matter again
    _change(matters["L2"], reform, D(2023, 12, 31))
    _change(matters["L9"], reform, D(2022, 12, 31))  # the year before
    _change(matters["L6"], reform, D(2024, 1, 1))  # the year after
    _change(matters["L7"], MatterChange.Kind.DELEGATED, D(2023, 5, 1))

    assert compute("powers.filing_reform", 2023) == 2  # L1, L2
    assert compute("powers.filing_reform", 2024) == 1  # L6


def test_notify_commit_counts_matters_whose_change_took_effect_in_the_year(
    matters,
):
    commit = MatterChange.Kind.NOTIFY_COMMIT
    _change(matters["L1"], commit, D(2023, 3, 1))
    _change(matters["L2"], commit, D(2023, 11, 30))
    _change(matters["L9"], commit, D(2022, 6, 1))
    _change(matters["L6"], MatterChange.Kind.FILING_REFORM, D(2023, 6, 1))

    assert compute("powers.notify_commit", 2023) == 2
    assert compute("powers.notify_commit", 2022) == 1


# (code, effective_from, repealed_on, in force at end of 2023)
BENCHMARK = [
    ("J1", None, None, True),
    ("J2", D(2023, 12, 31), None, True),  # takes effect on 31 Dec
    ("J3", None, D(2023, 12, 31), False),  # repealed on 31 Dec
    ("J4", None, D(2024, 1, 1), True),  # repealed on 1 Jan
    ("J5", D(2024, 1, 1), None, False),  # not yet
    ("J6", D(2019, 1, 1), D(2023, 6, 30), False),  # repealed mid-year
]


def test_benchmarked_penalties_count_entries_in_force_at_year_end(matters):
    for code, start, end, _ in BENCHMARK:
        DiscretionItem.objects.create(
            code=code,
            matter=matters["P1"],
            violation=f"违法行为{code}",
            effective_from=start,
            repealed_on=end,
        )
    expected = sum(1 for *_, counts in BENCHMARK if counts)
    assert compute("powers.benchmarked_penalties", 2023) == expected == 3


@pytest.mark.parametrize("code", JIAOTONG_CODES)
def test_each_indicator_is_one_query(matters, code, django_assert_num_queries):
    with django_assert_num_queries(1):
        compute(code, 2023)


# --- org.* ------------------------------------------------------------------------


@pytest.fixture
def units(db):
    """A bureau whose brigade has 7 command posts, two squads and a 法制股, plus an
    abolished squad, a squad set up next year, an office and four towns."""
    bureau = make_unit("B", kind="bureau", established_posts=3)
    brigade = make_unit("B10", kind="brigade", parent=bureau, established_posts=7)
    return {
        "bureau": bureau,
        "office": make_unit("B01", parent=bureau, established_posts=5),
        "brigade": brigade,
        "squad1": make_unit("B11", kind="squad", parent=brigade, established_posts=11),
        "legal": make_unit("B12", parent=brigade, established_posts=6),
        "gone": make_unit(
            "B13",
            kind="squad",
            parent=brigade,
            established_posts=10,
            abolished_on=D(2023, 6, 30),
        ),
        "new": make_unit(
            "B14",
            kind="squad",
            parent=brigade,
            established_posts=8,
            established_on=D(2024, 1, 1),
        ),
        "towns": [
            make_unit("T1", kind="town", parent=bureau),
            make_unit("T2", kind="town", parent=bureau, established_on=D(2023, 12, 31)),
            make_unit("T3", kind="town", parent=bureau, abolished_on=D(2023, 12, 31)),
            make_unit("T4", kind="town", parent=bureau, abolished_on=D(2024, 1, 1)),
            make_unit("T5", kind="town", parent=bureau, established_on=D(2024, 3, 1)),
        ],
    }


def test_enforcement_staff_sums_the_brigade_and_units_below_it(units):
    # brigade 7 + squad1 11 + 法制股 6; not the abolished squad, not next year's
    # squad, not the bureau's own posts or its office.
    assert compute("org.enforcement_staff", 2023) == 7 + 11 + 6
    # 2024: the new squad (8) joins.
    assert compute("org.enforcement_staff", 2024) == 7 + 11 + 6 + 8
    # 2022: the abolished squad (10) was still there, the new one was not.
    assert compute("org.enforcement_staff", 2022) == 7 + 11 + 6 + 10


def test_enforcement_staff_within_a_unit(units):
    assert compute("org.enforcement_staff", 2023, units["bureau"]) == 24
    assert compute("org.enforcement_staff", 2023, units["squad1"]) == 11
    assert compute("org.enforcement_staff", 2023, units["office"]) == 0


def test_enforcement_staff_without_a_brigade_is_zero(db):
    make_unit("B", kind="bureau", established_posts=9)
    assert compute("org.enforcement_staff", 2023) == 0


def test_a_squad_outside_any_brigade_does_not_count(units):
    OrgUnit.objects.create(
        code="X1", name="外单位中队", kind="squad", established_posts=30
    )
    assert compute("org.enforcement_staff", 2023) == 24


def test_towns_in_force_at_year_end(units):
    # T1, T2 (from 31 Dec), T4 (abolished 1 Jan 2024); not T3 or T5.
    assert compute("org.towns", 2023) == 3
    assert compute("org.towns", 2023, units["brigade"]) == 0
    assert compute("org.towns", 2023, units["bureau"]) == 3
