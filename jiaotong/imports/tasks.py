"""Celery task of an import job.  Thin: call the service with the job's id.

acks_late and reject_on_worker_lost as for exports (jiaotong.reports.tasks): a
worker lost mid-import hands the message back, and the redelivered task marks
the job failed; the import's transaction died with the worker, so nothing of
it was written.
"""

from celery import shared_task

from jiaotong.imports.jobs import import_job_run


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def import_job_task(self, job_id: int) -> None:
    delivery = self.request.delivery_info or {}
    import_job_run(job_id, redelivered=bool(delivery.get("redelivered")))
