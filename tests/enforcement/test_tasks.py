"""Daily beat tasks: overdue cases flagged once, lapsed certificates expired once."""

import datetime as dt

import pytest
from django.utils import timezone

from enforcement import services, tasks
from enforcement.models import Certificate, PenaltyCase
from jiaotong.models import AuditEvent

from .conftest import make_officer, new_case

pytestmark = pytest.mark.django_db


def test_overdue_cases_are_flagged_once(officer, officer_pair, penalty_matter):
    late = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    services.case_file(case=new_case(officer, penalty_matter, officer_pair), by=officer)
    PenaltyCase.objects.filter(pk=late.pk).update(
        filed_at=timezone.now() - dt.timedelta(days=91)
    )
    assert tasks.flag_overdue_cases_task() == 1
    assert tasks.flag_overdue_cases_task() == 0
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None
    assert AuditEvent.objects.filter(action="case_overdue").count() == 1


def test_extension_keeps_a_case_in_time(officer, leader, officer_pair, penalty_matter):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    PenaltyCase.objects.filter(pk=case.pk).update(
        filed_at=timezone.now() - dt.timedelta(days=100)
    )
    services.case_extend(case=case, by=leader, days=30, reason="案情复杂，需鉴定")
    assert tasks.flag_overdue_cases_task() == 0


def test_lapsed_certificates_expire_once(officer):
    make_officer(officer, n=3, valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert tasks.expire_certificates_task() == 1
    assert tasks.expire_certificates_task() == 0
    assert Certificate.objects.get().status == Certificate.Status.EXPIRED


def test_deactivated_officer_is_flagged_for_cancellation(officer):
    record = make_officer(officer, n=4)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert tasks.expire_certificates_task() == 1
    assert tasks.expire_certificates_task() == 0
    record.refresh_from_db()
    assert record.pending_cancellation


def test_licensing_decisions_marked_for_publicity_get_a_record_once(org, clerk):
    from enforcement.models import PublicityRecord
    from licensing.models import Application
    from tests.factories import make_matter

    from .conftest import PERSON_ID

    published = make_matter("XK-P", power_type="行政许可", publicity_required=True)
    quiet = make_matter("XK-Q", power_type="行政许可", publicity_required=False)
    now = timezone.now()
    for n, matter in enumerate((published, quiet), start=1):
        Application.objects.create(
            number=f"SXJT-T-{n}",
            matter=matter,
            applicant_name="睢县某公司",
            applicant_type="自然人",
            applicant_id_number=PERSON_ID,
            unit=org["window"],
            status="closed",
            received_at=now - dt.timedelta(days=3),
            decided_at=now - dt.timedelta(days=1),
            result="准予",
            completed_at=now - dt.timedelta(days=1),
        )
    assert tasks.collect_licensing_publicity_task() == 1
    assert tasks.collect_licensing_publicity_task() == 0
    record = PublicityRecord.objects.get()
    assert record.kind == "许可" and record.application.matter == published
    assert record.due_on > record.decision_date
