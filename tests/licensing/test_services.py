import datetime as dt
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.calendar.workdays import add_working_days, working_days_between
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from licensing.models import (
    Application,
    ClockPause,
    CommitmentCheck,
    Rectification,
    Result,
    SupplementNotice,
)
from licensing.services import (
    application_evaluate,
    application_reject,
    applications_deem_accepted,
    applications_flag_overdue,
    commitment_check_record,
    default_remedies,
    supplement_deadline,
)
from licensing.workflow import APPLICATION_WORKFLOW
from tests.factories import credit_code, make_enterprise, make_matter

from .conftest import resident_id

S = Application.Status


def action_to(application, target) -> str:
    """The move from the application's (possibly stale) status to ``target``;
    for a pair outside the table, the move that leads to ``target``."""
    moves = APPLICATION_WORKFLOW.transitions.items()
    leading = [name for name, t in moves if t.target == target]
    fitting = [n for n in leading if application.status in moves_from(n)]
    return (fitting or leading)[0]


def moves_from(action):
    return APPLICATION_WORKFLOW[action].sources


def call(application, action, *, by, **data):
    """Call the move's own service with the inputs it takes."""
    service = APPLICATION_WORKFLOW[action].get_service()
    takes = inspect.signature(service).parameters
    data = {key: value for key, value in data.items() if key in takes}
    return service(application=application, by=by, **data)


def move(application, *targets, by, **data):
    data.setdefault("reason", "理由")
    for target in targets:
        application = call(application, action_to(application, target), by=by, **data)
    return application


def events(application):
    return list(AuditEvent.objects.for_object(application).order_by("id"))


# --- Receipt -------------------------------------------------------------------------


def test_receive_numbers_sequentially_per_year(receive, licensing_matter):
    first = receive(licensing_matter)
    second = receive(licensing_matter)
    year = timezone.localdate().year
    assert first.number == f"SXJT-{year}-000001"
    assert second.number == f"SXJT-{year}-000002"


def test_receive_skips_a_number_already_taken_by_an_import(
    receive, licensing_matter, clerk
):
    year = timezone.localdate().year
    taken = receive(licensing_matter)
    Application.objects.filter(pk=taken.pk).update(number=f"SXJT-{year}-000002")
    assert receive(licensing_matter).number == f"SXJT-{year}-000003"


def test_receive_sets_due_dates_from_the_matter_limits(
    receive, licensing_matter, clerk
):
    application = receive(licensing_matter)
    today = timezone.localdate()
    assert application.due_date == add_working_days(today, 5)
    assert application.promised_due_date == application.due_date
    assert application.statutory_due_date == add_working_days(today, 20)
    assert application.status == S.RECEIVED
    assert application.clerk == clerk and application.unit == clerk.unit


def test_receive_without_limits_has_no_due_date(receive):
    matter = make_matter(power_type="公共服务")
    application = receive(matter)
    assert application.due_date is None and application.promised_due_date is None


def test_receive_writes_an_audit_event(receive, licensing_matter):
    application = receive(licensing_matter)
    (event,) = events(application)
    assert event.action == "application_receive"
    assert event.to_state == S.RECEIVED


def test_receive_accepts_a_credit_code_for_a_legal_person(receive, licensing_matter):
    code = credit_code("91411422MA0000001")
    application = receive(
        licensing_matter, applicant_type="法人", applicant_id_number=code.lower()
    )
    assert application.applicant_id_number == code


@pytest.mark.parametrize(
    "field, overrides",
    [
        ("applicant_id_number", {"applicant_id_number": "411422199001011230"}),
        (
            "applicant_id_number",
            {"applicant_type": "法人", "applicant_id_number": resident_id()},
        ),
        ("applicant_phone", {"applicant_phone": "12345"}),
        ("applicant_name", {"applicant_name": "  "}),
    ],
)
def test_receive_refuses_bad_applicant_details(
    receive, licensing_matter, field, overrides
):
    with pytest.raises(ValidationError) as exc:
        receive(licensing_matter, **overrides)
    assert field in exc.value.message_dict
    assert not Application.objects.exists()


@pytest.mark.parametrize("phone", ["0370-8123456", "0370-8123456转8012"])
def test_receive_accepts_a_landline_with_or_without_extension(
    receive, licensing_matter, phone
):
    assert receive(licensing_matter, applicant_phone=phone).applicant_phone == phone


