"""A real Celery worker runs an import job (DESIGN.md pitfall 2): the upload
queues the dry run through Redis, the worker thread reads, checks and counts
the workbook against the committed test database; the confirmation queues the
import, which the worker writes.  Uses the worker fixtures of
test_celery_worker (own Celery app, own queue, Redis of JIAOTONG_TEST_BROKER_URL).
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaotong.imports.jobs import import_job_confirm, import_job_start, upload_path
from jiaotong.imports.tasks import import_job_task
from jiaotong.jobs.models import ImportJob
from jiaotong.models import AuditEvent, Matter
from tests.fixtures.workbooks import matter_row, workbook_bytes
from tests.jiaotong.test_celery_worker import (  # noqa: F401  (fixtures)
    worker_app,
    worker_db_access,
)

TIMEOUT = 60  # seconds for the worker to finish a job

pytestmark = pytest.mark.celery_worker


def _wait_until_finished(job_id: int) -> ImportJob:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish import job {job_id} in {TIMEOUT} s")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_dry_run_then_the_import(
    worker_app,  # noqa: F811
    worker_db_access,  # noqa: F811
    sysadmin,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile(
        "权责清单.xlsx", workbook_bytes([matter_row("JT-1"), matter_row("JT-2")])
    )

    with start_worker(worker_app, pool="solo", perform_ping_check=False):
        assert not import_job_task.app.conf.task_always_eager  # through Redis
        preview = import_job_start(
            kind="matters", upload=upload, by=sysadmin, task=import_job_task
        )
        preview = _wait_until_finished(preview.pk)
        assert preview.status == ImportJob.Status.DONE, preview.error
        assert not Matter.objects.exists()  # a dry run writes nothing

        job = import_job_confirm(
            preview_id=preview.pk, by=sysadmin, task=import_job_task
        )
        job = _wait_until_finished(job.pk)

    assert preview.result["created"] == 2 and preview.progress == 100
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.result["created"] == 2 and job.result["error_count"] == 0
    assert set(Matter.objects.values_list("code", flat=True)) == {"JT-1", "JT-2"}
    event = AuditEvent.objects.get(action="import")
    assert event.actor == sysadmin and "权责清单.xlsx" in event.reason
    assert not upload_path(job.token).exists()
