"""The deadline rule table and the ``tickets`` import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from jiaotong.audit.services import audit_record
from jiaotong.imports.framework import CREATED, import_update
from jiaotong.workflow import WorkflowError

from ..models import (
    ClosureKind,
    Status,
    Ticket,
    TicketDeadlineRule,
)
from .tickets import compute_due_date

# --- Rule table ----------------------------------------------------------------------


@transaction.atomic
def deadline_rule_update(
    *, rule: TicketDeadlineRule, days: int, extension_days: int, basis: str, by
) -> TicketDeadlineRule:
    """Change a deadline rule (a configuration change, audited). Existing tickets
    keep their deadlines; new tickets use the new rule."""
    if not by.has_perm("hotline.change_ticketdeadlinerule"):
        raise WorkflowError("您没有修改办理时限规则的权限。")
    if days < 1:
        raise WorkflowError("办理时限至少为1个工作日。")
    rule = TicketDeadlineRule.objects.select_for_update().get(pk=rule.pk)
    before = {"days": rule.days, "extension_days": rule.extension_days}
    rule.days, rule.extension_days, rule.basis = days, extension_days, basis.strip()
    rule.save()
    audit_record(
        by=by,
        action="config_change",
        obj=rule,
        changes={
            "before": before,
            "after": {"days": days, "extension_days": extension_days},
        },
    )
    return rule


# --- Import --------------------------------------------------------------------------


@dataclass
class TicketRow:
    """One row of a ``tickets`` workbook, parsed and checked by hotline.imports."""

    ticket_no: str
    source: str
    received_at: dt.datetime
    category: str
    area: str
    content: str
    caller_name: str = ""
    caller_phone: str = ""
    enterprise: object = None
    unit: object = None
    due_date: dt.date | None = None
    closed_at: dt.datetime | None = None
    reply_text: str = ""
    follow_up_result: str = ""


def _imported_fields(
    row: TicketRow, existing: Ticket | None, due=compute_due_date
) -> dict:
    fields = {
        "source": row.source,
        "received_at": row.received_at,
        "category": row.category,
        "area": row.area,
        "content": row.content,
        "caller_name": row.caller_name,
        "caller_phone": row.caller_phone,
        "enterprise_id": row.enterprise.pk if row.enterprise else None,
        "unit_id": row.unit.pk if row.unit else None,
        "due_date": row.due_date or due(row.received_at, row.source, row.category),
        "reply_text": row.reply_text,
        "follow_up_result": row.follow_up_result,
    }
    if row.closed_at is not None:
        fields.update(
            status=Status.CLOSED,
            closed_at=row.closed_at,
            closure_kind=ClosureKind.HANDLED if row.unit else ClosureKind.ON_CALL,
        )
        if existing is None or existing.replied_at is None:
            fields["replied_at"] = row.closed_at
        if row.follow_up_result and (existing is None or not existing.followed_up_at):
            fields["followed_up_at"] = row.closed_at
    elif existing is None:
        # A new open ticket starts where the row says it is; an existing open
        # ticket's status belongs to the portal's workflow and is left alone.
        if row.reply_text:
            status = Status.VISITED if row.follow_up_result else Status.REPLIED
        elif row.unit:
            status = Status.DISPATCHED
        else:
            status = Status.RECEIVED
        fields["status"] = status
        if row.unit:
            fields["dispatched_at"] = row.received_at
    return fields


@transaction.atomic
def ticket_import_row(*, row: TicketRow, by) -> str:
    """Create or update the ticket keyed by its upstream number. An import may
    close a ticket, never reopen it or move it backwards."""
    existing = (
        Ticket.objects.select_for_update().filter(ticket_no=row.ticket_no).first()
    )
    fields = _imported_fields(row, existing)
    if existing is None:
        ticket = Ticket.objects.create(ticket_no=row.ticket_no, created_by=by, **fields)
        audit_record(by=by, action="ticket_import", obj=ticket, to_state=ticket.status)
        return CREATED
    return import_update(existing, fields, by=by, action="ticket_import")


# Fields an imported row may or may not set (see _imported_fields): a new
# ticket that does not set one gets the model's default.
_SOMETIMES = (
    "status",
    "closed_at",
    "closure_kind",
    "replied_at",
    "followed_up_at",
    "dispatched_at",
)


def ticket_import_many(*, rows: list[TicketRow], by, due=compute_due_date):
    """``ticket_import_row`` for a batch of a large import: the same records
    and audit events, with one query to find the existing tickets, one COPY for
    the new ones (``copy_rows``) and one UPDATE per changed ticket.  Returns
    the outcomes (one per row, in order) and the audit events as
    ``audit_record`` keywords for the caller to append (``audit_record_many``).
    ``due`` computes a deadline the row leaves empty (``compute_due_date`` or an
    import's cached one)."""
    from jiaotong.dashboard.cache import bump_after_commit
    from jiaotong.imports.framework import copy_created

    existing = {
        ticket.ticket_no: ticket
        for ticket in Ticket.objects.select_for_update().filter(
            ticket_no__in=[row.ticket_no for row in rows]
        )
    }
    defaults = {name: Ticket._meta.get_field(name).get_default() for name in _SOMETIMES}
    created_by = by.pk if by is not None and by.is_authenticated else None
    outcomes, events, created = [], [], []
    for row in rows:
        ticket = existing.get(row.ticket_no)
        fields = _imported_fields(row, ticket, due)
        if ticket is None:
            values = {
                "ticket_no": row.ticket_no,
                "created_by_id": created_by,
                **defaults,
                **fields,
            }
            event = {
                "by": by,
                "action": "ticket_import",
                "object_type": Ticket._meta.label_lower,
                "object_repr": f"{row.ticket_no}（{row.source}）",  # str(ticket)
                "to_state": values["status"],
            }
            created.append((values, event))
            events.append(event)  # its object_id once the row is stored
            outcomes.append(CREATED)
            continue
        # As ticket_import_row: a changed ticket is saved (and audited) alone.
        outcome = import_update(ticket, fields, by=by, action="ticket_import")
        outcomes.append(outcome)
    if created:
        copy_created(Ticket, "ticket_no", created)
        bump_after_commit()  # COPY sends no post_save (dashboard figures)
    return outcomes, events
