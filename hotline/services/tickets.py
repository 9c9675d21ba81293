"""The ticket workflow: intake, dispatch, the handling unit's moves, follow-up
and closing, and the caller's details."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days
from jiaotong.workflow import WorkflowError, required_text

from ..models import (
    ClosureKind,
    FollowUpResult,
    Ticket,
    TicketDeadlineRule,
    TicketExtension,
    TicketReturn,
)
from ..rules import can_see_caller
from ..workflow import TICKET_WORKFLOW
from .numbers import ticket_number_next

# Used only when the rule table has no row for a source and category.
DEFAULT_DAYS = 5
DEFAULT_EXTENSION_DAYS = 5


# --- Deadlines -----------------------------------------------------------------


def deadline_rule(source: str, category: str) -> tuple[int, int]:
    """(handling days, extension days) in working days for a source and category."""
    rule = (
        TicketDeadlineRule.objects.filter(source=source, category=category)
        .values_list("days", "extension_days")
        .first()
    )
    return rule or (DEFAULT_DAYS, DEFAULT_EXTENSION_DAYS)


def compute_due_date(received_at: dt.datetime, source: str, category: str) -> dt.date:
    """The handling deadline: the n-th working day after the local day of the call."""
    days, _ = deadline_rule(source, category)
    return add_working_days(timezone.localdate(received_at), days)


def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket re-read under a row lock, for writes beside the workflow
    (督办, attachments) that must not race a move."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


# --- Intake --------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    by,
    ticket_no: str = "",
    platform_no: str = "",
    source: str,
    received_at: dt.datetime,
    category: str,
    area: str,
    content: str,
    location: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    caller_confidential: bool = False,
    reply_wanted: bool = True,
    enterprise=None,
    plate: str = "",
    dispatch_to=None,
    is_test: bool = False,
) -> Ticket:
    """受理: register a call. Without ``ticket_no`` the next number of the
    source and year is issued (``platform_no`` keeps the provincial platform's
    own number). The deadline comes from the rule table; with ``dispatch_to``
    the ticket is dispatched in the same transaction."""
    if not by.has_perm("hotline.add_ticket"):
        raise WorkflowError("您没有登记热线工单的权限。")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "来电时间不能晚于当前时间。"})
    ticket_no = ticket_no.strip() or ticket_number_next(
        source=source, year=timezone.localtime(received_at).year
    )
    if Ticket.objects.filter(ticket_no=ticket_no).exists():
        raise ValidationError({"ticket_no": f"工单编号 {ticket_no} 已存在。"})
    ticket = Ticket(
        ticket_no=ticket_no,
        platform_no=platform_no.strip(),
        source=source,
        received_at=received_at,
        category=category,
        area=area,
        content=content.strip(),
        location=location.strip(),
        caller_name=caller_name.strip(),
        caller_phone=caller_phone.strip(),
        caller_confidential=caller_confidential,
        reply_wanted=reply_wanted,
        enterprise=enterprise,
        plate=plate,
        due_date=compute_due_date(received_at, source, category),
        is_test=is_test,
        created_by=by,
    )
    try:
        with transaction.atomic():
            ticket.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent intake of the same number
        raise ValidationError({"ticket_no": f"工单编号 {ticket_no} 已存在。"}) from exc
    audit_record(
        by=by,
        action="ticket_create",
        obj=ticket,
        to_state=ticket.status,
        changes={"due_date": ticket.due_date},
    )
    if dispatch_to is not None:
        ticket = ticket_dispatch(ticket=ticket, unit=dispatch_to, by=by)
    return ticket


@transaction.atomic
def ticket_answer_on_call(*, ticket: Ticket, reply_text: str, by) -> Ticket:
    """即时答复: the agent answered the caller during the call; the ticket closes."""
    reply_text = required_text(reply_text, "答复内容")
    ticket = TICKET_WORKFLOW.begin(ticket, "answer_on_call", by)
    now = timezone.now()
    ticket.reply_text = reply_text
    ticket.replied_at = now
    ticket.replied_by = by
    ticket.closed_at = now
    ticket.closure_kind = ClosureKind.ON_CALL
    return TICKET_WORKFLOW.finish(ticket, "answer_on_call", by, reason=reply_text)


@transaction.atomic
def ticket_not_accept(*, ticket: Ticket, ground: str, reason: str, by) -> Ticket:
    """不予受理: refuse with one of the grounds of DOMAIN.md §5.4 and tell the caller
    the proper route (``reason``); the ticket closes."""
    reason = required_text(reason, "不予受理的说明（告知来电人的正确途径）")
    ticket = TICKET_WORKFLOW.begin(ticket, "not_accept", by)
    now = timezone.now()
    ticket.rejection_ground = ground
    ticket.reply_text = reason
    ticket.replied_at = now
    ticket.replied_by = by
    ticket.closed_at = now
    ticket.closure_kind = ClosureKind.NOT_ACCEPTED
    return TICKET_WORKFLOW.finish(
        ticket, "not_accept", by, reason=reason, changes={"ground": ground}
    )


@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, unit, by, note: str = "") -> Ticket:
    """派单: send the ticket to a handling unit, which then has 24 hours to return
    it if it is not theirs."""
    if unit is None:
        raise WorkflowError("请选择承办单位。")
    ticket = TICKET_WORKFLOW.begin(ticket, "dispatch", by)
    ticket.unit = unit
    ticket.dispatched_at = timezone.now()
    ticket.dispatched_by = by
    ticket.signed_at = None
    ticket.signed_by = None
    return TICKET_WORKFLOW.finish(
        ticket, "dispatch", by, reason=note, changes={"unit": unit.name}
    )


@transaction.atomic
def ticket_redispatch(*, ticket: Ticket, unit, by, note: str = "") -> Ticket:
    """改派: before the unit has signed for it, the dispatcher sends the ticket to
    another unit (a wrong pick corrected without waiting for a 退单); the new
    unit's 24 hours to return it start now."""
    if unit is None:
        raise WorkflowError("请选择承办单位。")
    ticket = TICKET_WORKFLOW.begin(ticket, "redispatch", by)
    if unit.pk == ticket.unit_id:
        raise WorkflowError("改派的承办单位应与原承办单位不同。")
    previous = ticket.unit.name
    ticket.unit = unit
    ticket.dispatched_at = timezone.now()
    ticket.dispatched_by = by
    return TICKET_WORKFLOW.finish(
        ticket, "redispatch", by, reason=note, changes={"unit": [previous, unit.name]}
    )


