"""Whose publicity records a user sees (双公示 list and an officer's 待公示 queue):
the records of the cases the user sees, plus licensing decisions. The list
joins each record's case by key (``PenaltyCaseQuerySet.visibility`` with a
path) instead of ``case IN (the visible cases)``; both must give the same rows."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from enforcement import selectors
from enforcement.models import PenaltyCase, PublicityRecord
from jiaotong import roles
from licensing.models import Application
from tests.factories import make_matter, make_user

from .conftest import make_officer

pytestmark = pytest.mark.django_db


def _by_definition(user) -> set[int]:
    if not user.has_perm("enforcement.view_publicityrecord"):
        return set()
    cases = PenaltyCase.objects.visible_to(user).values("pk")
    records = PublicityRecord.objects.filter(
        Q(case__in=cases) | Q(kind=PublicityRecord.Kind.LICENSING)
    )
    return set(records.values_list("pk", flat=True))


@pytest.fixture
def records(org, officer, reviewer):
    """Generated cases of the 中队 and the 大队 (every one assigned to
    ``officer``), their publicity, pending and published, and one licensing
    decision's record."""
    make_officer(officer)
    make_matter("CF-1", name="对超限运输的行政处罚", power_type="行政处罚")
    make_matter("XK-1", name="道路货物运输经营许可", power_type="行政许可")
    out = io.StringIO()
    call_command(
        "generate_load",
        "--cases",
        "300",
        "--applications",
        "5",
        "--years",
        "2023",
        "--seed",
        "11",
        stdout=out,
    )
    application = Application.objects.first()
    PublicityRecord.objects.create(
        kind=PublicityRecord.Kind.LICENSING,
        application=application,
        decision_no=application.number,
        title="道路货物运输经营许可",
        party_name=application.applicant_name,
        party_type=application.applicant_type,
        party_code=application.applicant_id_number,
        decision_date=dt.date(2023, 5, 4),
        due_on=dt.date(2023, 5, 15),
    )
    assert PublicityRecord.objects.filter(published_on__isnull=True).exists()
    assert PublicityRecord.objects.filter(published_on__isnull=False).exists()
    return PublicityRecord.objects.all()


def test_each_user_sees_the_publicity_of_the_cases_they_see(
    records, org, officer, reviewer, leader, clerk
):
    # A squad officer assigned to none: the squad's cases only.
    squad_colleague = make_user(
        "officer4", roles=[roles.ROLE_OFFICER], unit=org["squad"]
    )
    # A town officer assigned to one brigade case: that case only.
    town_officer = make_user("officer5", roles=[roles.ROLE_OFFICER], unit=org["town"])
    brigade_case = PenaltyCase.objects.filter(unit=org["brigade"]).first()
    brigade_case.officers.add(make_officer(town_officer, n=5))

    seen = {}
    for user in (officer, squad_colleague, town_officer, reviewer, leader, clerk):
        listed = set(selectors.publicity_list(user).values_list("pk", flat=True))
        assert listed == _by_definition(user), user.username
        pending = set(selectors.publicity_pending(user).values_list("pk", flat=True))
        assert pending == {
            pk for pk in listed if records.get(pk=pk).published_on is None
        }, user.username
        seen[user.username] = listed

    everything = set(records.values_list("pk", flat=True))
    licensing = set(
        records.filter(kind=PublicityRecord.Kind.LICENSING).values_list("pk", flat=True)
    )
    assert seen["leader"] == everything
    assert seen["officer"] == everything  # assigned to every generated case
    squad = set(records.filter(case__unit=org["squad"]).values_list("pk", flat=True))
    assert squad and seen["officer4"] == squad | licensing
    town = set(records.filter(case=brigade_case).values_list("pk", flat=True))
    assert seen["officer5"] == town | licensing
    assert seen["clerk"] == set()
