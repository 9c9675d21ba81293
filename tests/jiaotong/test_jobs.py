"""Export jobs: the year-report page, the job pages, the download, and the
service that runs a job (here with tasks running in-process, as without a broker)."""

import io

import kombu.exceptions
import pytest
from celery import Celery
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from jiaotong import roles
from jiaotong.jobs.services import (
    MESSAGE_FAILED,
    MESSAGE_INTERRUPTED,
    MESSAGE_NOT_QUEUED,
    export_job_enqueue,
    export_job_run,
)
from jiaotong.models import AuditEvent, ExportJob
from jiaotong.reports.builder import YEAR_REPORT_KIND, build_year_report
from jiaotong.reports.tasks import export_year_report_task
from tests.factories import make_matter, make_user

URL = reverse("year_report_request")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pending_job(user, year=2023, org=None):
    return ExportJob.objects.create(
        kind=YEAR_REPORT_KIND,
        params={"year": year, "org": org, "title": "t", "filename": "年报.xlsx"},
        requested_by=user,
    )


def _request(client, user, django_capture_on_commit_callbacks, **data):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"year": 2023, **data})


# --- /reports/year/ ------------------------------------------------------------


@pytest.mark.django_db  # the user fixture is fetched by name
@pytest.mark.parametrize("who", ["sysadmin", "leader"])
def test_sysadmin_and_leader_see_the_request_form(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "统计年度" in response.content.decode()


@pytest.mark.django_db  # the user fixture is fetched by name
@pytest.mark.parametrize("who", ["clerk", "auditor", "outsider"])
def test_roles_without_export_permission_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"year": 2023}).status_code == 403
    assert not ExportJob.objects.exists()


