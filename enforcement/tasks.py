"""Celery tasks for enforcement: thin wrappers around services."""

from celery import shared_task

from jiaotong.locks import single_run

from .services import (
    case_flag_overdue,
    certificates_expire,
    officers_flag_departed,
    publicity_collect_licensing,
)


@shared_task
@single_run()
def flag_overdue_cases_task() -> int:
    """Daily: mark undecided cases past the 90-day limit (+ extensions); each
    case is claimed once by a conditional update, so a rerun changes nothing."""
    return case_flag_overdue()


@shared_task
@single_run()
def expire_certificates_task() -> int:
    """Daily: certificates past their validity become 过期 (conditional update);
    officers whose account was deactivated are flagged 待注销. The 60/30-day
    warnings are read live by the home queue and officer list."""
    return certificates_expire() + officers_flag_departed()


@shared_task
@single_run()
def collect_licensing_publicity_task() -> int:
    """Daily: open publicity records for the last 30 days' licensing decisions
    on matters marked for publicity (get_or_create: a rerun adds nothing)."""
    return publicity_collect_licensing()


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def publicity_batch_task(self, job_id: int) -> None:
    from jiaotong.jobs.services import export_job_run

    from .exports import build_publicity_batch

    delivery = self.request.delivery_info or {}
    export_job_run(
        job_id,
        build=build_publicity_batch,
        redelivered=bool(delivery.get("redelivered")),
    )
