"""The demo year: load_demo reproduces the report's organisation and penalty
figures, and every role has a user who can sign in."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from jiaotong.metrics.registry import compute

from jiaotong import demo, roles
from jiaotong.models import DiscretionItem, Enterprise, Matter, OrgUnit, User
from jiaotong.validators import validate_credit_code

DEMO_YEAR = 2023
CATALOG = Path(settings.BASE_DIR) / "jiaotong" / "metrics" / "indicator_catalog.json"


def _figure(code: str):
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    return next(entry["figure_2023"] for entry in entries if entry["code"] == code)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """load_demo once for the module (it runs every app's demo module), inside a
    transaction rolled back after the module's tests, like setUpTestData."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.mark.parametrize(
    "code",
    [
        "org.enforcement_staff",
        "org.towns",
        "powers.penalty",
        "powers.benchmarked_penalties",
    ],
)
@pytest.mark.django_db
def test_demo_reproduces_the_reports_figure(loaded, code):
    assert compute(code, DEMO_YEAR) == _figure(code)


@pytest.mark.django_db
def test_every_role_has_a_demo_user(loaded):
    for role in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=role, is_active=True).exists(), role


@pytest.mark.django_db
def test_no_demo_user_holds_two_administrator_roles(loaded):
    for username, *_ in demo.USERS:
        held = User.objects.get(username=username).groups.values_list("name", flat=True)
        roles.check_admin_separation(held)


@pytest.mark.django_db
def test_the_documented_password_signs_in_and_meets_the_rules(loaded):
    user = User.objects.get(username="window1")
    # The rules as for a new account (the history rule would refuse it for
    # window1 only because it already is window1's password).
    validate_password(demo.DEMO_PASSWORD, User(username="window1"))
    assert user.check_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_load_demo_prints_the_accounts_at_the_end(loaded):
    tail = loaded.split("演示数据已加载。")[-1]
    assert demo.DEMO_PASSWORD in tail
    for username, *_ in demo.USERS:
        assert username in tail


@pytest.mark.django_db
def test_enterprises_have_valid_credit_codes_across_industries(loaded):
    enterprises = Enterprise.objects.all()
    assert enterprises.count() >= 24
    for enterprise in enterprises:
        assert validate_credit_code(enterprise.credit_code) == enterprise.credit_code
    assert enterprises.values("industry").distinct().count() >= 6
    assert enterprises.values("credit_grade").distinct().count() == 4


@pytest.mark.django_db
def test_towns_are_twenty_distinct_places(loaded):
    names = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWN).values_list(
        "name", flat=True
    )
    assert len(set(names)) == len(names) == _figure("org.towns")


@pytest.mark.django_db
def test_loading_the_jiaotong_part_again_changes_nothing(loaded):
    before = (
        OrgUnit.objects.count(),
        User.objects.count(),
        Enterprise.objects.count(),
        Matter.objects.count(),
        DiscretionItem.objects.count(),
    )
    demo.load(stdout=io.StringIO())
    after = (
        OrgUnit.objects.count(),
        User.objects.count(),
        Enterprise.objects.count(),
        Matter.objects.count(),
        DiscretionItem.objects.count(),
    )
    assert after == before
    assert compute("powers.benchmarked_penalties", DEMO_YEAR) == _figure(
        "powers.benchmarked_penalties"
    )
