"""Two people make the same move on one ticket at once: exactly one wins, the
other is told (select_for_update). Needs real row locks, so PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from hotline import services
from hotline.models import Status, Ticket
from jiaotong import roles
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError
from tests.factories import make_user
from tests.hotline.conftest import intake

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
]


def test_concurrent_sign_exactly_one_wins(hotline_agent, handler, org):
    colleague = make_user("handler_b", roles=[roles.ROLE_HANDLER], unit=org["squad"])
    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(user):
        try:
            barrier.wait()
            services.ticket_sign(ticket=Ticket(pk=ticket.pk), by=user)
            outcomes.append("ok")
        except WorkflowError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (handler, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    assert "办理中" in next(o for o in outcomes if o != "ok")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert AuditEvent.objects.filter(action="ticket_sign").count() == 1