# --- The handling unit -----------------------------------------------------------


@transaction.atomic
def ticket_sign(*, ticket: Ticket, by) -> Ticket:
    """签收: the handling unit takes the ticket and starts handling it."""
    ticket = TICKET_WORKFLOW.begin(ticket, "sign", by)
    ticket.signed_at = timezone.now()
    ticket.signed_by = by
    return TICKET_WORKFLOW.finish(ticket, "sign", by)


@transaction.atomic
def ticket_request_return(*, ticket: Ticket, reason: str, by) -> TicketReturn:
    """退单: within 24 hours of dispatch the unit sends back a ticket that is not
    its duty, with reasons; the dispatcher decides. Not possible again once the
    dispatcher has rejected a return (jurisdiction is then settled)."""
    reason = required_text(reason, "退单理由")
    ticket = TICKET_WORKFLOW.begin(ticket, "request_return", by)
    request = TicketReturn.objects.create(
        ticket=ticket,
        unit=ticket.unit,
        reason=reason,
        requested_by=by,
        requested_at=timezone.now(),
    )
    TICKET_WORKFLOW.finish(ticket, "request_return", by, reason=reason)
    return request


def _pending_return(ticket: Ticket) -> TicketReturn:
    pending = (
        TicketReturn.objects.select_for_update()
        .filter(ticket=ticket, accepted__isnull=True)
        .first()
    )
    if pending is None:
        raise WorkflowError("没有待审核的退单申请。")
    return pending


