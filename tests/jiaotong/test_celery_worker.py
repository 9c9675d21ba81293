"""A real Celery worker builds an export (DESIGN.md pitfall 2).

The worker runs in-process (``start_worker``, solo pool, in a thread) against the
Redis broker named by JIAOTONG_TEST_BROKER_URL, inside a transactional test, so
that it reads the committed test database.  The test uses its own Celery app and
queue, and puts the project's app back as the current one afterwards.
"""

import os
import time
import uuid

import pytest
from celery import Celery, _state
from celery.app.log import Logging
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult, _set_task_join_will_block, task_join_will_block
from celery.signals import setup_logging, task_postrun, task_prerun
from django.db import connections
from openpyxl import load_workbook

from jiaotong.celery import app as project_app
from jiaotong.models import ExportJob
from jiaotong.reports.builder import YEAR_REPORT_KIND
from jiaotong.reports.tasks import export_year_report_task
from tests.factories import make_matter

BROKER_URL = os.environ.get("JIAOTONG_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 60  # seconds for the worker to finish the job

pytestmark = pytest.mark.celery_worker


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis broker {BROKER_URL} does not answer: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def worker_app():
    """A Celery app configured from Django settings, but with a real broker, no
    eager mode and a queue of its own; the previous apps are restored after."""
    _require_redis()
    previous_default = _state.default_app
    # No Django fix-up: it would connect process-wide signal receivers when the
    # worker starts; worker_db_access does its database part explicitly.
    app = Celery("jiaotong-test-worker", set_as_current=False, fixups=[])
    app.config_from_object("django.conf:settings", namespace="CELERY")
    queue = f"jiaotong-test-{uuid.uuid4().hex}"
    app.conf.update(
        broker_url=BROKER_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    # start_worker sets up Celery logging; a setup_logging receiver tells Celery
    # that logging is handled, so pytest's handlers and levels stay untouched.
    setup_logging.connect(_leave_logging_alone)
    logging_was_set_up = Logging._setup
    saved_env = {key: os.environ.get(key) for key in _MP_LOG_ENV}
    join_will_block = task_join_will_block()
    try:
        yield app
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        app.close()
        project_app.set_current()
        _state.set_default_app(previous_default)
        setup_logging.disconnect(_leave_logging_alone)
        Logging._setup = logging_was_set_up
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _set_task_join_will_block(join_will_block)


_MP_LOG_ENV = ("_MP_FORK_LOGLEVEL_", "_MP_FORK_LOGFILE_", "_MP_FORK_LOGFORMAT_")


def _leave_logging_alone(**kwargs):
    return None


@pytest.fixture
def worker_db_access():
    """Let the worker thread reach the test database.

    PostgreSQL: the thread opens its own connection to the test database and
    closes it around each task (as Celery's Django fix-up does in production), so
    the test database can be dropped afterwards.  SQLite: the test database lives in memory
    inside the main thread's connection, so the worker borrows that connection,
    the way Django's live server thread does.
    """
    main = connections["default"]  # the wrapper itself, not the thread-local proxy
    shared = main.vendor == "sqlite" and main.is_in_memory_db()
    if shared:
        main.inc_thread_sharing()

    def before(**kwargs):
        if shared:
            connections["default"] = main
        else:
            connections.close_all()

    def after(**kwargs):
        if not shared:
            connections.close_all()

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
    try:
        yield
    finally:
        task_prerun.disconnect(before)
        task_postrun.disconnect(after)
        if shared:
            main.dec_thread_sharing()


def _wait_until_finished(job_id: int) -> ExportJob:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish export job {job_id} in {TIMEOUT} s")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_year_report(
    worker_app, worker_db_access, sysadmin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_matter("P1", power_type="行政处罚")
    job = ExportJob.objects.create(
        kind=YEAR_REPORT_KIND,
        params={"year": 2023, "org": None, "title": "t", "filename": "f.xlsx"},
        requested_by=sysadmin,
    )

    with start_worker(worker_app, pool="solo", perform_ping_check=False):
        result = export_year_report_task.delay(job.pk)
        assert not isinstance(result, EagerResult)  # sent through the broker
        job = _wait_until_finished(job.pk)

    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress == 100
    book = load_workbook(job.file.path)
    assert book.sheetnames[0] == "指标汇总"
    values = {row[0]: row[2] for row in book["指标汇总"].iter_rows(values_only=True)}
    assert values["powers.penalty"] == 1
    # Fit to hand in: every sheet frozen below its header, filtered, sized, and
    # not one formula cell anywhere.
    assert book["指标汇总"]["D3"].value == sysadmin.display_name  # 生成人
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        assert sheet.auto_filter.ref, sheet.title
        assert all(sheet.column_dimensions[col].width for col in ("A", "B")), (
            sheet.title
        )
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
