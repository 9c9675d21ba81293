"""Services for background export jobs (ExportJob): start one, run one.

A job moves pending → running → done | failed.  ``export_job_create`` is the one
write that starts a job (audited as "export"); a Celery task then calls
``export_job_run`` with the function that writes the file.  ``export_job_run``
claims the job with a conditional update, so a second delivery of the same task
does nothing; it builds the file in a temporary file and stores it under
MEDIA_ROOT/exports/ with a server-generated name only once it is complete, and
marks the job done in the same conditional update that records the name — a
download never sees a half-written file.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.jobs.models import ExportJob

logger = logging.getLogger(__name__)

Status = ExportJob.Status
Builder = Callable[[ExportJob, BinaryIO, Callable[[int], None]], None]

MESSAGE_FAILED = "生成失败，请稍后重新提交；如仍失败请联系系统管理员。"
MESSAGE_INTERRUPTED = "生成过程被中断（后台进程退出），请重新提交导出。"
MESSAGE_NOT_QUEUED = "后台任务队列暂不可用，未能开始生成，请稍后重新提交。"


@transaction.atomic
def export_job_create(
    *, kind: str, params: dict, title: str, filename: str, by, request=None
) -> ExportJob:
    """Record a requested export and audit it; then ``export_job_enqueue`` it."""
    job = ExportJob.objects.create(
        kind=kind,
        params={**params, "title": title, "filename": filename},
        requested_by=by,
    )
    audit_record(
        by=by,
        action="export",
        obj=job,
        to_state=job.status,
        reason=title,
        changes=params,
        request=request,
    )
    return job


def job_enqueue(job, task, *, message: str = MESSAGE_NOT_QUEUED, refused=None) -> None:
    """Send ``task(job.pk)`` once the current transaction commits (the worker must
    find the row).  If the broker cannot take it, the job (an export or an import
    job: both have the pending/failed statuses) says so with ``message`` instead
    of waiting in the queue for ever, and ``refused()`` tidies up after it."""

    def send() -> None:
        try:
            task.delay(job.pk)
        except Exception:
            logger.exception("%s %s could not be queued", job._meta.model_name, job.pk)
            type(job).objects.filter(pk=job.pk, status=Status.PENDING).update(
                status=Status.FAILED,
                error=message,
                finished_at=timezone.now(),
            )
            if refused is not None:
                refused()

    transaction.on_commit(send)


def export_job_enqueue(job: ExportJob, task) -> None:
    job_enqueue(job, task)


def export_job_run(
    job_id: int, *, build: Builder, suffix: str = ".xlsx", redelivered: bool = False
) -> ExportJob | None:
    """Build the job's file with ``build(job, stream, progress)`` and store it.

    Runs outside any transaction on purpose: each progress update commits at
    once so the page polling the job sees it.  Returns the finished job, or None
    when the job was not pending (already claimed, finished or unknown).
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.RUNNING, progress=0
    )
    if not claimed:
        if redelivered:
            # acks_late redelivery of a job still marked running: the worker that
            # claimed it died mid-build and stored nothing.  Say so instead of
            # leaving the job running for ever.
            ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                status=Status.FAILED,
                error=MESSAGE_INTERRUPTED,
                finished_at=timezone.now(),
            )
        return None

    job = ExportJob.objects.get(pk=job_id)
    reported = 0

    def progress(percent: int) -> None:
        nonlocal reported
        percent = max(0, min(99, int(percent)))  # 100 means stored
        if percent > reported:
            reported = percent
            ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                progress=percent
            )

    try:
        with tempfile.TemporaryFile() as stream:
            build(job, stream, progress)
            stream.seek(0)
            name = default_storage.save(
                f"exports/{job.kind}-{job.pk}-{secrets.token_hex(8)}{suffix}",
                File(stream),
            )
    except Exception:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=MESSAGE_FAILED, finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job_id)

    finished = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE, progress=100, file=name, finished_at=timezone.now()
    )
    if not finished:
        # Marked failed meanwhile (see above): the file must not linger unlisted.
        default_storage.delete(name)
    return ExportJob.objects.get(pk=job_id)
