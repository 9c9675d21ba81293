"""Celery task of the audit trail."""

from celery import shared_task

from jiaotong.audit.services import audit_chain_check, audit_checkpoint_write
from jiaotong.locks import single_run


@shared_task
@single_run()
def verify_audit_task() -> dict:
    """Daily check of the audit chain; the result is itself recorded in the
    trail, where the 审计管理员's page shows the last verification. When the
    chain is intact, its head is checkpointed outside the database (file under
    AUDIT_CHECKPOINT_DIR) and returned, so the Celery result log holds it too."""
    report = audit_chain_check(record=True)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "broken_id": report.broken_id,
        "problem": report.problem,
        "checkpoint": audit_checkpoint_write() if report.ok else None,
    }