@transaction.atomic
def ticket_accept_return(
    *, ticket: Ticket, by, note: str = "", redispatch_to=None
) -> Ticket:
    """同意退单: the ticket goes back to the dispatcher's board, or straight on to
    ``redispatch_to`` (which must be another unit)."""
    ticket = TICKET_WORKFLOW.begin(ticket, "accept_return", by)
    pending = _pending_return(ticket)
    if redispatch_to is not None and redispatch_to.pk == pending.unit_id:
        raise WorkflowError("同意退单后不能再派给原承办单位。")
    pending.accepted = True
    pending.decision_note = note.strip()
    pending.decided_by = by
    pending.decided_at = timezone.now()
    pending.save()
    ticket.unit = None
    ticket.signed_at = None
    TICKET_WORKFLOW.finish(
        ticket,
        "accept_return",
        by,
        reason=note.strip() or pending.reason,
        changes={"returned_by_unit": pending.unit.name},
    )
    if redispatch_to is not None:
        ticket = ticket_dispatch(ticket=ticket, unit=redispatch_to, by=by)
    return ticket


@transaction.atomic
def ticket_reject_return(*, ticket: Ticket, note: str, by) -> Ticket:
    """驳回退单: the unit keeps the ticket; jurisdiction is settled, so the unit
    cannot return it again."""
    note = required_text(note, "驳回理由")
    ticket = TICKET_WORKFLOW.begin(ticket, "reject_return", by)
    pending = _pending_return(ticket)
    pending.accepted = False
    pending.decision_note = note
    pending.decided_by = by
    pending.decided_at = timezone.now()
    pending.save()
    return TICKET_WORKFLOW.finish(ticket, "reject_return", by, reason=note)


@transaction.atomic
def ticket_request_extension(
    *, ticket: Ticket, reason: str, by, requested_due: dt.date | None = None
) -> TicketExtension:
    """延期申请: the unit asks for more time for a complex ticket; by default the
    extension days of the rule table are added to the current deadline."""
    reason = required_text(reason, "延期理由")
    ticket = TICKET_WORKFLOW.begin(ticket, "request_extension", by)
    if requested_due is None:
        _, extra = deadline_rule(ticket.source, ticket.category)
        requested_due = add_working_days(ticket.due_date, extra)
    if requested_due <= ticket.due_date:
        raise WorkflowError(
            f"申请延至的日期应晚于当前办理时限 {ticket.due_date:%Y-%m-%d}。"
        )
    extension = TicketExtension.objects.create(
        ticket=ticket,
        reason=reason,
        previous_due=ticket.due_date,
        requested_due=requested_due,
        requested_by=by,
        requested_at=timezone.now(),
    )
    TICKET_WORKFLOW.finish(
        ticket,
        "request_extension",
        by,
        reason=reason,
        changes={"requested_due": requested_due},
    )
    return extension


def _pending_extension(ticket: Ticket) -> TicketExtension:
    pending = (
        TicketExtension.objects.select_for_update()
        .filter(ticket=ticket, approved__isnull=True)
        .first()
    )
    if pending is None:
        raise WorkflowError("没有待审批的延期申请。")
    return pending


@transaction.atomic
def ticket_approve_extension(
    *, ticket: Ticket, by, new_due: dt.date | None = None, note: str = ""
) -> Ticket:
    """批准延期: a leader sets the new deadline (by default the one requested)."""
    ticket = TICKET_WORKFLOW.begin(ticket, "approve_extension", by)
    pending = _pending_extension(ticket)
    new_due = new_due or pending.requested_due
    if new_due <= ticket.due_date:
        raise WorkflowError(f"新的办理时限应晚于原时限 {ticket.due_date:%Y-%m-%d}。")
    pending.approved = True
    pending.new_due = new_due
    pending.decision_note = note.strip()
    pending.decided_by = by
    pending.decided_at = timezone.now()
    pending.save()
    old_due = ticket.due_date
    ticket.due_date = new_due
    return TICKET_WORKFLOW.finish(
        ticket,
        "approve_extension",
        by,
        reason=note.strip(),
        changes={"due_date": [old_due, new_due]},
    )


