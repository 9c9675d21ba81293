"""Enforcement fixtures: officers with certificates, a penalty matter, and a
helper that walks a case through the general procedure."""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from enforcement import services
from enforcement.models import Certificate, Officer
from jiaotong import roles
from tests.factories import make_matter, make_user, resident_id

PERSON_ID = resident_id("41142219850101123")


def make_officer(user, *, valid_to=None, status=Certificate.Status.VALID, n=None):
    officer, _ = Officer.objects.get_or_create(user=user)
    today = timezone.localdate()
    Certificate.objects.create(
        officer=officer,
        number=f"41142200{n or officer.pk:04d}",
        issuer="河南省人民政府",
        scope="交通运输",
        issued_on=today - dt.timedelta(days=700),
        valid_to=valid_to or today + dt.timedelta(days=400),
        status=status,
    )
    return officer


@pytest.fixture(autouse=True)
def review_catalogue(request):
    """The review catalogue seeded by migration 0002. Transactional tests flush
    the tables when they finish (data-migration rows included), so a later
    transactional test would otherwise find the catalogue empty."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")  # transactional when the marker says so
    from enforcement.models import ReviewRule

    if not ReviewRule.objects.exists():
        seed = import_module("enforcement.migrations.0002_seed_review_rules").seed
        seed(django_apps, None)


@pytest.fixture
def penalty_matter(db):
    return make_matter(
        "411422-CF-001",
        name="对未经许可擅自从事巡游出租汽车经营的行政处罚",
        power_type="行政处罚",
    )


@pytest.fixture
def officer_pair(officer, org):
    colleague = make_user("officer2", roles=[roles.ROLE_OFFICER], unit=org["squad"])
    return [make_officer(officer, n=1), make_officer(colleague, n=2)]


def case_data(matter, officers, **extra):
    data = {
        "procedure": "普通程序",
        "source": "路面巡查",
        "party_type": "自然人",
        "party_name": "张三",
        "party_id_number": PERSON_ID,
        "plate": "豫N12345",
        "matter": matter,
        "facts": "未取得经营许可从事巡游出租汽车经营。",
        "legal_basis": "《巡游出租汽车经营服务管理规定》第四十五条",
        "penalty_types": ["罚款"],
        "fine": Decimal("20000"),
        "officers": officers,
    }
    data.update(extra)
    return data


def new_case(by, matter, officers, **extra):
    return services.case_create(by=by, **case_data(matter, officers, **extra))


def to_notified(case, by, **investigation):
    case = services.case_file(case=case, by=by)
    case = services.case_investigate(case=case, by=by)
    case = services.case_conclude_investigation(
        case=case,
        by=by,
        penalty_types=investigation.get("penalty_types", case.penalty_type_list),
        fine=investigation.get("fine", case.fine),
        legal_basis=case.legal_basis,
        is_complex=investigation.get("is_complex", False),
    )
    return services.case_notify(case=case, by=by)


CHECKS_OK = {
    name: True
    for name in (
        "subject_ok",
        "facts_ok",
        "evidence_ok",
        "basis_ok",
        "procedure_ok",
        "discretion_ok",
    )
}
