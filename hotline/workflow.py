"""The ticket workflow as data (DOMAIN.md §5.2).

``TICKET_WORKFLOW`` lists every allowed move by action: from which statuses, to
which status, the permission it needs, the guard that states why a move is
refused right now (only the handling unit may sign, return, ask for more time or
reply), and the form, service and message the generic action view uses. The
services in ``hotline.services`` perform the moves; the ticket page offers
exactly the moves ``TICKET_WORKFLOW.allowed_actions`` returns.

Adding a move: a row here, its service in ``hotline/services/tickets.py`` (the
row names it there), and its form when it needs input.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiaotong.workflow import Transition, Workflow, first_refusal

from .models import FollowUpResult, Status, Ticket

RETURN_WINDOW = dt.timedelta(hours=24)


def is_unit_member(user, ticket: Ticket) -> bool:
    """The ticket's handling unit lies in the user's unit subtree (the same rule
    as ``Ticket.objects.visible_to`` for 承办人员)."""
    if ticket.unit_id is None or user.unit_id is None:
        return False
    return ticket.unit.path.startswith(user.unit.path)


def _unit_only(ticket: Ticket, user) -> str | None:
    if not is_unit_member(user, ticket):
        return "只有承办单位的人员才能办理该工单。"
    return None


def _return_guard(ticket: Ticket, user) -> str | None:
    if ticket.dispatched_at and timezone.now() - ticket.dispatched_at > RETURN_WINDOW:
        return "派单已超过24小时，不能退单，请按时办理。"
    if ticket.returns.filter(accepted=False).exists():
        return "派单人员已确定管辖，该工单不能再次退单。"
    return None


def _reopen_guard(ticket: Ticket, user) -> str | None:
    if ticket.follow_up_result != FollowUpResult.DISSATISFIED:
        return "只有回访结果为「不满意」的工单才能重办。"
    return None


def _close_guard(ticket: Ticket, user) -> str | None:
    if ticket.status == Status.REPLIED and ticket.reply_wanted:
        return "来电人需要答复，须先回访再办结。"
    return None


def _reason(label: str, name: str = "reason", required: bool = True) -> dict:
    """``jiaotong.actions.ReasonForm``'s options: its label and the service keyword."""
    return {"label": label, "name": name, "required": required}


REASON_FORM = "jiaotong.actions.ReasonForm"
DISPATCH = "hotline.dispatch_ticket"
HANDLE = "hotline.handle_ticket"
CHANGE = "hotline.change_ticket"
APPROVE = "hotline.approve_extension"