def test_request_builds_the_workbook_and_redirects_to_the_job(
    client, sysadmin, org, django_capture_on_commit_callbacks
):
    make_matter("P1", power_type="行政处罚", unit=org["brigade"])
    response = _request(
        client, sysadmin, django_capture_on_commit_callbacks, org=org["brigade"].code
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("job_detail", args=[job.pk])
    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert job.params["year"] == 2023 and job.params["org"] == org["brigade"].code
    assert job.file.name.startswith("exports/year_report-")
    assert default_storage.exists(job.file.name)


def test_request_is_audited_as_an_export(
    client, sysadmin, django_capture_on_commit_callbacks
):
    _request(client, sysadmin, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    event = AuditEvent.objects.for_object(job).get(action="export")
    assert event.actor == sysadmin
    assert event.changes == {"year": 2023, "org": None}


def test_a_future_year_is_refused_with_a_message(
    client, sysadmin, django_capture_on_commit_callbacks
):
    response = _request(client, sysadmin, django_capture_on_commit_callbacks, year=2999)
    assert response.status_code == 200
    assert "统计年度不能晚于本年度" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_an_unknown_unit_is_refused_with_a_message(
    client, sysadmin, django_capture_on_commit_callbacks
):
    response = _request(
        client, sysadmin, django_capture_on_commit_callbacks, org="NOPE"
    )
    assert response.status_code == 200
    assert "统计单位" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_task_is_sent_only_after_commit(
    client, sysadmin, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, {"year": 2023})
    assert ExportJob.objects.get().status == ExportJob.Status.PENDING
    assert len(callbacks) == 1


# --- job pages -----------------------------------------------------------------


def test_job_page_shows_a_progress_bar_driven_by_the_static_script(client, sysadmin):
    job = _pending_job(sysadmin)
    client.force_login(sysadmin)
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'class="progress' in html
    assert f'data-job-progress-url="{reverse("job_progress", args=[job.pk])}"' in html
    assert "js/progress.js" in html
    assert "<script>" not in html and " style=" not in html


def test_progress_json(client, sysadmin):
    job = _pending_job(sysadmin)
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=40)
    client.force_login(sysadmin)
    data = client.get(reverse("job_progress", args=[job.pk])).json()
    assert data == {
        "status": "running",
        "status_label": "生成中",
        "progress": 40,
        "finished": False,
        "download_url": None,
        "error": "",
    }


@pytest.mark.parametrize("name", ["job_detail", "job_progress", "job_download"])
def test_another_users_job_is_a_404(client, sysadmin, name):
    job = _pending_job(sysadmin)
    export_year_report_task.delay(job.pk)
    other_admin = make_user("sysadmin2", roles=[roles.ROLE_SYSTEM_ADMIN])
    client.force_login(other_admin)
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", ["job_detail", "job_progress", "job_download"])
def test_job_pages_refuse_post(client, sysadmin, name):
    job = _pending_job(sysadmin)
    client.force_login(sysadmin)
    assert client.post(reverse(name, args=[job.pk])).status_code == 405


def test_download_serves_the_workbook_as_an_attachment_and_audits(
    client, sysadmin, org
):
    job = _pending_job(sysadmin)
    export_year_report_task.delay(job.pk)
    client.force_login(sysadmin)
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "指标汇总"
    assert (
        AuditEvent.objects.for_object(job).filter(action="export_download").count() == 1
    )


def test_an_unfinished_job_has_no_download(client, sysadmin):
    job = _pending_job(sysadmin)
    client.force_login(sysadmin)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_finished_job_page_offers_the_download(client, sysadmin):
    job = _pending_job(sysadmin)
    export_year_report_task.delay(job.pk)
    client.force_login(sysadmin)
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert reverse("job_download", args=[job.pk]) in html
    assert 'data-job-finished="true"' in html


# --- running a job ---------------------------------------------------------------


def test_running_a_job_twice_builds_it_once(sysadmin):
    job = _pending_job(sysadmin)
    export_year_report_task.delay(job.pk)
    first = ExportJob.objects.get(pk=job.pk).file.name
    export_year_report_task.delay(job.pk)
    assert ExportJob.objects.get(pk=job.pk).file.name == first
    assert len(default_storage.listdir("exports")[1]) == 1


def test_an_unknown_job_id_is_ignored(db):
    assert export_job_run(999_999, build=build_year_report) is None


def test_a_failing_build_marks_the_job_failed_and_stores_nothing(sysadmin):
    job = _pending_job(sysadmin)

    def broken(job, stream, progress):
        progress(30)
        stream.write(b"half a workbook")
        raise RuntimeError("disk full")

    result = export_job_run(job.pk, build=broken)
    assert result.status == ExportJob.Status.FAILED
    assert result.error == MESSAGE_FAILED
    assert not result.file
    assert not default_storage.exists("exports")


def test_a_redelivered_task_of_a_running_job_marks_it_failed(sysadmin):
    job = _pending_job(sysadmin)
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=30)
    assert export_job_run(job.pk, build=build_year_report, redelivered=True) is None
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == MESSAGE_INTERRUPTED


def test_a_duplicate_delivery_leaves_a_running_job_alone(sysadmin):
    job = _pending_job(sysadmin)
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=30)
    assert export_job_run(job.pk, build=build_year_report) is None
    job.refresh_from_db()
    assert (job.status, job.progress) == ("running", 30)


def test_progress_is_saved_while_building(sysadmin):
    job = _pending_job(sysadmin)
    seen = []

    def build(job, stream, progress):
        for percent in (10, 10, 55, 100):
            progress(percent)
            seen.append(ExportJob.objects.get(pk=job.pk).progress)
        stream.write(b"x")

    result = export_job_run(job.pk, build=build)
    assert seen == [10, 10, 55, 99]  # 100 only once the file is stored
    assert result.progress == 100


def test_a_job_the_broker_cannot_take_is_marked_failed(
    sysadmin, django_capture_on_commit_callbacks, caplog
):
    # A real Celery app whose broker does not answer (nothing listens on port 1).
    unreachable = Celery("unreachable", set_as_current=False, fixups=[])
    unreachable.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        task_publish_retry=False,
        broker_connection_timeout=1,
        broker_connection_max_retries=0,
    )

    @unreachable.task(name="tests.unreachable_noop", shared=False)
    def noop(job_id):
        return job_id

    unreachable.finalize()
    job = _pending_job(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        export_job_enqueue(job, noop)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == MESSAGE_NOT_QUEUED
    (record,) = [r for r in caplog.records if r.name == "jiaotong.jobs.services"]
    assert isinstance(record.exc_info[1], kombu.exceptions.OperationalError)
