"""The year-end workbook in the browser: request it, follow the progress bar
(static/js/progress.js polling the job), download the file."""

import re

import pytest
from jiaotong.reports.builder import YEAR_REPORT_KIND
from jiaotong.reports.tasks import export_year_report_task
from openpyxl import load_workbook
from playwright.sync_api import expect

from jiaotong.models import ExportJob
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_progress_bar_follows_the_job_and_offers_the_download(
    page, live_server, sysadmin, media, tmp_path
):
    job = ExportJob.objects.create(
        kind=YEAR_REPORT_KIND,
        params={
            "year": 2023,
            "org": None,
            "title": "2023年度指标汇总（全局）",
            "filename": "2023年度指标汇总_全局.xlsx",
        },
        requested_by=sysadmin,
    )
    login(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("[data-job-bar] .progress-bar")
    assert bar.inner_text() == "0%"

    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=40)
    expect(bar).to_have_text("40%")
    expect(bar).to_have_attribute("style", re.compile(r"width:\s*40%"))
    expect(page.locator("[data-job-bar]")).to_have_attribute("aria-valuenow", "40")
    expect(page.locator("[data-job-status]")).to_contain_text("生成中")
    screenshot(page, "jobs_progress_running")

    ExportJob.objects.filter(pk=job.pk).update(status="pending", progress=0)
    export_year_report_task.delay(job.pk)  # in-process, as without a broker
    download_link = page.get_by_role("link", name="下载")
    download_link.wait_for()  # the script reloaded the finished page
    assert bar.inner_text() == "100%"
    screenshot(page, "jobs_progress_done")

    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "downloaded.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename == "2023年度指标汇总_全局.xlsx"
    assert load_workbook(path).sheetnames[0] == "指标汇总"
    assert page.console_errors == []


def test_request_page_submits_and_lands_on_the_finished_job(
    page, live_server, sysadmin, media
):
    login(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/reports/year/")
    screenshot(page, "jobs_year_report_request")
    page.fill("input[name=year]", "2023")
    page.get_by_role("button", name="开始生成").click()
    page.get_by_role("link", name="下载").wait_for()
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
    assert page.console_errors == []