def test_receive_refuses_a_penalty_matter(receive):
    with pytest.raises(ValidationError) as exc:
        receive(make_matter(power_type="行政处罚"))
    assert "窗口办理事项" in exc.value.message_dict["matter"][0]


def test_receive_refuses_a_repealed_matter(receive):
    matter = make_matter(repealed_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        receive(matter)
    assert "有效期" in exc.value.message_dict["matter"][0]


def test_receive_refuses_notify_commit_on_a_matter_without_it(
    receive, licensing_matter
):
    with pytest.raises(ValidationError) as exc:
        receive(licensing_matter, notify_commit=True)
    assert "notify_commit" in exc.value.message_dict


def test_receive_refuses_notify_commit_after_a_false_commitment(
    receive, commit_matter, clerk
):
    person = resident_id()
    application = move(
        receive(commit_matter, applicant_id_number=person, notify_commit=True),
        S.ACCEPTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        by=clerk,
    )
    commitment_check_record(
        check=application.commitment_checks.get(),
        outcome=CommitmentCheck.Outcome.FAILED,
        note="经营场所不存在",
        by=clerk,
    )
    with pytest.raises(ValidationError) as exc:
        receive(commit_matter, applicant_id_number=person, notify_commit=True)
    assert "虚假承诺" in exc.value.message_dict["notify_commit"][0]


def test_receive_refuses_notify_commit_for_a_d_grade_enterprise(receive, commit_matter):
    enterprise = make_enterprise(credit_grade="D")
    with pytest.raises(ValidationError) as exc:
        receive(
            commit_matter,
            applicant_type="法人",
            applicant_id_number=enterprise.credit_code,
            notify_commit=True,
        )
    assert "严重失信" in exc.value.message_dict["notify_commit"][0]


def test_receive_refused_for_a_user_without_the_add_permission(
    receive, licensing_matter, leader
):
    with pytest.raises(ValidationError):
        receive(licensing_matter, by=leader)


# --- Supplement (补正告知) ----------------------------------------------------------------


def test_supplement_lists_every_item_once(receive, licensing_matter, clerk):
    application = move(
        receive(licensing_matter),
        S.SUPPLEMENT,
        by=clerk,
        items="营业执照副本\n\n  驾驶员从业资格证 \n",
    )
    assert application.status == S.SUPPLEMENT
    notice = SupplementNotice.objects.get(application=application)
    assert notice.item_list == ["营业执照副本", "驾驶员从业资格证"]
    assert events(application)[-1].changes["items"] == notice.item_list


def test_supplement_without_items_is_refused(receive, licensing_matter, clerk):
    with pytest.raises(WorkflowError, match="逐项列明"):
        move(receive(licensing_matter), S.SUPPLEMENT, by=clerk, items=" \n ")


def test_supplement_can_only_be_told_once(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.SUPPLEMENT, by=clerk, items="a")
    with pytest.raises(WorkflowError):
        move(application, S.SUPPLEMENT, by=clerk, items="b")
    assert SupplementNotice.objects.count() == 1


def test_supplement_after_five_working_days_is_refused(
    receive, licensing_matter, clerk
):
    received = timezone.now() - dt.timedelta(days=10)
    application = receive(licensing_matter, received_at=received)
    with pytest.raises(WorkflowError, match="视为受理"):
        move(application, S.SUPPLEMENT, by=clerk, items="a")


def test_accepting_after_supplement_shifts_due_dates_by_the_waiting_days(
    receive, licensing_matter, clerk
):
    application = move(receive(licensing_matter), S.SUPPLEMENT, by=clerk, items="a")
    notified = timezone.now() - dt.timedelta(days=7)
    SupplementNotice.objects.filter(application=application).update(
        notified_at=notified
    )
    application = move(application, S.ACCEPTED, by=clerk)
    waited = working_days_between(timezone.localdate(notified), timezone.localdate())
    assert waited > 0
    assert application.paused_days == waited
    received_day = timezone.localdate(application.received_at)
    assert application.due_date == add_working_days(received_day, 5 + waited)
    assert application.promised_due_date == add_working_days(received_day, 5)
    assert application.supplement_notice.completed_at is not None


# --- Acceptance -----------------------------------------------------------------------


def test_accept_sets_the_acceptance_time(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.ACCEPTED, by=clerk)
    assert application.accepted_at is not None and not application.deemed_accepted
    event = events(application)[-1]
    assert (event.action, event.from_state, event.to_state) == (
        "application_accept",
        S.RECEIVED,
        S.ACCEPTED,
    )


def test_accepting_late_is_deemed_accepted_on_the_day_of_receipt(
    receive, licensing_matter, clerk
):
    received = timezone.now() - dt.timedelta(days=12)
    application = move(
        receive(licensing_matter, received_at=received), S.ACCEPTED, by=clerk
    )
    assert application.deemed_accepted
    assert application.accepted_at == application.received_at


def test_reject_records_the_reason(receive, licensing_matter, clerk):
    application = move(
        receive(licensing_matter),
        S.NOT_ACCEPTED,
        by=clerk,
        reason="不属于本机关职权范围，请向市交通运输局申请",
    )
    assert application.status == S.NOT_ACCEPTED
    assert application.not_accepted_reason.startswith("不属于")
    assert application.not_accepted_at is not None


def test_reject_after_supplement(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.SUPPLEMENT, by=clerk, items="a")
    assert move(application, S.NOT_ACCEPTED, by=clerk).status == S.NOT_ACCEPTED


def test_reject_without_reason_is_refused(receive, licensing_matter, clerk):
    with pytest.raises(WorkflowError, match="请填写不予受理理由"):
        application_reject(application=receive(licensing_matter), reason=" ", by=clerk)


# --- Review, clock pause ------------------------------------------------------------


def test_pause_and_resume_shift_both_due_dates(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    application = move(application, S.SUSPENDED, by=clerk, kind="专家评审")
    started = timezone.localdate() - dt.timedelta(days=14)
    ClockPause.objects.filter(application=application).update(started_on=started)
    application = move(application, S.UNDER_REVIEW, by=clerk)
    paused = working_days_between(started, timezone.localdate())
    pause = ClockPause.objects.get(application=application)
    assert pause.ended_on == timezone.localdate() and pause.working_days == paused
    received_day = timezone.localdate(application.received_at)
    assert application.paused_days == paused
    assert application.due_date == add_working_days(received_day, 5 + paused)
    assert application.statutory_due_date == add_working_days(received_day, 20 + paused)


def test_pause_needs_an_excluded_time_reason(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    with pytest.raises(WorkflowError, match="暂停计时事由"):
        move(application, S.SUSPENDED, by=clerk, kind="午休")


def test_resume_clears_the_overdue_flag_when_the_new_due_date_lies_ahead(
    receive, licensing_matter, clerk
):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    application = move(application, S.SUSPENDED, by=clerk, kind="检测")
    Application.objects.filter(pk=application.pk).update(
        overdue_flagged_at=timezone.now()
    )
    application = move(application, S.UNDER_REVIEW, by=clerk)
    assert application.overdue_flagged_at is None


# --- Decisions and completion -------------------------------------------------------


def test_approve_then_complete(receive, licensing_matter, clerk):
    application = move(
        receive(licensing_matter),
        S.ACCEPTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        by=clerk,
    )
    assert application.result == Result.APPROVED and application.decided_at
    assert application.completed_at is None
    application = move(application, S.CLOSED, by=clerk)
    assert application.completed_at is not None
    assert application.result == Result.APPROVED
    assert [e.action for e in events(application)] == [
        "application_receive",
        "application_accept",
        "application_review",
        "application_approve",
        "application_complete",
    ]


def test_deny_records_reasons_and_remedies(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    application = move(application, S.DENIED, by=clerk, reason="车辆技术等级不达标")
    assert application.result == Result.DENIED
    assert application.decision_reason == "车辆技术等级不达标"
    assert application.remedies == default_remedies()
    assert "行政复议" in application.remedies
    application = move(application, S.CLOSED, by=clerk)
    assert application.status == S.CLOSED and application.result == Result.DENIED


def test_deny_keeps_remedies_given_by_the_clerk(receive, licensing_matter, clerk):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    application = move(application, S.DENIED, by=clerk, remedies="可申请复议")
    assert application.remedies == "可申请复议"


@pytest.mark.parametrize("path", [[S.ACCEPTED], [S.ACCEPTED, S.UNDER_REVIEW]])
def test_public_service_is_completed_without_a_decision(
    receive, service_matter, clerk, path
):
    application = move(receive(service_matter), *path, S.CLOSED, by=clerk)
    assert application.result == Result.DONE and application.completed_at


def test_public_service_cannot_be_approved(receive, service_matter, clerk):
    application = move(receive(service_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    with pytest.raises(WorkflowError, match="公共服务事项无需"):
        move(application, S.APPROVED, by=clerk)


def test_licensing_cannot_be_completed_without_a_decision(
    receive, licensing_matter, clerk
):
    application = move(receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, by=clerk)
    with pytest.raises(WorkflowError, match="准予或不予许可"):
        move(application, S.CLOSED, by=clerk)


# --- Withdrawal -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        [],
        [S.SUPPLEMENT],
        [S.ACCEPTED],
        [S.ACCEPTED, S.UNDER_REVIEW],
        [S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED],
    ],
)
def test_withdraw_before_the_decision(receive, licensing_matter, clerk, path):
    application = move(
        receive(licensing_matter), *path, by=clerk, items="a", kind="听证"
    )
    application = move(application, S.WITHDRAWN, by=clerk, reason="申请人主动撤回")
    assert application.status == S.WITHDRAWN and application.withdrawn_at
    assert not application.pauses.filter(ended_on__isnull=True).exists()


def test_withdraw_after_the_decision_is_refused(receive, licensing_matter, clerk):
    application = move(
        receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, by=clerk
    )
    with pytest.raises(WorkflowError, match="不能执行「申请人撤回」"):
        move(application, S.WITHDRAWN, by=clerk)


# --- 告知承诺 and revocation ----------------------------------------------------------------


@pytest.fixture
def commitment_approval(receive, commit_matter, clerk):
    return move(
        receive(commit_matter, notify_commit=True),
        S.ACCEPTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        by=clerk,
    )


def test_commitment_approval_creates_a_post_check(commitment_approval):
    check = commitment_approval.commitment_checks.get()
    assert check.outcome == CommitmentCheck.Outcome.PENDING
    assert check.due_date == add_working_days(timezone.localdate(), 20)


def test_revoke_after_a_failed_check(commitment_approval, clerk, leader):
    application = move(commitment_approval, S.CLOSED, by=clerk)
    commitment_check_record(
        check=application.commitment_checks.get(),
        outcome="failed",
        note="承诺的停车场地不存在",
        by=clerk,
    )
    application = move(application, S.REVOKED, by=leader, reason="承诺不实")
    assert application.status == S.REVOKED and application.revoked_at
    assert events(application)[-1].action == "application_revoke"


def test_revoke_without_a_failed_check_is_refused(commitment_approval, leader):
    with pytest.raises(WorkflowError, match="核查发现承诺不实"):
        move(commitment_approval, S.REVOKED, by=leader)


def test_revoke_by_window_staff_is_refused(commitment_approval, clerk):
    commitment_check_record(
        check=commitment_approval.commitment_checks.get(),
        outcome="failed",
        note="不实",
        by=clerk,
    )
    with pytest.raises(WorkflowError, match="的权限"):
        move(commitment_approval, S.REVOKED, by=clerk)


def test_revoke_of_an_ordinary_approval_is_refused(
    receive, licensing_matter, clerk, leader
):
    application = move(
        receive(licensing_matter), S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, by=clerk
    )
    with pytest.raises(WorkflowError):
        move(application, S.REVOKED, by=leader)


def test_failed_check_needs_a_note_and_is_recorded_once(commitment_approval, clerk):
    check = commitment_approval.commitment_checks.get()
    with pytest.raises(ValidationError):
        commitment_check_record(check=check, outcome="failed", note="", by=clerk)
    commitment_check_record(check=check, outcome="passed", note="", by=clerk)
    with pytest.raises(WorkflowError, match="已有结果"):
        commitment_check_record(check=check, outcome="failed", note="x", by=clerk)


# --- Refusals in general ----------------------------------------------------------------


@pytest.mark.parametrize("target", [S.ACCEPTED, S.NOT_ACCEPTED, S.SUPPLEMENT])
def test_leader_without_change_permission_is_refused(
    receive, licensing_matter, leader, target
):
    application = receive(licensing_matter)
    with pytest.raises(WorkflowError, match="的权限"):
        move(application, target, by=leader, items="a")
    application.refresh_from_db()
    assert application.status == S.RECEIVED


_OUTSIDE = [
    (action, state)
    for action, transition in APPLICATION_WORKFLOW.transitions.items()
    for state in S.values
    if state not in transition.sources
]


@pytest.mark.parametrize("action, source", _OUTSIDE)
def test_every_move_outside_the_table_is_refused(
    receive, licensing_matter, clerk, leader, action, source
):
    application = receive(licensing_matter)
    Application.objects.filter(pk=application.pk).update(status=source)
    application.refresh_from_db()
    by = leader if action == "revoke" else clerk  # each holds the move's permission
    with pytest.raises(WorkflowError, match="不能执行"):
        call(application, action, by=by, reason="理由", items="a", kind="听证")
    assert Application.objects.get(pk=application.pk).status == source


def test_the_system_may_only_make_system_moves(receive, licensing_matter):
    application = receive(licensing_matter)
    with pytest.raises(WorkflowError, match="须由工作人员办理"):
        call(application, "reject", by=None, reason="理由")


def test_a_stale_copy_cannot_repeat_a_move(receive, licensing_matter, clerk):
    application = receive(licensing_matter)
    move(application, S.ACCEPTED, by=clerk)
    with pytest.raises(WorkflowError):
        move(application, S.ACCEPTED, by=clerk)  # the object still says 收件
    assert events(application)[-1].action == "application_accept"
    assert len(events(application)) == 2


# --- Evaluation ------------------------------------------------------------------------


@pytest.fixture
def completed(receive, service_matter, clerk):
    return move(receive(service_matter), S.ACCEPTED, S.CLOSED, by=clerk)


def test_evaluate_a_good_rating(completed, clerk):
    application = application_evaluate(
        application=completed, evaluation="非常满意", by=clerk
    )
    assert application.evaluation == "非常满意" and application.evaluated_at
    assert not Rectification.objects.exists()


def test_bad_rating_needs_a_rectification_record(completed, clerk):
    with pytest.raises(ValidationError) as exc:
        application_evaluate(application=completed, evaluation="不满意", by=clerk)
    assert set(exc.value.message_dict) == {"problem", "measures"}
    completed.refresh_from_db()
    assert completed.evaluation == ""


def test_bad_rating_with_rectification(completed, clerk):
    application_evaluate(
        application=completed,
        evaluation="非常不满意",
        problem="等候时间长",
        measures="增设综合窗口",
        by=clerk,
    )
    rectification = Rectification.objects.get(application=completed)
    assert rectification.measures == "增设综合窗口"
    assert rectification.rectified_on == timezone.localdate()


def test_evaluate_only_once(completed, clerk):
    application_evaluate(application=completed, evaluation="满意", by=clerk)
    with pytest.raises(WorkflowError, match="一次一评"):
        application_evaluate(application=completed, evaluation="满意", by=clerk)


def test_evaluate_before_completion_is_refused(receive, service_matter, clerk):
    with pytest.raises(WorkflowError, match="办结后"):
        application_evaluate(
            application=receive(service_matter), evaluation="满意", by=clerk
        )


def test_evaluate_by_leader_is_refused(completed, leader):
    with pytest.raises(WorkflowError):
        application_evaluate(application=completed, evaluation="满意", by=leader)


# --- Daily duties --------------------------------------------------------------------------


def test_flag_overdue_marks_once_with_an_audit_event(receive, licensing_matter, clerk):
    late = move(
        receive(licensing_matter, received_at=timezone.now() - dt.timedelta(days=30)),
        S.ACCEPTED,
        by=clerk,
    )
    on_time = receive(licensing_matter)
    finished = move(
        receive(licensing_matter, received_at=timezone.now() - dt.timedelta(days=30)),
        S.ACCEPTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        S.CLOSED,
        by=clerk,
    )
    assert applications_flag_overdue() == 1
    assert applications_flag_overdue() == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    finished.refresh_from_db()
    assert late.overdue_flagged_at is not None
    assert on_time.overdue_flagged_at is None and finished.overdue_flagged_at is None
    assert [e.action for e in events(late)].count("application_overdue") == 1


def test_deem_accepted_after_five_working_days(receive, licensing_matter):
    old = receive(licensing_matter, received_at=timezone.now() - dt.timedelta(days=12))
    fresh = receive(licensing_matter)
    assert supplement_deadline(old) < timezone.localdate()
    assert applications_deem_accepted() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == S.ACCEPTED and old.deemed_accepted
    assert old.accepted_at == old.received_at
    assert fresh.status == S.RECEIVED
    event = events(old)[-1]
    assert event.actor is None and event.actor_name == "系统"
    assert applications_deem_accepted() == 0