@transaction.atomic
def ticket_reject_extension(*, ticket: Ticket, note: str, by) -> Ticket:
    """不批准延期: the unit goes on under the old deadline."""
    note = required_text(note, "不批准的理由")
    ticket = TICKET_WORKFLOW.begin(ticket, "reject_extension", by)
    pending = _pending_extension(ticket)
    pending.approved = False
    pending.decision_note = note
    pending.decided_by = by
    pending.decided_at = timezone.now()
    pending.save()
    return TICKET_WORKFLOW.finish(ticket, "reject_extension", by, reason=note)


@transaction.atomic
def ticket_reply(*, ticket: Ticket, reply_text: str, by) -> Ticket:
    """答复: the unit's answer to the caller, reported back to the hotline."""
    reply_text = required_text(reply_text, "答复内容")
    ticket = TICKET_WORKFLOW.begin(ticket, "reply", by)
    ticket.reply_text = reply_text
    ticket.replied_at = timezone.now()
    ticket.replied_by = by
    return TICKET_WORKFLOW.finish(ticket, "reply", by, reason=reply_text)


# --- Follow-up and closing ---------------------------------------------------------


@transaction.atomic
def ticket_follow_up(*, ticket: Ticket, result: str, by, note: str = "") -> Ticket:
    """回访: the hotline calls the caller back and records the answer; 不满意
    needs the cause, which decides between 重办 and 办结."""
    if result not in FollowUpResult.values:
        raise WorkflowError("请选择回访结果。")
    note = note.strip()
    if result == FollowUpResult.DISSATISFIED and not note:
        raise WorkflowError("回访结果为「不满意」时，请填写不满意的原因。")
    ticket = TICKET_WORKFLOW.begin(ticket, "follow_up", by)
    ticket.follow_up_result = result
    ticket.follow_up_note = note
    ticket.followed_up_at = timezone.now()
    return TICKET_WORKFLOW.finish(
        ticket, "follow_up", by, reason=note, changes={"follow_up_result": result}
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, cause: str, by) -> Ticket:
    """重办: a justified 不满意 sends the ticket back to the unit for handling with
    a fresh deadline from the rule table, counted from today."""
    cause = required_text(cause, "重办原因")
    ticket = TICKET_WORKFLOW.begin(ticket, "reopen", by)
    days, _ = deadline_rule(ticket.source, ticket.category)
    old_due = ticket.due_date
    ticket.due_date = add_working_days(timezone.localdate(), days)
    ticket.reopen_count += 1
    return TICKET_WORKFLOW.finish(
        ticket,
        "reopen",
        by,
        reason=cause,
        changes={
            "due_date": [old_due, ticket.due_date],
            "reply_text": ticket.reply_text,
        },
    )


@transaction.atomic
def ticket_close(*, ticket: Ticket, by, note: str = "") -> Ticket:
    """办结: after the follow-up (or after the reply when the caller wanted none).
    Closing over a 不满意 answer needs a note saying why it is not re-handled.

    This is where a substantiated complaint or report against an enterprise will
    open a penalty case through the enforcement app's service, in this same
    transaction, once that app exists.
    """
    note = note.strip()
    locked = TICKET_WORKFLOW.begin(ticket, "close", by)
    if locked.follow_up_result == FollowUpResult.DISSATISFIED and not note:
        raise WorkflowError("回访不满意的工单办结时，请说明不再重办的理由。")
    locked.closed_at = timezone.now()
    locked.closure_kind = ClosureKind.HANDLED
    return TICKET_WORKFLOW.finish(locked, "close", by, reason=note)


# --- Caller details ------------------------------------------------------------------


@transaction.atomic
def ticket_reveal_caller(*, ticket: Ticket, reason: str, by) -> str:
    """查看完整电话: the full phone number, for a stated reason, audited."""
    reason = required_text(reason, "查看理由")
    if not can_see_caller(by, ticket):
        raise WorkflowError("举报人信息保密，承办单位不能查看。")
    audit_record(by=by, action="ticket_reveal_caller", obj=ticket, reason=reason)
    return ticket.caller_phone
