"""The demo year reproduces the report's window figures (read from the catalog)."""

import io
import json
from pathlib import Path

import pytest

import jiaotong
from jiaotong import demo as jiaotong_demo
from jiaotong.metrics.registry import compute
from jiaotong.models import Matter, MatterChange
from jiaotong.validators import validate_id_for_party
from licensing import demo
from licensing.models import Application, Rectification

CATALOG = Path(jiaotong.__file__).parent / "metrics" / "indicator_catalog.json"


def figures_2023(prefix: str) -> dict:
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    return {
        e["code"]: e["figure_2023"]
        for e in entries
        if e["code"].startswith(prefix) and e.get("figure_2023") is not None
    }


@pytest.fixture
def demo_loaded(db):
    out = io.StringIO()
    jiaotong_demo.load(stdout=out)
    demo.load(stdout=out)
    return {"output": out.getvalue()}


def test_demo_reproduces_the_window_and_power_figures(demo_loaded):
    expected = figures_2023("window.") | figures_2023("powers.")
    assert {"window.completed", "window.coverage", "powers.delegated"} <= set(expected)
    actual = {code: compute(code, 2023) for code in expected}
    assert {c: str(v) for c, v in actual.items()} == {
        c: str(v) for c, v in expected.items()
    }


def test_demo_records_are_plausible_and_a_second_load_changes_nothing(demo_loaded):
    year = Application.objects.filter(received_at__year=2023)
    sample = list(year.values_list("applicant_type", "applicant_id_number")[:300])
    for kind, number in sample:
        assert validate_id_for_party(kind, number) == number
    months = {d.month for d in year.values_list("received_at", flat=True)}
    assert months == set(range(1, 13))
    assert year.filter(status="withdrawn").exists()
    assert year.filter(status="not_accepted").exists()
    bad = year.filter(evaluation__in=["不满意", "非常不满意"]).count()
    assert Rectification.objects.count() == bad > 0
    assert Application.objects.filter(status__in=["received", "accepted"]).exists()
    assert "窗口办件" in demo_loaded["output"]

    counts = (
        Application.objects.count(),
        Matter.objects.count(),
        MatterChange.objects.count(),
    )
    demo.load(stdout=io.StringIO())
    assert counts == (
        Application.objects.count(),
        Matter.objects.count(),
        MatterChange.objects.count(),
    )


def test_demo_has_a_plausible_previous_year_within_it(demo_loaded):
    from jiaotong.dates import year_bounds

    low, high = year_bounds(2022)
    previous = Application.objects.filter(received_at__gte=low, received_at__lt=high)
    assert previous.count() == compute("window.completed", 2022) == 618 + 1532
    assert not previous.filter(completed_at__gte=high).exists()
    assert not previous.filter(evaluation__in=["不满意", "非常不满意"]).exists()
    assert compute("window.completion_rate", 2022) == 100


def test_demo_has_one_credit_code_per_enterprise(demo_loaded):
    from django.db.models import Count

    from jiaotong.models import Enterprise

    organisations = Application.objects.filter(applicant_type="法人")
    names_with_two_codes = (
        organisations.values("applicant_name")
        .annotate(codes=Count("applicant_id_number", distinct=True))
        .filter(codes__gt=1)
    )
    assert list(names_with_two_codes) == []
    registered = dict(Enterprise.objects.values_list("name", "credit_code"))
    for name, code in organisations.values_list(
        "applicant_name", "applicant_id_number"
    ).distinct():
        assert registered.get(name, code) == code, name


def test_demo_current_records_fall_in_office_hours(demo_loaded):
    from django.utils import timezone

    current = Application.objects.filter(
        received_at__year__gte=timezone.localdate().year - 1
    )
    assert current.exists()
    for received, accepted in current.values_list("received_at", "accepted_at"):
        for moment in filter(None, (received, accepted)):
            local = timezone.localtime(moment)
            assert "08:30" <= f"{local:%H:%M}" <= "17:45", local
            assert moment <= timezone.now()


def test_demo_freight_search_finds_the_freight_licence(demo_loaded):
    from licensing.selectors import matter_search

    for query in ("货运", "货物"):
        assert matter_search(query)[0].name == "道路普通货物运输经营许可（新办）"
    taxi = matter_search("czc")
    assert taxi and all("出租汽车" in matter.name for matter in taxi)
