"""enforcement.* computed in the database, on the edges of the definitions."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from enforcement.models import LegalReview, PenaltyCase, PublicityRecord
from jiaotong.dates import LOCAL_TZ
from jiaotong.metrics.registry import compute
from licensing.models import Application
from tests.factories import make_matter

from .conftest import PERSON_ID

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LOCAL_TZ)


def row(matter, unit, *, decided=None, filed=None, outcome="处罚", **extra):
    n = next(_n)
    fields = {
        "number": f"睢交罚〔2023〕{n}号",
        "year": 2023,
        "sequence": n,
        "status": "closed" if outcome else "investigating",
        "procedure": "普通程序",
        "source": "路面巡查",
        "party_type": "自然人",
        "party_name": "张三",
        "party_id_number": PERSON_ID,
        "matter": matter,
        "unit": unit,
        "facts": "超限运输",
        "penalty_types": "罚款",
        "fine": Decimal("1000"),
        "outcome": outcome,
        "filed_at": filed or at(2023, 3, 1),
        "decided_at": decided,
    }
    fields.update(extra)
    return PenaltyCase.objects.create(**fields)


@pytest.fixture
def matter(db):
    return make_matter("CF-1", power_type="行政处罚")


def test_cases_count_penalty_decisions_by_local_year(matter, org):
    unit = org["squad"]
    row(matter, unit, decided=at(2023, 12, 31, 23, 30))  # 15:30 UTC: still 2023
    row(matter, unit, decided=at(2024, 1, 1, 0, 10))  # 2024 locally
    row(matter, unit, decided=at(2023, 6, 1), outcome="不予处罚")
    row(matter, unit, decided=None, outcome="撤销立案", cancelled_at=at(2023, 6, 1))
    row(matter, unit, decided=None, outcome="")
    row(matter, unit, decided=at(2023, 6, 1), is_test=True)
    assert compute("enforcement.cases", 2023) == 1
    assert compute("enforcement.cases", 2024) == 1
    assert compute("enforcement.fines_total", 2023) == Decimal("1000")
    assert compute("enforcement.cases", 2023, org["window"]) == 0


def test_published_rate_counts_publication_dates(matter, org):
    published = row(matter, org["squad"], decided=at(2023, 5, 1))
    row(matter, org["squad"], decided=at(2023, 5, 2))
    for case, on in ((published, dt.date(2023, 5, 8)), (None, None)):
        if case:
            PublicityRecord.objects.create(
                kind="处罚",
                case=case,
                decision_no=case.number,
                title="x",
                party_name=case.party_name,
                party_type="自然人",
                party_code=case.party_id_number,
                decision_date=dt.date(2023, 5, 1),
                due_on=dt.date(2023, 5, 11),
                published_on=on,
            )
    assert compute("enforcement.cases_published_rate", 2023) == Decimal("50.0")
    assert compute("enforcement.cases_published_rate", 2022) is None


def test_legal_reviews_count_distinct_cases_concluded_in_the_year(matter, org):
    case = row(matter, org["squad"], decided=at(2024, 1, 5))
    other = row(matter, org["squad"], decided=None, outcome="")
    checks = dict.fromkeys(LegalReview.CHECKLIST, True)
    for c, concluded, result in (
        (case, at(2023, 11, 1), "退回补充调查"),
        (case, at(2023, 12, 31, 23, 59), "同意"),
        (other, at(2024, 1, 1, 0, 1), "同意"),
    ):
        LegalReview.objects.create(
            case=c,
            submitted_at=concluded - dt.timedelta(days=1),
            result=result,
            opinion="意见",
            concluded_at=concluded,
            **checks,
        )
    assert compute("enforcement.legal_reviews", 2023) == 1
    assert compute("enforcement.legal_reviews", 2024) == 1


def test_overdue_cases_allow_for_approved_extensions(matter, org):
    unit = org["squad"]
    row(matter, unit, filed=at(2023, 1, 2, 9), decided=at(2023, 4, 2, 23))  # 90 days
    row(matter, unit, filed=at(2023, 1, 2, 9), decided=at(2023, 4, 3, 8))  # 91 days
    row(
        matter,
        unit,
        filed=at(2023, 1, 2),
        decided=at(2023, 5, 1),
        extension_days=30,
    )  # 119 ≤ 120
    row(
        matter,
        unit,
        filed=at(2023, 1, 2),
        decided=at(2023, 6, 1),
        procedure="简易程序",
    )
    assert compute("enforcement.overdue_cases", 2023) == 1


def test_licensing_published_counts_publication_dates_in_the_year(org, clerk):
    matter = make_matter("XK-1", power_type="行政许可", publicity_required=True)
    for n, published in enumerate(
        (dt.date(2023, 12, 31), dt.date(2024, 1, 2), None), start=1
    ):
        application = Application.objects.create(
            number=f"SXJT-2023-{n:06d}",
            matter=matter,
            applicant_name="某公司",
            applicant_type="自然人",
            applicant_id_number=PERSON_ID,
            unit=org["window"],
            status="closed",
            received_at=at(2023, 12, 20),
            decided_at=at(2023, 12, 25),
            result="准予",
            completed_at=at(2023, 12, 25),
        )
        PublicityRecord.objects.create(
            kind="许可",
            application=application,
            decision_no=application.number,
            title=matter.name,
            party_name="某公司",
            party_type="自然人",
            party_code=PERSON_ID,
            decision_date=dt.date(2023, 12, 25),
            due_on=dt.date(2024, 1, 4),
            published_on=published,
        )
    assert compute("enforcement.licensing_published", 2023) == 1
    assert compute("enforcement.licensing_published", 2024) == 1
