"""Each transition of the ticket workflow, and each refusal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hotline import services
from hotline.models import (
    ClosureKind,
    Status,
    SupervisionNotice,
    Ticket,
    TicketExtension,
    TicketReturn,
)
from hotline.services.tickets import ticket_redispatch
from hotline.workflow import TICKET_WORKFLOW
from jiaotong import roles
from jiaotong.calendar.workdays import add_working_days
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from tests.factories import make_user
from tests.hotline.conftest import intake, make_ticket


def actions_of(ticket):
    return list(
        AuditEvent.objects.for_object(ticket)
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def other_handler(org):
    """A 承办人员 of another unit (运输管理所)."""
    return make_user("handler2", roles=[roles.ROLE_HANDLER], unit=org["agency"])


# --- 受理 -------------------------------------------------------------------------


def test_intake_sets_deadline_from_rules_and_records_event(hotline_agent):
    ticket = intake(hotline_agent, category="咨询")
    received_day = timezone.localdate(ticket.received_at)
    assert ticket.status == Status.RECEIVED
    assert ticket.due_date == add_working_days(received_day, 3)  # 咨询: 3 WD
    assert actions_of(ticket) == ["ticket_create"]


def test_intake_refuses_duplicate_ticket_number(hotline_agent):
    intake(hotline_agent, ticket_no="SQ-1")
    with pytest.raises(ValidationError) as exc:
        intake(hotline_agent, ticket_no="SQ-1")
    assert "已存在" in str(exc.value)
    assert Ticket.objects.filter(ticket_no="SQ-1").count() == 1


def test_intake_refuses_a_call_in_the_future(hotline_agent):
    with pytest.raises(ValidationError, match="来电时间"):
        intake(hotline_agent, received_at=timezone.now() + dt.timedelta(hours=2))


def test_intake_refused_to_handler(handler):
    with pytest.raises(WorkflowError, match="权限"):
        intake(handler)


def test_intake_can_dispatch_in_the_same_step(hotline_agent, org):
    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    assert ticket.status == Status.DISPATCHED
    assert ticket.unit == org["squad"]
    assert actions_of(ticket) == ["ticket_create", "ticket_dispatch"]


def test_answer_on_call_closes_with_reply(received, hotline_agent):
    ticket = services.ticket_answer_on_call(
        ticket=received, reply_text="已告知出租车投诉受理流程。", by=hotline_agent
    )
    assert ticket.status == Status.CLOSED
    assert ticket.closure_kind == ClosureKind.ON_CALL
    assert ticket.closed_at is not None and ticket.replied_at == ticket.closed_at


def test_answer_on_call_needs_a_reply(received, hotline_agent):
    with pytest.raises(WorkflowError, match="答复内容"):
        services.ticket_answer_on_call(
            ticket=received, reply_text=" ", by=hotline_agent
        )


def test_not_accept_closes_with_ground_and_route(received, hotline_agent):
    ticket = services.ticket_not_accept(
        ticket=received,
        ground="other_procedure",
        reason="属劳动争议，已告知向劳动仲裁委员会申请仲裁。",
        by=hotline_agent,
    )
    assert ticket.status == Status.CLOSED
    assert ticket.closure_kind == ClosureKind.NOT_ACCEPTED
    assert ticket.rejection_ground == "other_procedure"


def test_not_accept_needs_the_route(received, hotline_agent):
    with pytest.raises(WorkflowError):
        services.ticket_not_accept(
            ticket=received, ground="other", reason="", by=hotline_agent
        )


# --- 派单 -------------------------------------------------------------------------


def test_dispatch_sends_ticket_to_unit(received, hotline_agent, org):
    ticket = services.ticket_dispatch(
        ticket=received, unit=org["squad"], by=hotline_agent
    )
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, org["squad"])
    assert ticket.dispatched_by == hotline_agent and ticket.dispatched_at
    event = AuditEvent.objects.for_object(ticket).order_by("-id").first()
    assert (event.from_state, event.to_state) == ("received", "dispatched")


def test_dispatch_refused_to_handler(received, handler, org):
    with pytest.raises(WorkflowError, match="没有「派单」的权限"):
        services.ticket_dispatch(ticket=received, unit=org["squad"], by=handler)


def test_dispatch_twice_refused_with_current_status(dispatched, hotline_agent, org):
    with pytest.raises(WorkflowError, match="待签收"):
        services.ticket_dispatch(
            ticket=dispatched, unit=org["agency"], by=hotline_agent
        )


def test_refusal_reads_the_row_not_the_stale_object(received, hotline_agent, org):
    stale = Ticket.objects.get(pk=received.pk)
    services.ticket_dispatch(ticket=received, unit=org["squad"], by=hotline_agent)
    assert stale.status == Status.RECEIVED
    with pytest.raises(WorkflowError, match="待签收"):
        services.ticket_dispatch(ticket=stale, unit=org["agency"], by=hotline_agent)


# --- 改派 -------------------------------------------------------------------------


def test_redispatch_before_signing_moves_the_ticket(dispatched, hotline_agent, org):
    ticket = ticket_redispatch(
        ticket=dispatched, unit=org["agency"], note="选错单位", by=hotline_agent
    )
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, org["agency"])
    event = AuditEvent.objects.for_object(ticket).order_by("-id").first()
    assert event.action == "ticket_redispatch" and event.reason == "选错单位"
    assert event.changes["unit"] == [org["squad"].name, org["agency"].name]


def test_redispatch_to_the_same_unit_is_refused(dispatched, hotline_agent, org):
    with pytest.raises(WorkflowError, match="原承办单位不同"):
        ticket_redispatch(ticket=dispatched, unit=org["squad"], by=hotline_agent)


def test_redispatch_after_signing_is_refused(in_progress, hotline_agent, org):
    with pytest.raises(WorkflowError, match="不能执行「改派」"):
        ticket_redispatch(ticket=in_progress, unit=org["agency"], by=hotline_agent)


def test_redispatch_refused_to_the_unit(dispatched, handler, org):
    assert "redispatch" not in TICKET_WORKFLOW.allowed_actions(dispatched, handler)
    with pytest.raises(WorkflowError, match="权限"):
        ticket_redispatch(ticket=dispatched, unit=org["agency"], by=handler)


# --- 签收 -------------------------------------------------------------------------


def test_unit_signs_for_ticket(dispatched, handler):
    ticket = services.ticket_sign(ticket=dispatched, by=handler)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.signed_by == handler


def test_handler_of_another_unit_cannot_sign(dispatched, other_handler):
    with pytest.raises(WorkflowError, match="承办单位"):
        services.ticket_sign(ticket=dispatched, by=other_handler)


def test_handler_of_a_parent_unit_may_sign(dispatched, org):
    brigade_handler = make_user(
        "brigade_handler", roles=[roles.ROLE_HANDLER], unit=org["brigade"]
    )
    assert services.ticket_sign(ticket=dispatched, by=brigade_handler).signed_at


def test_hotline_staff_cannot_sign(dispatched, hotline_agent):
    with pytest.raises(WorkflowError, match="权限"):
        services.ticket_sign(ticket=dispatched, by=hotline_agent)


# --- 退单 -------------------------------------------------------------------------


def test_unit_returns_ticket_within_24_hours(dispatched, handler):
    request = services.ticket_request_return(
        ticket=dispatched, reason="属公路管理所职责。", by=handler
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURN_REQUESTED
    assert request.unit == dispatched.unit and request.accepted is None


def test_return_after_24_hours_refused(dispatched, handler):
    Ticket.objects.filter(pk=dispatched.pk).update(
        dispatched_at=timezone.now() - dt.timedelta(hours=25)
    )
    with pytest.raises(WorkflowError, match="24小时"):
        services.ticket_request_return(
            ticket=dispatched, reason="非本单位职责", by=handler
        )


def test_return_needs_a_reason(dispatched, handler):
    with pytest.raises(WorkflowError, match="退单理由"):
        services.ticket_request_return(ticket=dispatched, reason="", by=handler)


def test_return_after_signing_refused(in_progress, handler):
    with pytest.raises(WorkflowError, match="办理中"):
        services.ticket_request_return(
            ticket=in_progress, reason="不归我们", by=handler
        )


def test_accepted_return_goes_back_to_the_board(dispatched, handler, hotline_agent):
    services.ticket_request_return(ticket=dispatched, reason="非本单位职责", by=handler)
    ticket = services.ticket_accept_return(ticket=dispatched, by=hotline_agent)
    assert ticket.status == Status.RECEIVED and ticket.unit is None
    assert TicketReturn.objects.get(ticket=ticket).accepted is True


def test_accepted_return_can_redispatch_to_another_unit(
    dispatched, handler, hotline_agent, org
):
    services.ticket_request_return(ticket=dispatched, reason="属运管所职责", by=handler)
    ticket = services.ticket_accept_return(
        ticket=dispatched, redispatch_to=org["agency"], by=hotline_agent
    )
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, org["agency"])
    assert actions_of(ticket)[-2:] == ["ticket_accept_return", "ticket_dispatch"]


def test_accepted_return_cannot_go_back_to_the_same_unit(
    dispatched, handler, hotline_agent, org
):
    services.ticket_request_return(ticket=dispatched, reason="非本单位职责", by=handler)
    with pytest.raises(WorkflowError, match="原承办单位"):
        services.ticket_accept_return(
            ticket=dispatched, redispatch_to=org["squad"], by=hotline_agent
        )


def test_rejected_return_keeps_unit_and_blocks_a_second_return(
    dispatched, handler, hotline_agent, org
):
    services.ticket_request_return(ticket=dispatched, reason="非本单位职责", by=handler)
    ticket = services.ticket_reject_return(
        ticket=dispatched, note="出租车营运属执法中队职责。", by=hotline_agent
    )
    assert (ticket.status, ticket.unit) == (Status.DISPATCHED, org["squad"])
    assert "request_return" not in TICKET_WORKFLOW.allowed_actions(ticket, handler)
    with pytest.raises(WorkflowError, match="确定管辖"):
        services.ticket_request_return(ticket=ticket, reason="仍不归我们", by=handler)


def test_return_decision_refused_to_the_unit(dispatched, handler):
    services.ticket_request_return(ticket=dispatched, reason="非本单位职责", by=handler)
    with pytest.raises(WorkflowError, match="权限"):
        services.ticket_accept_return(ticket=dispatched, by=handler)


# --- 延期 -------------------------------------------------------------------------


def test_extension_request_defaults_to_rule_days(in_progress, handler):
    extension = services.ticket_request_extension(
        ticket=in_progress, reason="需现场调查取证。", by=handler
    )
    assert extension.requested_due == add_working_days(in_progress.due_date, 5)
    in_progress.refresh_from_db()
    assert in_progress.status == Status.EXTENSION_REQUESTED


def test_leader_approves_extension_with_new_deadline(in_progress, handler, leader):
    old_due = in_progress.due_date
    services.ticket_request_extension(ticket=in_progress, reason="需调查", by=handler)
    new_due = add_working_days(old_due, 8)
    ticket = services.ticket_approve_extension(
        ticket=in_progress, new_due=new_due, note="同意", by=leader
    )
    assert (ticket.status, ticket.due_date) == (Status.IN_PROGRESS, new_due)
    extension = TicketExtension.objects.get(ticket=ticket)
    assert (extension.approved, extension.previous_due) == (True, old_due)


def test_rejected_extension_keeps_the_deadline(in_progress, handler, leader):
    old_due = in_progress.due_date
    services.ticket_request_extension(ticket=in_progress, reason="需调查", by=handler)
    ticket = services.ticket_reject_extension(
        ticket=in_progress, note="事实清楚，按期办结。", by=leader
    )
    assert (ticket.status, ticket.due_date) == (Status.IN_PROGRESS, old_due)


def test_extension_approval_refused_to_handler_and_hotline(
    in_progress, handler, hotline_agent
):
    services.ticket_request_extension(ticket=in_progress, reason="需调查", by=handler)
    for user in (handler, hotline_agent):
        with pytest.raises(WorkflowError, match="权限"):
            services.ticket_approve_extension(ticket=in_progress, by=user)


def test_extension_to_an_earlier_date_refused(in_progress, handler):
    with pytest.raises(WorkflowError, match="晚于"):
        services.ticket_request_extension(
            ticket=in_progress,
            reason="需调查",
            requested_due=in_progress.due_date,
            by=handler,
        )


def test_approved_deadline_must_be_later(in_progress, handler, leader):
    services.ticket_request_extension(ticket=in_progress, reason="需调查", by=handler)
    with pytest.raises(WorkflowError, match="晚于"):
        services.ticket_approve_extension(
            ticket=in_progress,
            new_due=in_progress.due_date - dt.timedelta(days=1),
            by=leader,
        )


# --- 答复, 回访, 重办, 办结 ---------------------------------------------------------


def test_reply_needs_signing_first(dispatched, handler):
    with pytest.raises(WorkflowError, match="待签收"):
        services.ticket_reply(ticket=dispatched, reply_text="已处理", by=handler)


def test_reply_needs_text(in_progress, handler):
    with pytest.raises(WorkflowError, match="答复内容"):
        services.ticket_reply(ticket=in_progress, reply_text="", by=handler)


def test_reply_records_the_answer(replied, handler):
    assert replied.status == Status.REPLIED
    assert replied.replied_by == handler and replied.reply_text


def test_dissatisfied_follow_up_needs_the_cause(replied, hotline_agent):
    with pytest.raises(WorkflowError, match="不满意的原因"):
        services.ticket_follow_up(ticket=replied, result="不满意", by=hotline_agent)


def test_follow_up_refused_to_handler(replied, handler):
    with pytest.raises(WorkflowError, match="权限"):
        services.ticket_follow_up(ticket=replied, result="满意", by=handler)


def test_reopen_sends_back_with_a_fresh_deadline(visited_unhappy, hotline_agent):
    ticket = services.ticket_reopen(
        ticket=visited_unhappy, cause="车费未退还，诉求合理。", by=hotline_agent
    )
    assert ticket.status == Status.IN_PROGRESS and ticket.reopen_count == 1
    assert ticket.due_date == add_working_days(timezone.localdate(), 5)


def test_reopen_only_after_dissatisfied(replied, hotline_agent):
    ticket = services.ticket_follow_up(ticket=replied, result="满意", by=hotline_agent)
    with pytest.raises(WorkflowError, match="不满意"):
        services.ticket_reopen(ticket=ticket, cause="再查一次", by=hotline_agent)


def test_close_after_satisfied_follow_up(replied, hotline_agent):
    services.ticket_follow_up(ticket=replied, result="满意", by=hotline_agent)
    ticket = services.ticket_close(ticket=replied, by=hotline_agent)
    assert ticket.status == Status.CLOSED
    assert ticket.closure_kind == ClosureKind.HANDLED and ticket.closed_at


def test_closing_over_dissatisfaction_needs_a_note(visited_unhappy, hotline_agent):
    with pytest.raises(WorkflowError, match="不再重办"):
        services.ticket_close(ticket=visited_unhappy, by=hotline_agent)
    ticket = services.ticket_close(
        ticket=visited_unhappy, note="诉求超出政策范围，已解释。", by=hotline_agent
    )
    assert ticket.status == Status.CLOSED


def test_close_without_follow_up_only_when_no_reply_wanted(hotline_agent, handler, org):
    wanted = intake(hotline_agent, dispatch_to=org["squad"])
    quiet = intake(hotline_agent, dispatch_to=org["squad"], reply_wanted=False)
    for ticket in (wanted, quiet):
        services.ticket_sign(ticket=ticket, by=handler)
        services.ticket_reply(ticket=ticket, reply_text="已处理", by=handler)
    with pytest.raises(WorkflowError, match="先回访"):
        services.ticket_close(ticket=wanted, by=hotline_agent)
    assert services.ticket_close(ticket=quiet, by=hotline_agent).status == "closed"


def test_closed_loop_with_rehandling_leaves_a_full_history(
    visited_unhappy, hotline_agent, handler
):
    services.ticket_reopen(ticket=visited_unhappy, cause="诉求合理", by=hotline_agent)
    services.ticket_reply(ticket=visited_unhappy, reply_text="已退还车费", by=handler)
    services.ticket_follow_up(ticket=visited_unhappy, result="满意", by=hotline_agent)
    ticket = services.ticket_close(ticket=visited_unhappy, by=hotline_agent)
    assert ticket.follow_up_result == "满意"
    assert actions_of(ticket) == [
        "ticket_create",
        "ticket_dispatch",
        "ticket_sign",
        "ticket_reply",
        "ticket_follow_up",
        "ticket_reopen",
        "ticket_reply",
        "ticket_follow_up",
        "ticket_close",
    ]


def test_closed_ticket_allows_no_move(replied, hotline_agent, handler, leader):
    services.ticket_follow_up(ticket=replied, result="满意", by=hotline_agent)
    ticket = services.ticket_close(ticket=replied, by=hotline_agent)
    for user in (hotline_agent, handler, leader):
        assert TICKET_WORKFLOW.allowed_actions(ticket, user) == []


# --- 督办 -------------------------------------------------------------------------


def _make_overdue(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    ticket.refresh_from_db()
    return ticket


def test_supervise_refused_before_deadline(in_progress, hotline_agent):
    with pytest.raises(WorkflowError, match="尚未超过"):
        services.ticket_supervise(ticket=in_progress, by=hotline_agent)


def test_supervise_overdue_ticket_sends_notice_to_unit(in_progress, hotline_agent):
    ticket = _make_overdue(in_progress)
    notice = services.ticket_supervise(
        ticket=ticket, reason="请加快办理", by=hotline_agent
    )
    ticket.refresh_from_db()
    assert ticket.supervised and ticket.supervised_due == ticket.due_date
    assert (notice.unit, notice.automatic) == (ticket.unit, False)
    assert "ticket_supervise" in actions_of(ticket)


def test_supervise_once_per_lapsed_deadline(
    in_progress, hotline_agent, handler, leader
):
    ticket = _make_overdue(in_progress)
    services.ticket_supervise(ticket=ticket, by=hotline_agent)
    with pytest.raises(WorkflowError, match="已督办"):
        services.ticket_supervise(ticket=ticket, by=hotline_agent)
    # An extension sets a new deadline; when that one lapses too, 督办 again.
    services.ticket_request_extension(ticket=ticket, reason="需调查", by=handler)
    services.ticket_approve_extension(
        ticket=ticket, new_due=timezone.localdate(), by=leader
    )
    later = timezone.localdate() + dt.timedelta(days=1)
    services.ticket_supervise(ticket=ticket, by=hotline_agent, today=later)
    assert SupervisionNotice.objects.filter(ticket=ticket).count() == 2


def test_supervise_refused_to_handler(in_progress, handler):
    ticket = _make_overdue(in_progress)
    with pytest.raises(WorkflowError, match="权限"):
        services.ticket_supervise(ticket=ticket, by=handler)


def test_supervise_refused_after_reply(replied, hotline_agent):
    ticket = _make_overdue(replied)
    with pytest.raises(WorkflowError, match="无需督办"):
        services.ticket_supervise(ticket=ticket, by=hotline_agent)


def test_flag_overdue_is_idempotent(hotline_agent, handler, org):
    overdue = _make_overdue(intake(hotline_agent, dispatch_to=org["squad"]))
    intake(hotline_agent, dispatch_to=org["squad"])  # not overdue
    replied = intake(hotline_agent, dispatch_to=org["squad"])
    services.ticket_sign(ticket=replied, by=handler)
    services.ticket_reply(ticket=replied, reply_text="已处理", by=handler)
    _make_overdue(replied)  # answered: the deadline no longer runs
    make_ticket(is_test=True, due_date=timezone.localdate() - dt.timedelta(days=3))

    assert services.tickets_flag_overdue() == 1
    assert services.tickets_flag_overdue() == 0
    notice = SupervisionNotice.objects.get()
    assert (notice.ticket_id, notice.automatic) == (overdue.pk, True)


def test_notice_reaches_the_units_leader_not_other_units(
    in_progress, hotline_agent, leader, handler, other_handler
):
    services.ticket_supervise(ticket=_make_overdue(in_progress), by=hotline_agent)
    assert SupervisionNotice.objects.visible_to(leader).count() == 1
    assert SupervisionNotice.objects.visible_to(handler).count() == 1
    assert SupervisionNotice.objects.visible_to(other_handler).count() == 0


def test_acknowledging_a_notice_once(in_progress, hotline_agent, leader):
    notice = services.ticket_supervise(
        ticket=_make_overdue(in_progress), by=hotline_agent
    )
    services.notice_acknowledge(notice=notice, by=leader)
    first = notice.acknowledged_at
    services.notice_acknowledge(notice=notice, by=leader)
    assert notice.acknowledged_at == first and notice.acknowledged_by == leader


# --- Caller, attachments, rules ---------------------------------------------------


def test_reveal_caller_is_audited(received, hotline_agent):
    phone = services.ticket_reveal_caller(
        ticket=received, reason="回访需要", by=hotline_agent
    )
    assert phone == "13812345678"
    assert "ticket_reveal_caller" in actions_of(received)


def test_confidential_caller_never_revealed_to_unit(hotline_agent, handler, org):
    ticket = intake(hotline_agent, caller_confidential=True, dispatch_to=org["squad"])
    assert not services.can_see_caller(handler, ticket)
    with pytest.raises(WorkflowError, match="保密"):
        services.ticket_reveal_caller(ticket=ticket, reason="联系", by=handler)


def test_deadline_rule_change_is_audited_and_admin_only(sysadmin, hotline_agent):
    from hotline.models import TicketDeadlineRule

    rule = TicketDeadlineRule.objects.get(source="12345", category="投诉")
    with pytest.raises(WorkflowError):
        services.deadline_rule_update(
            rule=rule, days=7, extension_days=5, basis="", by=hotline_agent
        )
    services.deadline_rule_update(
        rule=rule, days=7, extension_days=5, basis="市12345中心通知", by=sysadmin
    )
    rule.refresh_from_db()
    assert rule.days == 7
    assert AuditEvent.objects.filter(action="config_change").count() == 1


# --- Ticket numbers ---------------------------------------------------------------


def test_numbers_run_per_source_and_year_without_gaps(hotline_agent):
    create = services.ticket_create
    year = timezone.localdate().year
    now = timezone.now()
    base = {"category": "咨询", "area": "其他", "content": "问询", "received_at": now}
    first = create(by=hotline_agent, source="12328", **base)
    with pytest.raises(ValidationError):  # a refused intake takes no number
        create(
            by=hotline_agent,
            source="12328",
            **{**base, "received_at": now + dt.timedelta(days=1)},
        )
    second = create(by=hotline_agent, source="12328", **base)
    other = create(by=hotline_agent, source="12345", **base)
    last_year = create(
        by=hotline_agent,
        source="12328",
        **{**base, "received_at": now.replace(year=year - 1)},
    )

    assert [first.ticket_no, second.ticket_no, other.ticket_no] == [
        f"JT12328-{year}-0001",
        f"JT12328-{year}-0002",
        f"SQ12345-{year}-0001",
    ]
    assert last_year.ticket_no == f"JT12328-{year - 1}-0001"


def test_numbering_skips_a_number_an_import_already_used(hotline_agent):
    year = timezone.localdate().year
    make_ticket(ticket_no=f"JT12328-{year}-0001")

    ticket = services.ticket_create(
        by=hotline_agent,
        source="12328",
        received_at=timezone.now(),
        category="咨询",
        area="其他",
        content="问询",
    )

    assert ticket.ticket_no == f"JT12328-{year}-0002"
