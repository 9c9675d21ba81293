"""The data import page: upload → background dry run (preview) → 确认导入 →
background import, each followed on its job page (jiaotong.imports.views and
jiaotong.imports.jobs; tasks run in-process here, as without a broker)."""

import os
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiaotong.imports.framework import kinds
from jiaotong.imports.views import MAX_UPLOAD_BYTES
from jiaotong.jobs.models import ImportJob
from jiaotong.models import AuditEvent, Matter
from tests.factories import make_matter, make_user
from tests.fixtures.workbooks import matter_row, workbook_bytes

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("import_upload")
CONFIRM_URL = reverse("import_confirm")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    client.defaults["HTTP_USER_AGENT"] = "导入测试浏览器"
    return client


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Requests whose jobs run (in-process) as soon as the request commits."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        if response.status_code != 302:
            return response
        page = client.get(response["Location"], follow=True)
        page.redirect_chain.insert(0, (response["Location"], 302))
        return page

    return post


def xlsx(rows, name="权责清单.xlsx", headers=None):
    return SimpleUploadedFile(
        name, workbook_bytes(rows, headers), content_type=XLSX_TYPE
    )


@pytest.fixture
def upload(run_jobs):
    def post(client, rows, kind="matters", name="权责清单.xlsx", headers=None):
        return run_jobs(
            client, UPLOAD_URL, {"kind": kind, "file": xlsx(rows, name, headers)}
        )

    return post


@pytest.fixture
def confirm(run_jobs):
    def post(client, job):
        return run_jobs(client, CONFIRM_URL, {"job": job.pk})

    return post


def stored_files(media_root):
    folder = media_root / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_page_lists_every_kind_with_its_template(admin_client):
    response = admin_client.get(UPLOAD_URL)

    assert response.status_code == 200
    page = response.content.decode()
    for kind, importer in kinds().items():
        assert importer.label in page
        assert reverse("import_template", args=[kind]) in page
    assert "最多 200000 行数据、64 列" in page


def test_upload_queues_a_dry_run_and_shows_its_preview(
    admin_client, media_root, upload
):
    make_matter("JT-1", name="旧名称")
    events = AuditEvent.objects.count()  # the login is audited too

    response = upload(admin_client, [matter_row("JT-1"), matter_row("JT-2")])

    job = ImportJob.objects.get()
    assert response.redirect_chain == [(reverse("import_job", args=[job.pk]), 302)]
    assert job.dry_run and job.status == ImportJob.Status.DONE
    assert job.progress == 100
    assert job.result["created"] == 1 and job.result["updated"] == 1
    page = response.content.decode()
    assert "检查通过，未写入任何数据" in page
    assert "确认导入" in page and CONFIRM_URL in page
    assert Matter.objects.get(code="JT-1").name == "旧名称"
    assert Matter.objects.count() == 1
    assert AuditEvent.objects.count() == events
    # The workbook waits under a server-generated name for the confirmation.
    [kept] = stored_files(media_root)
    assert kept.name == job.token + ".xlsx"
    assert "权责清单" not in kept.name


def test_a_pending_job_shows_the_progress_bar(admin_client, sysadmin):
    job = ImportJob.objects.create(
        kind="matters", source_name="m.xlsx", token="a" * 32, requested_by=sysadmin
    )

    page = admin_client.get(reverse("import_job", args=[job.pk])).content.decode()
    progress = admin_client.get(reverse("import_job_progress", args=[job.pk])).json()

    assert reverse("import_job_progress", args=[job.pk]) in page
    assert "js/progress.js" in page
    assert progress == {
        "status": "pending",
        "status_label": "排队中",
        "progress": 0,
        "finished": False,
    }


def test_confirm_imports_the_previewed_file_and_deletes_it(
    admin_client, media_root, sysadmin, upload, confirm
):
    upload(admin_client, [matter_row("JT-1"), matter_row("JT-2")])
    preview = ImportJob.objects.get()

    response = confirm(admin_client, preview)

    job = ImportJob.objects.get(preview=preview)
    assert response.redirect_chain == [(reverse("import_job", args=[job.pk]), 302)]
    assert not job.dry_run and job.status == ImportJob.Status.DONE
    assert "导入完成：新增 2 行，更新 0 行，未变化 0 行。" in response.content.decode()
    assert set(Matter.objects.values_list("code", flat=True)) == {"JT-1", "JT-2"}
    event = AuditEvent.objects.get(action="import")
    assert event.actor == sysadmin
    assert "权责清单.xlsx" in event.reason
    # The job's events say where the request came from, as a request's do.
    for event in AuditEvent.objects.filter(action__in=["import", "matter_create"]):
        assert event.ip_address == "127.0.0.1", event.action
        assert event.user_agent == "导入测试浏览器", event.action
    assert stored_files(media_root) == []
    # The preview now links to its import instead of offering 确认导入 again.
    page = admin_client.get(reverse("import_job", args=[preview.pk])).content.decode()
    assert "已确认导入" in page and CONFIRM_URL not in page


