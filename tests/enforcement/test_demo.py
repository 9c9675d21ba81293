"""The demo year reproduces the report's enforcement figures (read from the
catalog) through the indicator registry, with plausible records."""

import io
import json
from pathlib import Path

import pytest

import jiaotong
from enforcement import demo
from enforcement.models import Certificate, LegalReview, Officer, PenaltyCase
from jiaotong import demo as jiaotong_demo
from jiaotong.metrics.registry import compute
from jiaotong.validators import validate_id_for_party, validate_plate
from licensing import demo as licensing_demo

CATALOG = Path(jiaotong.__file__).parent / "metrics" / "indicator_catalog.json"


@pytest.fixture
def loaded(db):
    out = io.StringIO()
    jiaotong_demo.load(stdout=out)
    licensing_demo.load(stdout=out)
    demo.load(stdout=out)
    return out.getvalue()


def test_demo_reproduces_the_enforcement_figures(loaded):
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    expected = {
        e["code"]: e["figure_2023"]
        for e in entries
        if e["code"].startswith("enforcement.") and e.get("figure_2023") is not None
    }
    assert set(expected) == {
        "enforcement.cases",
        "enforcement.cases_published_rate",
        "enforcement.licensing_published",
        "enforcement.legal_reviews",
    }
    actual = {code: compute(code, 2023) for code in expected}
    assert {c: float(v) for c, v in actual.items()} == {
        c: float(v) for c, v in expected.items()
    }
    assert compute("enforcement.overdue_cases", 2023) == 0
    assert compute("enforcement.fines_total", 2023) > 0


def test_demo_records_are_plausible_and_a_second_load_changes_nothing(loaded):
    cases = PenaltyCase.objects.filter(year=2023)
    for case in cases[:200]:
        assert validate_id_for_party(case.party_type, case.party_id_number)
        assert validate_plate(case.plate) == case.plate
        assert case.officers.count() == 2
    assert cases.filter(outcome="不予处罚").exists()
    assert cases.filter(outcome="撤销立案").exists()
    assert cases.filter(outcome="", decided_at__isnull=True).exists()
    assert cases.filter(procedure="简易程序").exists()
    overload = cases.filter(matter__name__contains="超限").count()
    assert overload == max(
        cases.filter(matter__name__contains=w).count()
        for w in ("超限", "出租", "驾驶员培训")
    )
    assert LegalReview.objects.filter(result="退回补充调查").exists()
    assert Certificate.objects.filter(status="过期").exists()
    assert Officer.objects.filter(pending_cancellation=True).exists()
    assert "处罚决定 268 起" in loaded

    counts = (PenaltyCase.objects.count(), LegalReview.objects.count())
    demo.load(stdout=io.StringIO())
    assert counts == (PenaltyCase.objects.count(), LegalReview.objects.count())
