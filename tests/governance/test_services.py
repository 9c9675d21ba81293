"""The registers' rules: reply deadlines, re-handling, the publication guard,
problem rectification, mediation and attendance."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from governance import services
from governance.models import (
    DraftingStepKind,
    Feedback,
    Mediation,
    NormativeDocument,
    ReviewResult,
    Suggestion,
)
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from tests.factories import make_user

from .conftest import at, make_suggestion, replied_suggestion

pytestmark = pytest.mark.django_db

# --- Suggestions -----------------------------------------------------------------------


def test_reply_is_due_three_months_after_assignment(legal):
    suggestion = make_suggestion(legal, assigned_on=dt.date(2023, 3, 10))
    assert suggestion.due_date == dt.date(2023, 6, 10)
    event = AuditEvent.objects.for_object(suggestion).get()
    assert event.action == "suggestion_create"


def test_difficult_item_is_due_after_six_months(legal):
    suggestion = make_suggestion(
        legal, assigned_on=dt.date(2023, 8, 31), difficult=True
    )
    assert suggestion.due_date == dt.date(2024, 2, 29)  # no 31 Feb: month's end


def test_marking_difficult_later_moves_the_deadline(legal):
    suggestion = make_suggestion(legal, assigned_on=dt.date(2023, 3, 10))
    services.suggestion_update(suggestion=suggestion, by=legal, difficult=True)
    suggestion.refresh_from_db()
    assert suggestion.due_date == dt.date(2023, 9, 10)


def test_unanswered_item_past_its_due_date_is_overdue(legal):
    suggestion = make_suggestion(legal, assigned_on=dt.date(2023, 3, 10))
    assert suggestion.is_overdue
    replied = replied_suggestion(legal)
    assert not replied.is_overdue


def test_number_is_unique_per_kind(legal):
    make_suggestion(legal, number="RD-1")
    with pytest.raises(ValidationError):
        make_suggestion(legal, number="RD-1")
    make_suggestion(legal, number="RD-1", kind="cppcc")


def test_cannot_reply_before_handling_starts(legal):
    suggestion = make_suggestion(legal)
    with pytest.raises(WorkflowError, match="不能执行「答复」"):
        services.suggestion_reply(
            suggestion=suggestion,
            by=legal,
            reply_doc_no="1",
            reply_summary="",
            outcome="A",
        )


def test_satisfied_feedback_then_close(legal):
    suggestion = replied_suggestion(legal)
    services.suggestion_record_feedback(
        suggestion=suggestion,
        by=legal,
        feedback=Feedback.SATISFIED,
        feedback_on=dt.date(2023, 5, 20),
    )
    closed = services.suggestion_close(suggestion=suggestion, by=legal)
    assert closed.status == Suggestion.Status.CLOSED
    actions = list(
        AuditEvent.objects.for_object(suggestion)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "suggestion_create",
        "suggestion_start",
        "suggestion_reply",
        "suggestion_feedback",
        "suggestion_close",
    ]


def test_unsatisfied_item_is_rehandled_within_one_month(legal):
    suggestion = replied_suggestion(legal)
    services.suggestion_record_feedback(
        suggestion=suggestion,
        by=legal,
        feedback=Feedback.DISSATISFIED,
        feedback_on=dt.date(2023, 5, 31),
    )
    with pytest.raises(WorkflowError, match="重新办理"):
        services.suggestion_close(suggestion=suggestion, by=legal)
    rehandled = services.suggestion_rehandle(suggestion=suggestion, by=legal)
    assert rehandled.status == Suggestion.Status.REHANDLING
    assert rehandled.rehandle_due == dt.date(2023, 6, 30)
    assert rehandled.current_due == dt.date(2023, 6, 30)

    again = services.suggestion_reply(
        suggestion=rehandled,
        by=legal,
        reply_doc_no="睢交建〔2023〕1-1号",
        reply_summary="补充措施。",
        outcome="B",
        replied_at=at(2023, 6, 20),
    )
    # The first reply stays the one the year's figure goes by.
    assert again.replied_at == at(2023, 5, 10)
    assert again.rereplied_at == at(2023, 6, 20)
    assert again.feedback == ""
    services.suggestion_record_feedback(
        suggestion=again,
        by=legal,
        feedback=Feedback.DISSATISFIED,
        feedback_on=dt.date(2023, 6, 25),
    )
    with pytest.raises(WorkflowError, match="不能再次重新办理"):
        services.suggestion_rehandle(suggestion=again, by=legal)
    assert services.suggestion_close(suggestion=again, by=legal).closed_at


def test_satisfied_item_cannot_be_rehandled(legal):
    suggestion = replied_suggestion(legal)
    services.suggestion_record_feedback(
        suggestion=suggestion,
        by=legal,
        feedback=Feedback.BASIC,
        feedback_on=dt.date(2023, 5, 20),
    )
    with pytest.raises(WorkflowError, match="不满意"):
        services.suggestion_rehandle(suggestion=suggestion, by=legal)


def test_feedback_cannot_predate_the_reply(legal):
    suggestion = replied_suggestion(legal, replied_at=at(2023, 5, 10))
    with pytest.raises(ValidationError):
        services.suggestion_record_feedback(
            suggestion=suggestion,
            by=legal,
            feedback=Feedback.SATISFIED,
            feedback_on=dt.date(2023, 5, 9),
        )


def test_user_without_the_role_cannot_move_a_suggestion(legal, clerk):
    suggestion = make_suggestion(legal)
    with pytest.raises(WorkflowError, match="没有"):
        services.suggestion_start(suggestion=suggestion, by=clerk)


def test_cannot_record_for_another_units_subtree(legal, org):
    with pytest.raises(ValidationError):
        make_suggestion(legal, unit=org["window"])


# --- Normative documents --------------------------------------------------------------


def _draft(legal, **extra):
    return services.document_create(
        by=legal, unit=legal.unit, title="睢县道路运输信用管理办法", **extra
    )


def _steps(document, legal, kinds):
    for kind in kinds:
        services.drafting_step_record(
            document=document,
            by=legal,
            kind=kind,
            done_on=dt.date(2023, 9, 1),
            conclusion="已完成。",
        )


def _publish(document, legal):
    return services.document_publish(
        document=document,
        by=legal,
        doc_no="睢交〔2023〕18号",
        published_on=dt.date(2023, 10, 10),
    )


def test_publication_refused_while_a_mandatory_step_is_missing(legal):
    document = _draft(legal)
    _steps(document, legal, ["调查研究", "公众参与", "合法性审查", "集体讨论"])
    with pytest.raises(WorkflowError, match="公平竞争审查"):
        _publish(document, legal)
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.DRAFTING


def test_fair_competition_review_only_for_documents_concerning_business(legal):
    document = _draft(legal, concerns_business=False)
    _steps(document, legal, ["调查研究", "公众参与", "合法性审查", "集体讨论"])
    published = _publish(document, legal)
    assert published.status == NormativeDocument.Status.PUBLISHED
    assert published.effective_from == dt.date(2023, 10, 10)


def test_published_document_goes_into_force_and_is_filed(legal):
    document = _draft(legal)
    _steps(document, legal, DraftingStepKind.values)
    _publish(document, legal)
    services.document_file(
        document=document, by=legal, filed_on=dt.date(2023, 10, 20), filed_with="县政府"
    )
    in_force = services.document_enforce(document=document, by=legal)
    assert in_force.status == NormativeDocument.Status.IN_FORCE
    assert in_force.filed_on == dt.date(2023, 10, 20)
    with pytest.raises(WorkflowError):
        _steps(document, legal, ["调查研究"])


def test_review_result_decides_the_documents_state(legal):
    kept = services.document_register_existing(
        by=legal,
        unit=legal.unit,
        title="甲",
        doc_no="1号",
        published_on=dt.date(2019, 1, 1),
    )
    gone = services.document_register_existing(
        by=legal,
        unit=legal.unit,
        title="乙",
        doc_no="2号",
        published_on=dt.date(2019, 1, 1),
    )
    services.document_review(
        document=kept, by=legal, result=ReviewResult.RETAIN, reason="合法有效"
    )
    services.document_review(
        document=gone, by=legal, result=ReviewResult.REPEAL, reason="上位法废止"
    )
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.status == NormativeDocument.Status.IN_FORCE
    assert gone.status == NormativeDocument.Status.REPEALED
    assert gone.ended_on is not None
    with pytest.raises(WorkflowError):
        services.document_review(
            document=gone, by=legal, result=ReviewResult.RETAIN, reason="x"
        )


def test_office_clerk_may_not_touch_normative_documents(legal, office):
    document = _draft(legal)
    _steps(document, legal, DraftingStepKind.values)
    with pytest.raises(WorkflowError, match="没有"):
        _publish(document, office)


# --- Campaign problems, mediation, petitions, training --------------------------------


def _campaign(by):
    return services.campaign_create(
        by=by,
        unit=by.unit,
        title="顽瘴痼疾专项整治",
        plan_issued_on=dt.date(2023, 5, 14),
        starts_on=dt.date(2023, 5, 14),
    )


def test_problem_is_rectified_once_and_not_before_it_was_listed(office):
    campaign = _campaign(office)
    issue = services.campaign_issue_add(
        campaign=campaign,
        by=office,
        description="执法文书不规范",
        owner="法制股",
        deadline=dt.date(2023, 11, 30),
        listed_at=at(2023, 5, 25),
    )
    assert issue.is_overdue
    with pytest.raises(ValidationError):
        services.campaign_issue_rectify(
            issue=issue, by=office, rectification="已整改", rectified_at=at(2023, 5, 1)
        )
    done = services.campaign_issue_rectify(
        issue=issue, by=office, rectification="已整改", rectified_at=at(2023, 9, 1)
    )
    assert done.is_rectified and not done.is_overdue
    with pytest.raises(WorkflowError, match="已整改"):
        services.campaign_issue_rectify(issue=done, by=office, rectification="再次")


def test_problem_deadline_cannot_precede_listing(office):
    with pytest.raises(ValidationError):
        services.campaign_issue_add(
            campaign=_campaign(office),
            by=office,
            description="x",
            owner="y",
            deadline=dt.date(2023, 5, 1),
            listed_at=at(2023, 5, 25),
        )


def _mediation(legal, **extra):
    return services.mediation_create(
        by=legal,
        unit=legal.unit,
        number=extra.pop("number", "TJ-1"),
        applicant="学员周某",
        respondent="某驾校",
        industry="驾驶员培训",
        summary="退费纠纷",
        applied_on=dt.date(2023, 3, 6),
    )


def test_mediation_from_application_to_closed_file(legal):
    mediation = _mediation(legal)
    services.mediation_accept(mediation=mediation, by=legal, moment=at(2023, 3, 7))
    services.mediation_agree(
        mediation=mediation, by=legal, agreement="退还学费", concluded_at=at(2023, 3, 9)
    )
    closed = services.mediation_close(mediation=mediation, by=legal, note="已履行")
    assert closed.status == Mediation.Status.CLOSED
    assert closed.follow_up == "已履行"


def test_mediation_not_accepted_needs_a_reason_and_cannot_be_agreed(legal):
    mediation = _mediation(legal)
    with pytest.raises(WorkflowError, match="请填写"):
        services.mediation_not_accept(mediation=mediation, by=legal, note=" ")
    services.mediation_not_accept(mediation=mediation, by=legal, note="不属于受理范围")
    with pytest.raises(WorkflowError):
        services.mediation_agree(mediation=mediation, by=legal, agreement="x")


def test_petition_resolution_cannot_predate_receipt(legal):
    petition = services.petition_create(
        by=legal,
        unit=legal.unit,
        number="XF-1",
        petitioner="班线经营者",
        industry="道路旅客运输",
        received_on=dt.date(2023, 6, 5),
        subject="班线延续",
    )
    with pytest.raises(ValidationError):
        services.petition_resolve(
            petition=petition, by=legal, resolution="x", resolved_at=at(2023, 6, 1)
        )
    resolved = services.petition_resolve(
        petition=petition, by=legal, resolution="已解决", resolved_at=at(2023, 6, 20)
    )
    assert resolved.status == "resolved"


def test_attendance_counts_people_once_per_session(office, org):
    session = services.training_create(
        by=office, unit=office.unit, topic="执法培训", held_at=at(2023, 2, 1), hours="3"
    )
    a = make_user("a", unit=org["squad"], full_name="王建华")
    b = make_user("b", unit=org["squad"], full_name="李志刚")
    total = services.training_set_attendance(
        session=session, by=office, users=[a, b, a], names=["协管员曹军", "王建华", ""]
    )
    assert total == 3
    assert list(session.attendances.values_list("name", flat=True)) == [
        "王建华",
        "李志刚",
        "协管员曹军",
    ]
    # Taking attendance again replaces the list.
    assert services.training_set_attendance(session=session, by=office, users=[b]) == 1
