"""manage.py generate_load --cases: seeded penalty cases the figures can count."""

import io

import pytest
from django.core.management import call_command

from enforcement.models import LegalReview, PenaltyCase, PublicityRecord
from jiaotong.dates import LOCAL_TZ
from jiaotong.metrics.registry import compute
from jiaotong.validators import validate_id_for_party
from tests.factories import make_matter

from .conftest import make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(org, officer, reviewer):
    make_officer(officer)
    return [
        make_matter("CF-1", name="对超限运输的行政处罚", power_type="行政处罚"),
        make_matter("CF-2", name="对无证经营的行政处罚", power_type="行政处罚"),
    ]


def _run(*args) -> str:
    out = io.StringIO()
    call_command("generate_load", *args, stdout=out)
    return out.getvalue()


def test_generates_cases_over_the_years_for_every_figure(setting, org):
    output = _run("--cases", "600", "--years", "2021-2023", "--seed", "3")

    assert "生成 600 条" in output
    cases = PenaltyCase.objects.all()
    assert cases.count() == 600
    years = {c.filed_at.astimezone(LOCAL_TZ).year for c in cases}
    assert years == {2021, 2022, 2023}
    assert set(cases.values_list("unit", flat=True)) <= {
        org["squad"].pk,
        org["brigade"].pk,
    }
    outcomes = set(cases.values_list("outcome", flat=True))
    assert {"处罚", "不予处罚", "撤销立案", "移送"} <= outcomes
    assert {"简易程序", "普通程序"} == set(cases.values_list("procedure", flat=True))
    # Each enforcement figure of a generated year has something to count.
    for code in (
        "enforcement.cases",
        "enforcement.legal_reviews",
        "enforcement.overdue_cases",
    ):
        assert compute(code, 2022) > 0, code
    published = compute("enforcement.cases_published_rate", 2022)
    assert 80 < published < 100
    assert compute("enforcement.fines_total", 2022) > 0
    # Publicity and reviews belong to their cases.
    for record in PublicityRecord.objects.select_related("case")[:50]:
        assert record.case.outcome == "处罚"
        assert record.decision_no == record.case.number
        assert record.decision_date <= (record.published_on or record.decision_date)
    assert not LegalReview.objects.filter(case__procedure="简易程序").exists()
    assert PenaltyCase.officers.through.objects.count() == 600


def test_rows_hold_the_models_rules(setting):
    _run("--cases", "120", "--years", "2022")

    for case in PenaltyCase.objects.all()[:60]:
        validate_id_for_party(case.party_type, case.party_id_number)
        case.full_clean()
        if case.outcome == "处罚":
            assert case.decided_at and case.decided_at >= case.filed_at
    for review in LegalReview.objects.all()[:30]:
        review.full_clean()
    for record in PublicityRecord.objects.all()[:30]:
        record.full_clean()


def test_same_seed_same_cases_and_twice_adds(setting):
    _run("--cases", "40", "--years", "2020", "--seed", "5")
    first = list(
        PenaltyCase.objects.order_by("number").values_list(
            "number", "party_name", "filed_at", "outcome", "fine"
        )
    )
    _run("--cases", "40", "--years", "2020", "--seed", "5")
    assert PenaltyCase.objects.count() == 80
    second = list(
        PenaltyCase.objects.order_by("number").values_list(
            "number", "party_name", "filed_at", "outcome", "fine"
        )[40:]
    )
    assert [row[1:] for row in first] == [row[1:] for row in second]
