"""The ticket workflow as data (DOMAIN.md §5.2).

``TRANSITIONS`` lists every allowed move: from which statuses, to which status,
the permission it needs, whether only the handling unit may make it, and an
optional guard that states why a move is refused right now.  The services in
``hotline.services`` perform the moves; the ticket page offers exactly the moves
``allowed_actions`` returns, which reads the same table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from .models import FollowUpResult, Status, Ticket

RETURN_WINDOW = dt.timedelta(hours=24)


class WorkflowError(Exception):
    """A move the rules do not allow; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _return_guard(ticket: Ticket) -> str | None:
    if ticket.dispatched_at and timezone.now() - ticket.dispatched_at > RETURN_WINDOW:
        return "派单已超过24小时，不能退单，请按时办理。"
    if ticket.returns.filter(accepted=False).exists():
        return "派单人员已确定管辖，该工单不能再次退单。"
    return None


def _reopen_guard(ticket: Ticket) -> str | None:
    if ticket.follow_up_result != FollowUpResult.DISSATISFIED:
        return "只有回访结果为「不满意」的工单才能重办。"
    return None


def _close_guard(ticket: Ticket) -> str | None:
    if ticket.status == Status.REPLIED and ticket.reply_wanted:
        return "来电人需要答复，须先回访再办结。"
    return None


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    unit_only: bool = False  # only members of the handling unit (subtree) may act
    guard: Callable[[Ticket], str | None] | None = None


TRANSITIONS: dict[str, Transition] = {
    "dispatch": Transition(
        "派单", (Status.RECEIVED,), Status.DISPATCHED, "hotline.dispatch_ticket"
    ),
    "answer_on_call": Transition(
        "即时答复", (Status.RECEIVED,), Status.CLOSED, "hotline.dispatch_ticket"
    ),
    "not_accept": Transition(
        "不予受理", (Status.RECEIVED,), Status.CLOSED, "hotline.dispatch_ticket"
    ),
    "sign": Transition(
        "签收",
        (Status.DISPATCHED,),
        Status.IN_PROGRESS,
        "hotline.handle_ticket",
        unit_only=True,
    ),
    "request_return": Transition(
        "退单",
        (Status.DISPATCHED,),
        Status.RETURN_REQUESTED,
        "hotline.handle_ticket",
        unit_only=True,
        guard=_return_guard,
    ),
    "accept_return": Transition(
        "同意退单",
        (Status.RETURN_REQUESTED,),
        Status.RECEIVED,
        "hotline.dispatch_ticket",
    ),
    "reject_return": Transition(
        "驳回退单",
        (Status.RETURN_REQUESTED,),
        Status.DISPATCHED,
        "hotline.dispatch_ticket",
    ),
    "request_extension": Transition(
        "申请延期",
        (Status.IN_PROGRESS,),
        Status.EXTENSION_REQUESTED,
        "hotline.handle_ticket",
        unit_only=True,
    ),
    "approve_extension": Transition(
        "批准延期",
        (Status.EXTENSION_REQUESTED,),
        Status.IN_PROGRESS,
        "hotline.approve_extension",
    ),
    "reject_extension": Transition(
        "不批准延期",
        (Status.EXTENSION_REQUESTED,),
        Status.IN_PROGRESS,
        "hotline.approve_extension",
    ),
    "reply": Transition(
        "答复",
        (Status.IN_PROGRESS,),
        Status.REPLIED,
        "hotline.handle_ticket",
        unit_only=True,
    ),
    "follow_up": Transition(
        "回访", (Status.REPLIED,), Status.VISITED, "hotline.change_ticket"
    ),
    "reopen": Transition(
        "重办",
        (Status.VISITED,),
        Status.IN_PROGRESS,
        "hotline.change_ticket",
        guard=_reopen_guard,
    ),
    "close": Transition(
        "办结",
        (Status.VISITED, Status.REPLIED),
        Status.CLOSED,
        "hotline.change_ticket",
        guard=_close_guard,
    ),
}


def is_unit_member(user, ticket: Ticket) -> bool:
    """The ticket's handling unit lies in the user's unit subtree (the same rule
    as ``Ticket.objects.visible_to`` for 承办人员)."""
    if ticket.unit_id is None or user.unit_id is None:
        return False
    return ticket.unit.path.startswith(user.unit.path)


def refusal(ticket: Ticket, action: str, user) -> str | None:
    """Why ``user`` may not make ``action`` on ``ticket`` now, or None if allowed."""
    move = TRANSITIONS.get(action)
    if move is None:
        return "未知的操作。"
    if user is None or not user.has_perm(move.permission):
        return f"您没有「{move.label}」的权限。"
    if ticket.status not in move.sources:
        return (
            f"工单当前状态为「{ticket.get_status_display()}」，"
            f"不能执行「{move.label}」。"
        )
    if move.unit_only and not is_unit_member(user, ticket):
        return f"只有承办单位的人员才能「{move.label}」。"
    if move.guard is not None:
        return move.guard(ticket)
    return None


def allowed_actions(ticket: Ticket, user) -> list[str]:
    """The moves the ticket page offers this user, in the table's order."""
    return [name for name in TRANSITIONS if refusal(ticket, name, user) is None]
