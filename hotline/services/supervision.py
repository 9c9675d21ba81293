"""督办: supervising overdue tickets, by hand and by the daily beat task."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.workflow import WorkflowError

from ..models import (
    SupervisionNotice,
    Ticket,
)
from .tickets import lock_ticket

# --- 督办 ------------------------------------------------------------------------


@transaction.atomic
def ticket_supervise(
    *, ticket: Ticket, by=None, reason: str = "", today: dt.date | None = None
) -> SupervisionNotice:
    """督办 an overdue open ticket: flag it and send a notice to the handling unit,
    which its leaders see too. One notice per lapsed deadline; ``by`` is None when
    the daily beat task does it."""
    today = today or timezone.localdate()
    if by is not None and not by.has_perm("hotline.dispatch_ticket"):
        raise WorkflowError("您没有「督办」的权限。")
    locked = lock_ticket(ticket)
    if not locked.is_open:
        raise WorkflowError("工单已答复或办结，无需督办。")
    if locked.due_date >= today:
        raise WorkflowError("工单尚未超过办理时限，不能督办。")
    now = timezone.now()
    # Claim this lapsed deadline with a conditional update: a second run of the
    # task, or a second click, updates nothing and is refused.
    claimed = (
        Ticket.objects.filter(pk=locked.pk, due_date=locked.due_date)
        .exclude(supervised_due=F("due_date"))
        .update(supervised=True, supervised_at=now, supervised_due=F("due_date"))
    )
    if not claimed:
        raise WorkflowError("该工单本次超期已督办。")
    reason = reason.strip() or (
        f"工单已超过办理时限（{locked.due_date:%Y-%m-%d}）未答复，予以督办。"
    )
    notice = SupervisionNotice.objects.create(
        ticket=locked,
        unit=locked.unit,
        due_date=locked.due_date,
        automatic=by is None,
        reason=reason,
        created_by=by,
        created_at=now,
    )
    audit_record(
        by=by,
        action="ticket_supervise",
        obj=locked,
        reason=reason,
        changes={"due_date": locked.due_date, "automatic": by is None},
    )
    return notice


def tickets_flag_overdue(*, today: dt.date | None = None) -> int:
    """督办 every open ticket past its deadline that has not been supervised for
    that deadline. Safe to run twice: the second run finds nothing to claim."""
    today = today or timezone.localdate()
    candidates = (
        Ticket.objects.counted()
        .overdue(today)
        .exclude(supervised_due=F("due_date"))
        .values_list("pk", flat=True)
    )
    flagged = 0
    for pk in list(candidates):
        try:
            ticket_supervise(ticket=Ticket(pk=pk), today=today)
        except WorkflowError:
            continue  # handled or supervised meanwhile
        flagged += 1
    return flagged


@transaction.atomic
def notice_acknowledge(*, notice: SupervisionNotice, by) -> SupervisionNotice:
    """阅知: a unit leader or handler confirms having read a 督办 notice."""
    updated = SupervisionNotice.objects.filter(
        pk=notice.pk, acknowledged_at__isnull=True
    ).update(acknowledged_by=by, acknowledged_at=timezone.now())
    notice.refresh_from_db()
    if updated:
        audit_record(by=by, action="notice_acknowledge", obj=notice)
    return notice
