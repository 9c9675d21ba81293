"""manage.py generate_load: seeded bulk records that behave like real ones."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.models import Ticket
from jiaotong.dates import LOCAL_TZ
from jiaotong.loadgen import GENERATORS
from jiaotong.registry.models import PowerType
from jiaotong.validators import validate_id_for_party
from licensing.models import Application
from tests.factories import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def matters(org, clerk):
    return [
        make_matter(power_type=PowerType.LICENSING, unit=org["window"]),
        make_matter(power_type=PowerType.PUBLIC_SERVICE, unit=org["window"]),
    ]


def _run(*args) -> str:
    out = io.StringIO()
    call_command("generate_load", *args, stdout=out)
    return out.getvalue()


def test_generates_applications_and_tickets_over_the_years(matters):
    output = _run("--applications", "300", "--tickets", "200", "--years", "2019-2021")

    assert Application.objects.count() == 300
    assert Ticket.objects.count() == 200
    years = {a.received_at.astimezone(LOCAL_TZ).year for a in Application.objects.all()}
    assert years == {2019, 2020, 2021}
    assert {t.received_at.astimezone(LOCAL_TZ).year for t in Ticket.objects.all()} <= {
        2019,
        2020,
        2021,
    }
    assert "生成 300 条" in output and "生成 200 条" in output


def test_rows_hold_the_models_rules(matters):
    _run("--applications", "200", "--tickets", "100", "--years", "2022")

    for application in Application.objects.all()[:50]:
        validate_id_for_party(
            application.applicant_type, application.applicant_id_number
        )
        application.full_clean(exclude=["number"])
        if application.completed_at:
            assert application.result
    closed = Ticket.objects.filter(status="closed")
    assert closed.exists()
    assert not closed.filter(closed_at__isnull=True).exists()


def test_same_seed_same_records(matters):
    _run("--applications", "40", "--years", "2020", "--seed", "5")
    first = list(
        Application.objects.order_by("number").values_list(
            "applicant_name", "received_at"
        )
    )
    Application.objects.all().delete()
    _run("--applications", "40", "--years", "2020", "--seed", "5")
    second = list(
        Application.objects.order_by("number").values_list(
            "applicant_name", "received_at"
        )
    )
    assert first == second


def test_running_twice_adds_rows_without_clashing_numbers(matters):
    _run("--applications", "30", "--years", "2020")
    _run("--applications", "30", "--years", "2020")
    assert Application.objects.count() == 60


def test_an_option_without_a_generator_says_so(matters, monkeypatch):
    # --cases until the enforcement app registers its generator.
    monkeypatch.delitem(GENERATORS, "cases", raising=False)
    output = _run("--cases", "10")
    assert "--cases" in output and "未生成记录" in output


def test_bad_years_refused(matters):
    with pytest.raises(CommandError, match="年份"):
        _run("--applications", "1", "--years", "twenty")


def test_needs_matters_and_units(db):
    with pytest.raises(CommandError, match="load_demo"):
        _run("--applications", "1")
