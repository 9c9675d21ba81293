"""The daily beat task flags and 督办s overdue tickets, once per lapsed deadline."""

import datetime as dt

from django.utils import timezone

from hotline.models import SupervisionNotice, Ticket
from hotline.tasks import flag_overdue_tickets_task
from jiaotong.models import AuditEvent
from tests.hotline.conftest import intake


def test_task_supervises_overdue_tickets_once(hotline_agent, org):
    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    Ticket.objects.filter(pk=ticket.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert flag_overdue_tickets_task.delay().get() == 1
    assert flag_overdue_tickets_task.delay().get() == 0
    ticket.refresh_from_db()
    assert ticket.supervised
    notice = SupervisionNotice.objects.get()
    assert notice.automatic and notice.created_by is None
    event = AuditEvent.objects.get(action="ticket_supervise")
    assert event.actor is None and event.actor_name == "系统"


def test_task_with_nothing_overdue_does_nothing(received):
    assert flag_overdue_tickets_task() == 0
    assert not SupervisionNotice.objects.exists()
