"""Two people deciding one case at once: exactly one wins, the other is told
why; twenty cases filed at once get twenty consecutive numbers. Needs real row
locks, so PostgreSQL only."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from enforcement import services
from enforcement.models import PenaltyCase, PublicityRecord
from jiaotong import roles
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from tests.factories import make_user

from .conftest import new_case, to_notified

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
]


def _run_at_once(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            outcomes.append(work())
        except WorkflowError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_users_deciding_at_once_exactly_one_wins(
    officer, leader, officer_pair, penalty_matter
):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")), officer
    )
    outcomes = _run_at_once(
        [
            lambda user=user: services.case_decide(
                case=PenaltyCase(pk=case.pk), by=user
            )
            for user in (officer, leader)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert "已作出处罚决定" in refused[0].message
    assert AuditEvent.objects.filter(action="case_decide").count() == 1
    assert PublicityRecord.objects.filter(case_id=case.pk).count() == 1


def test_twenty_cases_filed_at_once_get_consecutive_numbers(
    officer, officer_pair, penalty_matter, org
):
    filers = [officer] + [
        make_user(f"filer{i}", roles=[roles.ROLE_OFFICER], unit=org["squad"])
        for i in range(19)
    ]
    cases = [new_case(officer, penalty_matter, officer_pair) for _ in filers]
    outcomes = _run_at_once(
        [
            lambda c=c, u=u: services.case_file(case=PenaltyCase(pk=c.pk), by=u)
            for c, u in zip(cases, filers, strict=True)
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    year = timezone.localdate().year
    sequences = sorted(
        PenaltyCase.objects.filter(year=year).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 21))
    assert set(PenaltyCase.objects.values_list("number", flat=True)) == {
        f"睢交罚〔{year}〕{n}号" for n in range(1, 21)
    }
