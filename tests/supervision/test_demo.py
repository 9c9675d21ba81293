"""The demo year reproduces the report's supervision figures (read from the
catalog) through the indicator registry, and every demo draw verifies."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

import jiaotong
from enforcement import demo as enforcement_demo
from hotline import demo as hotline_demo
from jiaotong import demo as jiaotong_demo
from jiaotong.metrics.registry import compute
from licensing import demo as licensing_demo
from supervision import demo
from supervision.models import Draw, DrawnEnterprise, InspectionRecord
from supervision.services import draw_verify

CATALOG = Path(jiaotong.__file__).parent / "metrics" / "indicator_catalog.json"


@pytest.fixture
def loaded(db):
    out = io.StringIO()
    for module in (jiaotong_demo, licensing_demo, hotline_demo, enforcement_demo, demo):
        module.load(stdout=out)
    return out.getvalue()


def test_demo_reproduces_the_supervision_figures(loaded):
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    expected = {
        e["code"]: e["figure_2023"]
        for e in entries
        if e["code"].split(".")[0] in ("inspections", "supervision")
        and e.get("figure_2023") is not None
    }
    assert expected == {
        "inspections.tasks": 10,
        "inspections.enterprises": 28,
        "supervision.records": 64,
    }
    for code, figure in expected.items():
        assert compute(code, 2023) == figure, code


def test_demo_has_every_kind_and_a_directed_driving_school(loaded):
    kinds = set(InspectionRecord.objects.values_list("kind", flat=True))
    assert kinds == {"random", "directed", "routine", "special"}
    directed = DrawnEnterprise.objects.get(mode=DrawnEnterprise.Mode.DIRECTED)
    assert directed.enterprise.industry == "驾驶员培训"
    assert "投诉" in directed.reason
    assert 0 < compute("inspections.problem_rate", 2023) < 100
    assert 0 < compute("inspections.published_on_time", 2023) < 100


def test_every_demo_draw_verifies(loaded):
    assert Draw.objects.count() == 10
    for draw in Draw.objects.all():
        assert draw_verify(draw)[0], draw
    call_command("verify_draw", "--all", stdout=io.StringIO())


def test_demo_is_idempotent(loaded):
    demo.load(stdout=io.StringIO())
    assert compute("supervision.records", 2023) == 64
