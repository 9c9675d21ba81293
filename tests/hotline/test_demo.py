"""The demo year reproduces the report's hotline figures from records."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest

import jiaotong
from hotline import demo as hotline_demo
from hotline import selectors
from hotline.models import Status, Ticket
from jiaotong import demo as jiaotong_demo
from jiaotong.dates import year_bounds
from jiaotong.metrics.registry import compute
from jiaotong.models import Enterprise

CATALOG = Path(jiaotong.__file__).parent / "metrics" / "indicator_catalog.json"


@pytest.fixture
def demo_year(db):
    out = io.StringIO()
    jiaotong_demo.load(stdout=out)
    hotline_demo.load(stdout=out)
    return out.getvalue()


def test_demo_indicators_equal_the_report(demo_year):
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    hotline = {
        e["code"]: e["figure_2023"] for e in entries if e["code"].startswith("hotline.")
    }
    assert len(hotline) == 5
    for code, figure in hotline.items():
        value = compute(code, 2023)
        if figure is None:
            assert value is not None, code  # the dashboard shows our own figure
        else:
            assert value == pytest.approx(figure), code


def test_demo_year_records_are_plausible(demo_year):
    """Every ticket closed within 2023; complaints point at driving schools and
    taxis (report §一(三)); follow-ups mostly 满意; loading twice adds nothing."""
    low, high = year_bounds(2023)
    tickets = Ticket.objects.filter(received_at__gte=low, received_at__lt=high)
    assert tickets.count() == 108 + 99
    assert not tickets.exclude(status=Status.CLOSED).exists()
    assert not tickets.filter(received_at__lt=low).exists()
    assert not tickets.filter(closed_at__gte=high).exists()

    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    by_area = selectors.complaint_counts_by_area(*year)
    assert {by_area[0]["area"], by_area[1]["area"]} == {"驾驶员培训", "出租汽车"}
    top = selectors.complaint_counts_by_enterprise(*year)[:5]
    industries = set(
        Enterprise.objects.filter(
            pk__in=[row["enterprise_id"] for row in top]
        ).values_list("industry", flat=True)
    )
    assert industries <= {"驾驶员培训", "出租汽车"}

    visited = tickets.exclude(follow_up_result="")
    assert visited.filter(follow_up_result="满意").count() > visited.count() / 2

    total = Ticket.objects.count()
    hotline_demo.load(stdout=io.StringIO())
    assert Ticket.objects.count() == total


def test_demo_has_a_plausible_previous_year_closed_within_it(demo_year):
    low, high = year_bounds(2022)
    previous = Ticket.objects.filter(received_at__gte=low, received_at__lt=high)
    assert 150 < previous.count() < 207
    assert not previous.filter(closed_at__gte=high).exists()
    assert Ticket.objects.count() == 207 + previous.count()