TICKET_WORKFLOW = Workflow(
    object_name="ticket",
    audit_prefix="ticket",
    transitions={
        "dispatch": Transition(
            "派单",
            (Status.RECEIVED,),
            Status.DISPATCHED,
            DISPATCH,
            service="hotline.services.tickets.ticket_dispatch",
            form="hotline.forms.DispatchForm",
            done="已派单至{obj.unit}。",
        ),
        "answer_on_call": Transition(
            "即时答复",
            (Status.RECEIVED,),
            Status.CLOSED,
            DISPATCH,
            service="hotline.services.tickets.ticket_answer_on_call",
            form="hotline.forms.ReplyTextForm",
            done="已即时答复并办结。",
        ),
        "not_accept": Transition(
            "不予受理",
            (Status.RECEIVED,),
            Status.CLOSED,
            DISPATCH,
            service="hotline.services.tickets.ticket_not_accept",
            form="hotline.forms.NotAcceptForm",
            done="已不予受理并办结。",
            confirm="确定「不予受理」？",
            style="danger",
        ),
        "redispatch": Transition(
            "改派",
            (Status.DISPATCHED,),
            Status.DISPATCHED,
            DISPATCH,
            service="hotline.services.tickets.ticket_redispatch",
            form="hotline.forms.DispatchForm",
            done="已改派至{obj.unit}。",
        ),
        "sign": Transition(
            "签收",
            (Status.DISPATCHED,),
            Status.IN_PROGRESS,
            HANDLE,
            guard=_unit_only,
            service="hotline.services.tickets.ticket_sign",
            done="已签收，请在办理时限内答复。",
        ),
        "request_return": Transition(
            "退单",
            (Status.DISPATCHED,),
            Status.RETURN_REQUESTED,
            HANDLE,
            guard=first_refusal(_unit_only, _return_guard),
            service="hotline.services.tickets.ticket_request_return",
            form=REASON_FORM,
            form_kwargs=_reason("退单理由"),
            done="退单申请已提交，等待派单人员审核。",
            confirm="确定「退单」？",
            style="danger",
        ),
        "accept_return": Transition(
            "同意退单",
            (Status.RETURN_REQUESTED,),
            Status.RECEIVED,
            DISPATCH,
            service="hotline.services.tickets.ticket_accept_return",
            form="hotline.forms.AcceptReturnForm",
            done="已同意退单。",
        ),
        "reject_return": Transition(
            "驳回退单",
            (Status.RETURN_REQUESTED,),
            Status.DISPATCHED,
            DISPATCH,
            service="hotline.services.tickets.ticket_reject_return",
            form=REASON_FORM,
            form_kwargs=_reason("驳回理由", "note"),
            done="已驳回退单，工单仍由原单位办理。",
            confirm="确定「驳回退单」？",
            style="danger",
        ),
        "request_extension": Transition(
            "申请延期",
            (Status.IN_PROGRESS,),
            Status.EXTENSION_REQUESTED,
            HANDLE,
            guard=_unit_only,
            service="hotline.services.tickets.ticket_request_extension",
            form="hotline.forms.ExtensionRequestForm",
            done="延期申请已提交，等待局领导审批。",
        ),
        "approve_extension": Transition(
            "批准延期",
            (Status.EXTENSION_REQUESTED,),
            Status.IN_PROGRESS,
            APPROVE,
            service="hotline.services.tickets.ticket_approve_extension",
            form="hotline.forms.ApproveExtensionForm",
            done="已批准延期。",
        ),
        "reject_extension": Transition(
            "不批准延期",
            (Status.EXTENSION_REQUESTED,),
            Status.IN_PROGRESS,
            APPROVE,
            service="hotline.services.tickets.ticket_reject_extension",
            form=REASON_FORM,
            form_kwargs=_reason("不批准的理由", "note"),
            done="已不批准延期。",
            confirm="确定「不批准延期」？",
            style="danger",
        ),
        "reply": Transition(
            "答复",
            (Status.IN_PROGRESS,),
            Status.REPLIED,
            HANDLE,
            guard=_unit_only,
            service="hotline.services.tickets.ticket_reply",
            form="hotline.forms.ReplyTextForm",
            done="已答复，等待热线回访。",
        ),
        "follow_up": Transition(
            "回访",
            (Status.REPLIED,),
            Status.VISITED,
            CHANGE,
            service="hotline.services.tickets.ticket_follow_up",
            form="hotline.forms.FollowUpForm",
            done="回访结果已记录。",
        ),
        "reopen": Transition(
            "重办",
            (Status.VISITED,),
            Status.IN_PROGRESS,
            CHANGE,
            guard=_reopen_guard,
            service="hotline.services.tickets.ticket_reopen",
            form=REASON_FORM,
            form_kwargs=_reason("重办原因", "cause"),
            done="已退回承办单位重办。",
            confirm="确定「重办」？",
            style="danger",
        ),
        "close": Transition(
            "办结",
            (Status.VISITED, Status.REPLIED),
            Status.CLOSED,
            CHANGE,
            guard=_close_guard,
            service="hotline.services.tickets.ticket_close",
            form=REASON_FORM,
            form_kwargs=_reason("办结说明", "note", required=False),
            done="工单已办结。",
        ),
    },
)
