"""Daily duties of the service window (Celery beat, Asia/Shanghai)."""

from celery import shared_task

from jiaotong.locks import single_run

from .services import applications_deem_accepted, applications_flag_overdue


@shared_task(acks_late=True)
@single_run()
def flag_overdue_applications_task() -> dict:
    """Deem late-unanswered receipts accepted, then flag overdue applications.
    Both steps claim their rows, so running the task twice changes nothing."""
    return {
        "deemed_accepted": applications_deem_accepted(),
        "flagged": applications_flag_overdue(),
    }