def test_confirm_cannot_be_replayed(admin_client, upload, confirm):
    upload(admin_client, [matter_row("JT-1")])
    preview = ImportJob.objects.get()
    confirm(admin_client, preview)

    response = confirm(admin_client, preview)

    assert "没有待确认的导入" in response.content.decode()
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_another_persons_preview_cannot_be_seen_or_confirmed(
    client, admin_client, media_root, upload, confirm
):
    upload(admin_client, [matter_row("JT-1")])
    preview = ImportJob.objects.get()
    other = make_user("sysadmin2", roles=["系统管理员"])
    client.force_login(other)

    assert client.get(reverse("import_job", args=[preview.pk])).status_code == 404
    progress_url = reverse("import_job_progress", args=[preview.pk])
    assert client.get(progress_url).status_code == 404
    response = confirm(client, preview)

    assert "没有待确认的导入" in response.content.decode()
    assert not Matter.objects.exists()
    assert len(stored_files(media_root)) == 1  # the real preview is still pending


def test_confirm_reports_rows_that_became_invalid_after_the_preview(
    admin_client, upload, confirm
):
    headers = ["事项编码", "事项名称", "权力类型", "承诺时限"]
    upload(admin_client, [matter_row("JT-1", 承诺时限=8)], headers=headers)
    make_matter("JT-1", statutory_limit_days=5)  # someone edits it meanwhile

    response = confirm(admin_client, ImportJob.objects.get())

    assert response.status_code == 200
    assert "第2行 承诺时限: 承诺时限不能超过法定时限。" in response.content.decode()
    assert Matter.objects.get(code="JT-1").promised_limit_days is None


def test_abandoned_uploads_older_than_a_day_are_swept(admin_client, media_root, upload):
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    old, recent = folder / f"{'a' * 32}.xlsx", folder / f"{'b' * 32}.xlsx"
    for path in (old, recent):
        path.write_bytes(b"PK\x03\x04")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    upload(admin_client, [matter_row("JT-1")])

    assert not old.exists()
    assert recent.exists()


def test_preview_lists_every_bad_row_and_offers_no_confirmation(
    admin_client, media_root, upload
):
    response = upload(
        admin_client,
        [matter_row("JT-1", 权力类型="审批"), matter_row("JT-2", 法定时限="十")],
    )

    page = response.content.decode()
    assert "第2行 权力类型:" in page
    assert "第3行 法定时限: 应为整数" in page
    assert "发现 2 处错误" in page
    assert CONFIRM_URL not in page
    assert stored_files(media_root) == []


def test_the_upload_page_lists_the_persons_recent_jobs(admin_client, upload):
    upload(admin_client, [matter_row("JT-1")], name="第一批.xlsx")

    page = admin_client.get(UPLOAD_URL).content.decode()

    job = ImportJob.objects.get()
    assert reverse("import_job", args=[job.pk]) in page
    assert "第一批.xlsx" in page


@pytest.mark.parametrize("name", ["matters.csv", "matters.xls", "matters"])
def test_non_xlsx_file_name_is_refused_in_chinese(
    admin_client, media_root, name, upload
):
    response = upload(admin_client, [matter_row("JT-1")], name=name)

    assert response.status_code == 200
    assert not ImportJob.objects.exists()
    assert response.context["form"].errors["file"] == [
        "只能上传 .xlsx 格式的 Excel 工作簿（不支持 .xls、.csv 等格式）。"
    ]
    assert stored_files(media_root) == []


def test_a_renamed_text_file_is_refused_by_its_content(admin_client, media_root):
    fake = SimpleUploadedFile("matters.xlsx", "事项编码,事项名称\n".encode())

    response = admin_client.post(UPLOAD_URL, {"kind": "matters", "file": fake})

    [message] = response.context["form"].errors["file"]
    assert message.startswith("文件内容不是 .xlsx 工作簿")
    assert stored_files(media_root) == []


def test_a_file_over_10_mb_is_refused(admin_client, media_root):
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\0" * (MAX_UPLOAD_BYTES - 3))

    response = admin_client.post(UPLOAD_URL, {"kind": "matters", "file": big})

    [message] = response.context["form"].errors["file"]
    assert message.startswith("文件不能超过 10 MB")
    assert stored_files(media_root) == []


def test_unknown_kind_is_refused(admin_client, upload):
    response = upload(admin_client, [matter_row("JT-1")], kind="widgets")

    assert "kind" in response.context["form"].errors


def test_template_download_has_the_kind_header_row(admin_client):
    response = admin_client.get(reverse("import_template", args=["matters"]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers == [column.header for column in kinds()["matters"].columns]
    assert sheet.max_row == 1


def test_template_for_unknown_kind_is_404(admin_client):
    response = admin_client.get(reverse("import_template", args=["widgets"]))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["clerk", "officer", "leader", "secadmin", "auditor"])
def test_other_roles_are_refused(client, request, who, sysadmin):
    client.force_login(request.getfixturevalue(who))
    job = ImportJob.objects.create(
        kind="matters", token="a" * 32, requested_by=sysadmin
    )

    assert client.get(UPLOAD_URL).status_code == 403
    response = client.post(
        UPLOAD_URL, {"kind": "matters", "file": xlsx([matter_row("JT-1")])}
    )
    assert response.status_code == 403
    assert client.post(CONFIRM_URL, {"job": job.pk}).status_code == 403
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 403
    template_url = reverse("import_template", args=["matters"])
    assert client.get(template_url).status_code == 403
    assert not Matter.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_confirm_refuses_get(admin_client):
    assert admin_client.get(CONFIRM_URL).status_code == 405


def test_template_download_refuses_post(admin_client):
    response = admin_client.post(reverse("import_template", args=["matters"]))

    assert response.status_code == 405
