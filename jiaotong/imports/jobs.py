"""Imports as background jobs (ImportJob): the upload page stores the workbook
and queues a dry run; the person follows it on the job page (progress bar, then
the counts or every bad row); 确认导入 queues the import itself, from the same
stored file.  Parsing, checking and writing all run in the Celery task, never in
the web request (issue 12: a hostile workbook must not hold a web worker).

A job moves pending → running → done | failed, like an export job
(jiaotong.jobs.services): ``import_job_run`` claims it with a conditional update,
so a second delivery of the task does nothing, and a redelivery after a worker
died marks it failed.  ``done`` means the import ran to its answer, errors
included (they are the answer); ``failed`` means it could not run at all.

The workbook waits under MEDIA_ROOT/imports/<token>.xlsx (a server-generated
name) and is deleted when the job that needs it last has ended: a dry run that
found errors, the import, or a failure.  A dry run that passed keeps it for the
confirmation; abandoned ones are swept after a day (``STALE_SECONDS``).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from jiaotong.audit.services import _current_request, client_ip
from jiaotong.imports.framework import run_import
from jiaotong.jobs.models import ImportJob
from jiaotong.jobs.services import job_enqueue

logger = logging.getLogger(__name__)

Status = ImportJob.Status
STALE_SECONDS = 24 * 60 * 60
MAX_ERRORS_KEPT = 500  # rows listed on the job page; the count says how many in all
_TOKEN = re.compile(r"^[0-9a-f]{32}$")

MESSAGE_FAILED = (
    "导入过程出错，未写入任何数据；请稍后重新上传，如仍失败请联系系统管理员。"
)
MESSAGE_INTERRUPTED = "导入过程被中断（后台进程退出），未写入任何数据，请重新上传。"
MESSAGE_NOT_QUEUED = "后台任务队列暂不可用，未能开始导入，请稍后重新上传。"
MESSAGE_FILE_GONE = "上传的文件已不存在（可能已过期被清理），请重新上传。"


# --- The stored upload -----------------------------------------------------------


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_path(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise ValueError("bad import token")
    return upload_dir() / f"{token}.xlsx"


def store_upload(upload) -> str:
    """Save the upload under a server-generated name; return that name's token.
    Uploads older than a day (abandoned previews) are swept first."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.xlsx"):
        if now - old.stat().st_mtime > STALE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with upload_path(token).open("xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return token


def discard_upload(token: str | None) -> None:
    if token and _TOKEN.match(token):
        upload_path(token).unlink(missing_ok=True)


# --- Starting jobs ------------------------------------------------------------------


def _origin(request) -> dict:
    """The client address and user agent of the request starting a job."""
    if request is None:
        return {}
    return {
        "ip_address": client_ip(request),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:300],
    }


class _Origin:
    """Stands for the request that started a job while the job runs, so that its
    audit events record that request's address and user agent
    (``audit_record`` reads the request in progress)."""

    def __init__(self, job: ImportJob):
        self.META = {"HTTP_USER_AGENT": job.user_agent}
        if job.ip_address:
            self.META["REMOTE_ADDR"] = job.ip_address


@transaction.atomic
def import_job_start(*, kind: str, upload, by, task, request=None) -> ImportJob:
    """Store the uploaded workbook and queue its dry run (the preview) as
    ``task(job id)`` (jiaotong.imports.tasks.import_job_task)."""
    token = store_upload(upload)
    job = ImportJob.objects.create(
        kind=kind,
        source_name=(upload.name or "")[:100],
        dry_run=True,
        token=token,
        requested_by=by,
        **_origin(request),
    )
    _enqueue(job, task)
    return job


@transaction.atomic
def import_job_confirm(*, preview_id: int, by, task, request=None) -> ImportJob | None:
    """Queue the import of a dry run that passed, once; None when there is
    nothing to confirm (not this person's, not finished, had errors, already
    confirmed, or its file is gone)."""
    preview = (
        ImportJob.objects.select_for_update()
        .filter(pk=preview_id, requested_by=by, dry_run=True, status=Status.DONE)
        .first()
    )
    if (
        preview is None
        or preview.result.get("error_count", 1)
        or ImportJob.objects.filter(preview=preview).exists()
        or not upload_path(preview.token).exists()
    ):
        return None
    job = ImportJob.objects.create(
        kind=preview.kind,
        source_name=preview.source_name,
        dry_run=False,
        token=preview.token,
        preview=preview,
        requested_by=by,
        **_origin(request),
    )
    _enqueue(job, task)
    return job


def _enqueue(job: ImportJob, task) -> None:
    # A dry run that never starts leaves its upload behind: delete it then.
    job_enqueue(
        job,
        task,
        message=MESSAGE_NOT_QUEUED,
        refused=(lambda: discard_upload(job.token)) if job.dry_run else None,
    )


# --- Running a job ----------------------------------------------------------------


class _ProgressWriter:
    """Writes the job's progress on a connection of its own, in autocommit: the
    import writes inside one long transaction, and a progress update made there
    would show only at its end (or be rolled back with a dry run)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.reported = 0
        self.connection = None

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, int(percent)))  # 100 means finished
        if percent <= self.reported:
            return
        self.reported = percent
        try:
            if self.connection is None:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.connection.ops.quote_name(ImportJob._meta.db_table)
            with self.connection.cursor() as cursor:
                cursor.execute(
                    # The table name is the model's, quoted; the values are parameters.
                    f"UPDATE {table} SET progress = %s WHERE id = %s AND status = %s",  # noqa: S608
                    [percent, self.job_id, Status.RUNNING],
                )
        except DatabaseError:  # e.g. SQLite's single writer: progress is optional
            logger.info(
                "import job %s: progress %s%% not recorded", self.job_id, percent
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_job_run(job_id: int, *, redelivered: bool = False) -> ImportJob | None:
    """Run the job's dry run or import and record its answer.

    Runs outside any transaction (run_import opens its own).  Returns the
    finished job, or None when the job was not pending (already claimed,
    finished or unknown).
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.RUNNING, progress=0
    )
    if not claimed:
        if redelivered:
            # acks_late redelivery of a job still marked running: the worker that
            # claimed it died; its transaction was rolled back, nothing written.
            job = ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).first()
            if job is not None:
                ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                    status=Status.FAILED,
                    error=MESSAGE_INTERRUPTED,
                    finished_at=timezone.now(),
                )
                discard_upload(job.token)
        return None

    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    path = upload_path(job.token)
    if not path.exists():
        ImportJob.objects.filter(pk=job_id).update(
            status=Status.FAILED, error=MESSAGE_FILE_GONE, finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job_id)
    progress = _ProgressWriter(job_id)
    origin = _current_request.set(_Origin(job))
    try:
        result = run_import(
            job.kind,
            path,
            by=job.requested_by,
            dry_run=job.dry_run,
            source_name=job.source_name,
            progress=progress,
        )
    except Exception:
        logger.exception("import job %s (%s) failed", job.pk, job.kind)
        ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=MESSAGE_FAILED, finished_at=timezone.now()
        )
        discard_upload(job.token)
        return ImportJob.objects.get(pk=job_id)
    finally:
        progress.close()
        _current_request.reset(origin)

    ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE,
        progress=100,
        result={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "error_count": len(result.errors),
            "errors": [str(error) for error in result.errors[:MAX_ERRORS_KEPT]],
        },
        finished_at=timezone.now(),
    )
    if not (job.dry_run and result.ok):  # kept only for the confirmation
        discard_upload(job.token)
    return ImportJob.objects.get(pk=job_id)
