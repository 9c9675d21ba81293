"""Writes for hotline tickets: intake, the closed loop of ``workflow.TICKET_WORKFLOW``
(one service per move, in ``tickets.py``), 督办, attachments, the deadline rules
and imports.

Every service takes keyword-only arguments including ``by`` (the acting user;
None only for the system's own beat task), runs in one transaction, re-reads the
ticket with ``select_for_update()`` before deciding, refuses a move the rules do
not allow with a ``WorkflowError`` in Chinese, and writes one AuditEvent.

Link to enforcement: a ticket that substantiates a violation by an enterprise
(a 投诉 or 举报 found true when it is closed) is where a penalty case will be
opened, by calling the enforcement app's own service from ``ticket_close`` once
that app exists. This module builds no stand-in for it.
"""

from jiaotong.imports.uploads import UPLOAD_TYPES

from ..rules import can_see_caller
from .files import attachment_add, check_upload
from .numbers import NUMBER_PREFIX, ticket_number_next
from .records import (
    TicketRow,
    deadline_rule_update,
    ticket_import_many,
    ticket_import_row,
)
from .supervision import notice_acknowledge, ticket_supervise, tickets_flag_overdue
from .tickets import (
    DEFAULT_DAYS,
    DEFAULT_EXTENSION_DAYS,
    compute_due_date,
    deadline_rule,
    ticket_accept_return,
    ticket_answer_on_call,
    ticket_approve_extension,
    ticket_close,
    ticket_create,
    ticket_dispatch,
    ticket_follow_up,
    ticket_not_accept,
    ticket_reject_extension,
    ticket_reject_return,
    ticket_reopen,
    ticket_reply,
    ticket_request_extension,
    ticket_request_return,
    ticket_reveal_caller,
    ticket_sign,
)

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_EXTENSION_DAYS",
    "NUMBER_PREFIX",
    "UPLOAD_TYPES",
    "TicketRow",
    "attachment_add",
    "can_see_caller",
    "check_upload",
    "compute_due_date",
    "deadline_rule",
    "deadline_rule_update",
    "notice_acknowledge",
    "ticket_accept_return",
    "ticket_answer_on_call",
    "ticket_approve_extension",
    "ticket_close",
    "ticket_create",
    "ticket_dispatch",
    "ticket_follow_up",
    "ticket_import_many",
    "ticket_import_row",
    "ticket_not_accept",
    "ticket_number_next",
    "ticket_reject_extension",
    "ticket_reject_return",
    "ticket_reopen",
    "ticket_reply",
    "ticket_request_extension",
    "ticket_request_return",
    "ticket_reveal_caller",
    "ticket_sign",
    "ticket_supervise",
    "tickets_flag_overdue",
]
