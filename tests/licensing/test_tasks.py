import datetime as dt

from django.utils import timezone

from licensing.models import Application
from licensing.tasks import flag_overdue_applications_task

S = Application.Status


def test_daily_task_deems_acceptance_then_flags_overdue_and_is_idempotent(
    receive, licensing_matter
):
    old = receive(licensing_matter, received_at=timezone.now() - dt.timedelta(days=40))
    fresh = receive(licensing_matter)
    result = flag_overdue_applications_task.delay().get()
    assert result == {"deemed_accepted": 1, "flagged": 1}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == S.ACCEPTED and old.deemed_accepted
    assert old.overdue_flagged_at is not None
    assert fresh.status == S.RECEIVED and fresh.overdue_flagged_at is None
    assert flag_overdue_applications_task.delay().get() == {
        "deemed_accepted": 0,
        "flagged": 0,
    }
