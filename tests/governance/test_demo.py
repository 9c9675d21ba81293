"""The demo year reproduces every governance figure of the 2023 report, read
through the indicator registry."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from governance import demo as governance_demo
from governance.models import Suggestion, TrainingAttendance
from jiaotong import demo as jiaotong_demo
from jiaotong.metrics.registry import compute, registered

CATALOG = Path(settings.BASE_DIR) / "jiaotong" / "metrics" / "indicator_catalog.json"
PREFIXES = (
    "oversight.",
    "documents.",
    "mediation.",
    "education.",
    "campaign.",
    "training.",
)


def _figures() -> dict:
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    return {
        e["code"]: e["figure_2023"] for e in entries if e["code"].startswith(PREFIXES)
    }


@pytest.fixture
def demo_year(db):
    out = io.StringIO()
    jiaotong_demo.load(stdout=out)
    governance_demo.load(stdout=out)
    return out.getvalue()


def test_every_governance_code_is_registered():
    codes = {ind.code for ind in registered()}
    assert set(_figures()) <= codes
    assert len(_figures()) == 18


def test_demo_reproduces_every_governance_figure(demo_year):
    figures = _figures()
    values = {code: compute(code, 2023) for code in figures}
    assert values == figures


def test_records_outside_2023_count_in_their_own_year(demo_year):
    assert compute("oversight.cppcc_proposals", 2024) == 1
    assert compute("oversight.npc_suggestions", 2022) == 1
    assert compute("documents.reviewed", 2024) == 1
    assert compute("documents.reviewed", 2022) == 1
    assert compute("mediation.disputes", 2024) == 1
    assert compute("mediation.petitions", 2024) == 1
    assert compute("education.banners", 2024) == 2
    assert compute("training.sessions", 2024) == 1


def test_attendance_is_taken_from_staff_accounts_and_names(demo_year):
    rows = TrainingAttendance.objects.filter(session__held_at__year=2023)
    assert rows.filter(user__isnull=False).count() == 6 * 33
    assert rows.filter(user__isnull=True, session__for_enforcement=True).count() == 9


def test_loading_twice_adds_nothing(demo_year):
    before = Suggestion.objects.count()
    governance_demo.load(stdout=io.StringIO())
    assert Suggestion.objects.count() == before
