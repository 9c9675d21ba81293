"""Celery tasks of the project package.  Thin: load by id, call the service.

Delivery is acknowledged only after the task returns (acks_late) and a worker
lost mid-task hands the message back (reject_on_worker_lost), so a killed worker
never silently drops an export: the redelivered task marks the job failed
(jiaotong.jobs.services.export_job_run) instead of leaving it running for ever.
"""

from celery import shared_task

from jiaotong.jobs.services import export_job_run
from jiaotong.reports.builder import build_year_report


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def export_year_report_task(self, job_id: int) -> None:
    delivery = self.request.delivery_info or {}
    export_job_run(
        job_id,
        build=build_year_report,
        redelivered=bool(delivery.get("redelivered")),
    )


@shared_task
def verify_audit_task() -> dict:
    """Daily check of the audit chain; the result is itself recorded in the
    trail, where the 审计管理员's page shows the last verification. When the
    chain is intact, its head is checkpointed outside the database (file under
    AUDIT_CHECKPOINT_DIR) and returned, so the Celery result log holds it too."""
    from jiaotong.audit.services import audit_chain_check, audit_checkpoint_write

    report = audit_chain_check(record=True)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "broken_id": report.broken_id,
        "problem": report.problem,
        "checkpoint": audit_checkpoint_write() if report.ok else None,
    }
