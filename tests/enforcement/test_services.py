"""The case workflow's services: every hard guard refuses, and the happy path
leaves the records a case file needs (DOMAIN.md §4.3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enforcement import services
from enforcement.models import Certificate, LegalReview, PenaltyCase, PublicityRecord
from enforcement.workflow import CASE_WORKFLOW
from jiaotong.calendar.workdays import add_working_days
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from tests.factories import credit_code, make_enterprise

from .conftest import CHECKS_OK, make_officer, new_case, to_notified

pytestmark = pytest.mark.django_db
S = PenaltyCase.Status


def test_filing_numbers_the_case_per_year(officer, officer_pair, penalty_matter):
    first = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    second = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    year = timezone.localdate().year
    assert first.number == f"睢交罚〔{year}〕1号"
    assert second.number == f"睢交罚〔{year}〕2号"
    assert first.status == S.FILED and first.filed_at is not None
    assert AuditEvent.objects.filter(action="case_file").count() == 2


def test_general_procedure_with_one_officer_is_refused(
    officer, officer_pair, penalty_matter
):
    case = new_case(officer, penalty_matter, officer_pair[:1])
    with pytest.raises(WorkflowError, match="至少2名持有效执法证"):
        services.case_file(case=case, by=officer)
    case.refresh_from_db()
    assert case.status == S.DRAFT and case.number is None


def test_officer_with_expired_certificate_cannot_be_put_on_a_case(
    officer, officer_pair, penalty_matter, org
):
    from jiaotong import roles
    from tests.factories import make_user

    lapsed_user = make_user("lapsed", roles=[roles.ROLE_OFFICER], unit=org["squad"])
    lapsed = make_officer(
        lapsed_user, n=9, valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        new_case(officer, penalty_matter, [officer_pair[0], lapsed])
    assert "没有有效的执法证" in str(exc.value)


def test_certificate_lapsing_after_registration_blocks_filing(
    officer, officer_pair, penalty_matter
):
    case = new_case(officer, penalty_matter, officer_pair)
    Certificate.objects.filter(officer=officer_pair[1]).update(
        status=Certificate.Status.SUSPENDED
    )
    with pytest.raises(WorkflowError, match="没有有效的执法证"):
        services.case_file(case=case, by=officer)


@pytest.mark.parametrize(
    ("party_type", "fine", "penalties", "reason"),
    [
        ("自然人", "201", ["罚款"], "不得超过200元"),
        ("法人", "3001", ["罚款"], "不得超过3000元"),
        ("自然人", "0", ["警告", "暂扣许可证件"], "只能给予警告或罚款"),
    ],
)
def test_simplified_procedure_refused_beyond_its_limits(
    officer, officer_pair, penalty_matter, party_type, fine, penalties, reason
):
    party = (
        {"party_id_number": credit_code("91411422MA0000001")}
        if party_type == "法人"
        else {}
    )
    case = new_case(
        officer,
        penalty_matter,
        officer_pair,
        procedure="简易程序",
        party_type=party_type,
        fine=Decimal(fine),
        penalty_types=penalties,
        **party,
    )
    with pytest.raises(WorkflowError, match=reason):
        services.case_file(case=case, by=officer)


def test_simplified_procedure_within_limits_decides_on_the_spot(
    officer, officer_pair, penalty_matter
):
    case = new_case(
        officer,
        penalty_matter,
        officer_pair[:1],
        procedure="简易程序",
        fine=Decimal("200"),
    )
    case = services.case_file(case=case, by=officer)
    case = services.case_decide(case=case, by=officer, decision_reason="当场处罚")
    assert case.status == S.DECIDED and case.outcome == "处罚"
    assert case.publicity.due_on == add_working_days(timezone.localdate(), 7)


def test_no_decision_without_prior_notice(officer, officer_pair, penalty_matter):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair, fine=Decimal("500")),
        by=officer,
    )
    refusal = CASE_WORKFLOW.refusal(case, "decide", officer)
    assert "未经事先告知" in refusal
    with pytest.raises(WorkflowError, match="未经事先告知"):
        services.case_decide(case=case, by=officer)


def test_no_decision_while_a_requested_hearing_is_pending(
    officer, officer_pair, penalty_matter
):
    case = to_notified(new_case(officer, penalty_matter, officer_pair), officer)
    case = services.case_request_hearing(case=case, by=officer)
    with pytest.raises(WorkflowError, match="听证举行或放弃前"):
        services.case_decide(case=case, by=officer)
    with pytest.raises(WorkflowError, match="听证尚未举行"):
        services.case_submit_review(case=case, by=officer)
    services.case_record_hearing(case=case, by=officer, held=False)
    assert "听证举行或放弃前" not in (
        CASE_WORKFLOW.refusal(PenaltyCase.objects.get(pk=case.pk), "decide", officer)
        or ""
    )


def test_hearing_needs_seven_working_days_notice(officer, officer_pair, penalty_matter):
    case = to_notified(new_case(officer, penalty_matter, officer_pair), officer)
    case = services.case_request_hearing(case=case, by=officer)
    today = timezone.localdate()
    with pytest.raises(WorkflowError, match="7个工作日前通知"):
        services.case_record_hearing(
            case=case,
            by=officer,
            held=True,
            chair="法制股 王某",
            notice_sent_on=today,
            scheduled_for=timezone.now() + dt.timedelta(days=2),
        )


def test_small_fine_gives_no_hearing_right(officer, officer_pair, penalty_matter):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")), officer
    )
    with pytest.raises(WorkflowError, match="未达到听证标准"):
        services.case_request_hearing(case=case, by=officer)


def test_no_decision_without_required_legal_review(
    officer, reviewer, officer_pair, penalty_matter
):
    # 20,000 yuan for a person is above the catalogue's 3,000-yuan threshold.
    case = to_notified(new_case(officer, penalty_matter, officer_pair), officer)
    with pytest.raises(WorkflowError, match="未经法制审核"):
        services.case_decide(case=case, by=officer)

    case = services.case_submit_review(case=case, by=officer)
    case = services.case_review_return(
        case=case, by=reviewer, opinion="证据不足，补充询问笔录。", **CHECKS_OK
    )
    assert case.status == S.INVESTIGATING
    assert LegalReview.objects.get(case=case).result == "退回补充调查"

    case = services.case_conclude_investigation(
        case=case,
        by=officer,
        penalty_types=["罚款"],
        fine=Decimal("20000"),
        legal_basis=case.legal_basis,
    )
    case = services.case_notify(case=case, by=officer)
    case = services.case_submit_review(case=case, by=officer)
    with pytest.raises(WorkflowError, match="审核要点未全部通过"):
        services.case_review_agree(
            case=case, by=reviewer, opinion="同意", **{**CHECKS_OK, "facts_ok": False}
        )
    case = services.case_review_agree(
        case=case, by=reviewer, opinion="事实清楚，证据确凿，同意。", **CHECKS_OK
    )
    case = services.case_decide(case=case, by=officer, decision_reason="依法处罚")
    assert case.status == S.DECIDED
    assert case.reviews.count() == 2


def test_small_case_outside_the_catalogue_needs_no_review(
    officer, officer_pair, penalty_matter
):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")), officer
    )
    case = services.case_decide(case=case, by=officer)
    assert case.status == S.DECIDED


def test_complex_case_needs_collective_discussion(
    officer, leader, officer_pair, penalty_matter
):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")),
        officer,
        is_complex=True,
        fine=Decimal("1000"),
    )
    # complex cases are in the review catalogue too
    assert "集体讨论" in "".join(
        services.rules.decision_problems(PenaltyCase.objects.get(pk=case.pk))
    )


def test_reviewer_cannot_decide(reviewer, officer, officer_pair, penalty_matter):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")), officer
    )
    with pytest.raises(WorkflowError, match="没有「作出处罚决定」的权限"):
        services.case_decide(case=case, by=reviewer)


def test_full_general_procedure_to_closure_with_publicity(
    officer, officer_pair, penalty_matter
):
    case = to_notified(
        new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")), officer
    )
    case = services.case_decide(case=case, by=officer)
    record = PublicityRecord.objects.get(case=case)
    assert record.kind == "处罚" and record.published_on is None
    services.publicity_publish(record=record, by=officer)
    case = services.case_serve(case=case, by=officer, service_method="直接送达")
    with pytest.raises(WorkflowError, match="实缴金额不足"):
        services.case_execute(case=case, by=officer, paid_amount=Decimal("10"))
    case = services.case_execute(case=case, by=officer, paid_amount=Decimal("1000"))
    case = services.case_close(case=case, by=officer)
    assert case.status == S.CLOSED
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(case.pk), object_type="enforcement.penaltycase"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "case_create",
        "case_file",
        "case_investigate",
        "case_conclude_investigation",
        "case_notify",
        "case_decide",
        "case_serve",
        "case_execute",
        "case_close",
    ]


def test_surcharge_is_three_percent_a_day_capped_at_the_fine():
    case = PenaltyCase(
        fine=Decimal("1000"),
        served_at=timezone.make_aware(dt.datetime(2023, 3, 1, 10)),
    )
    assert services.surcharge(case, dt.date(2023, 3, 16)) == 0
    assert services.surcharge(case, dt.date(2023, 3, 18)) == Decimal("60.00")
    assert services.surcharge(case, dt.date(2023, 12, 31)) == Decimal("1000.00")


def test_cancel_needs_a_reason(officer, officer_pair, penalty_matter):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    with pytest.raises(WorkflowError, match="撤销立案理由"):
        services.case_cancel(case=case, by=officer, reason=" ")
    case = services.case_cancel(case=case, by=officer, reason="违法事实不成立")
    assert case.status == S.CANCELLED and case.outcome == "撤销立案"


def test_legal_person_party_is_linked_to_the_enterprise(
    officer, officer_pair, penalty_matter
):
    firm = make_enterprise("睢县城通出租汽车有限公司")
    case = new_case(
        officer,
        penalty_matter,
        officer_pair,
        party_type="法人",
        party_name=firm.name,
        party_id_number=firm.credit_code,
    )
    assert case.enterprise == firm


def test_bad_identifiers_are_refused(officer, officer_pair, penalty_matter):
    with pytest.raises(ValidationError) as exc:
        new_case(
            officer,
            penalty_matter,
            officer_pair,
            party_id_number="411422198501011230",
            plate="豫NI2345",
        )
    assert {"party_id_number", "plate"} <= set(exc.value.error_dict)


def test_extension_moves_the_decision_limit(
    officer, leader, officer_pair, penalty_matter
):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    due = case.decision_due()
    with pytest.raises(WorkflowError, match="权限"):
        services.case_extend(case=case, by=officer, days=30, reason="案情复杂")
    case = services.case_extend(case=case, by=leader, days=30, reason="案情复杂")
    assert case.decision_due() == due + dt.timedelta(days=30)


def test_fine_outside_the_benchmark_needs_a_reason_and_forces_review(
    officer, officer_pair, penalty_matter
):
    from jiaotong.models import DiscretionItem

    item = DiscretionItem.objects.create(
        code="CLJZ-T-1",
        matter=penalty_matter,
        violation="情节一般",
        fine_min=Decimal("500"),
        fine_max=Decimal("1500"),
    )
    case = services.case_investigate(
        case=services.case_file(
            case=new_case(officer, penalty_matter, officer_pair, fine=Decimal("1000")),
            by=officer,
        ),
        by=officer,
    )
    with pytest.raises(WorkflowError, match="高于裁量基准上限1500元"):
        services.case_conclude_investigation(
            case=case,
            by=officer,
            penalty_types=["罚款"],
            fine=Decimal("2000"),
            legal_basis="依据",
            discretion_item=item,
        )
    case = services.case_conclude_investigation(
        case=case,
        by=officer,
        penalty_types=["罚款"],
        fine=Decimal("2000"),
        legal_basis="依据",
        discretion_item=item,
        discretion_departure_reason="多次违法，拒不改正",
    )
    assert any("偏离裁量基准" in r for r in services.rules.review_reasons(case))
    case = services.case_notify(case=case, by=officer)
    with pytest.raises(WorkflowError, match="未经法制审核"):
        services.case_decide(case=case, by=officer)


def test_benchmark_of_another_violation_is_refused(
    officer, officer_pair, penalty_matter
):
    from jiaotong.models import DiscretionItem
    from tests.factories import make_matter

    other = make_matter("CF-OTHER", power_type="行政处罚")
    item = DiscretionItem.objects.create(code="X-1", matter=other, violation="x")
    with pytest.raises(ValidationError) as exc:
        new_case(officer, penalty_matter, officer_pair, discretion_item=item)
    assert "discretion_item" in exc.value.error_dict


def test_investigation_steps_need_two_valid_officers_on_the_day(
    officer, officer_pair, penalty_matter
):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    Certificate.objects.filter(officer=officer_pair[1]).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1),
        issued_on=timezone.localdate() - dt.timedelta(days=30),
    )
    with pytest.raises(WorkflowError, match="没有有效的执法证"):
        services.case_investigate(case=case, by=officer)


def test_simplified_case_closes_only_after_its_copy_is_filed(
    officer, officer_pair, penalty_matter
):
    case = new_case(
        officer,
        penalty_matter,
        officer_pair[:1],
        procedure="简易程序",
        fine=Decimal("100"),
    )
    case = services.case_decide(
        case=services.case_file(case=case, by=officer), by=officer
    )
    case = services.case_serve(case=case, by=officer, service_method="直接送达")
    case = services.case_execute(case=case, by=officer, paid_amount=Decimal("100"))
    with pytest.raises(WorkflowError, match="备案"):
        services.case_close(case=case, by=officer)
    case = services.case_file_copy(case=case, by=officer)
    assert AuditEvent.objects.get(action="case_copy_filed").reason == "按期备案"
    with pytest.raises(WorkflowError, match="已于"):
        services.case_file_copy(case=case, by=officer)
    assert services.case_close(case=case, by=officer).status == S.CLOSED
