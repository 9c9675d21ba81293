"""The data import page: upload → dry-run preview → 确认导入 (jiaotong.imports.views)."""

import os
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from jiaotong.imports.framework import kinds
from jiaotong.imports.views import MAX_UPLOAD_BYTES, SESSION_KEY
from openpyxl import load_workbook

from jiaotong.models import AuditEvent, Matter
from tests.factories import make_matter
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
    return client


def xlsx(rows, name="权责清单.xlsx"):
    return SimpleUploadedFile(name, workbook_bytes(rows), content_type=XLSX_TYPE)


def upload(client, rows, kind="matters", name="权责清单.xlsx"):
    return client.post(UPLOAD_URL, {"kind": kind, "file": xlsx(rows, name)})


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


def test_upload_shows_a_dry_run_preview_and_writes_nothing(admin_client, media_root):
    make_matter("JT-1", name="旧名称")
    events = AuditEvent.objects.count()  # the login is audited too

    response = upload(admin_client, [matter_row("JT-1"), matter_row("JT-2")])

    assert response.status_code == 200
    assert response.context["result"].dry_run
    counts = response.context["result"]
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 0)
    page = response.content.decode()
    assert "确认导入" in page and CONFIRM_URL in page
    assert Matter.objects.count() == 1
    assert AuditEvent.objects.count() == events
    # The workbook waits under a server-generated name for the confirmation.
    [kept] = stored_files(media_root)
    assert kept.name == admin_client.session[SESSION_KEY]["token"] + ".xlsx"
    assert "权责清单" not in kept.name


def test_confirm_imports_the_previewed_file_and_deletes_it(
    admin_client, media_root, sysadmin
):
    upload(admin_client, [matter_row("JT-1"), matter_row("JT-2")])
    token = admin_client.session[SESSION_KEY]["token"]

    response = admin_client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(UPLOAD_URL, 302)]
    assert "导入完成：新增 2 行，更新 0 行，未变化 0 行。" in response.content.decode()
    assert set(Matter.objects.values_list("code", flat=True)) == {"JT-1", "JT-2"}
    event = AuditEvent.objects.get(action="import")
    assert event.actor == sysadmin
    assert "权责清单.xlsx" in event.reason
    assert stored_files(media_root) == []
    assert SESSION_KEY not in admin_client.session


def test_confirm_cannot_be_replayed(admin_client):
    upload(admin_client, [matter_row("JT-1")])
    token = admin_client.session[SESSION_KEY]["token"]
    admin_client.post(CONFIRM_URL, {"token": token})

    response = admin_client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert "没有待确认的导入" in response.content.decode()
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_confirm_with_another_token_is_refused(admin_client, media_root):
    upload(admin_client, [matter_row("JT-1")])

    response = admin_client.post(CONFIRM_URL, {"token": "0" * 32}, follow=True)

    assert "没有待确认的导入" in response.content.decode()
    assert not Matter.objects.exists()
    assert len(stored_files(media_root)) == 1  # the real preview is still pending


def test_confirm_reports_rows_that_became_invalid_after_the_preview(admin_client):
    headers = ["事项编码", "事项名称", "权力类型", "承诺时限"]
    rows = [matter_row("JT-1", 承诺时限=8)]
    admin_client.post(
        UPLOAD_URL,
        {
            "kind": "matters",
            "file": SimpleUploadedFile("m.xlsx", workbook_bytes(rows, headers)),
        },
    )
    make_matter("JT-1", statutory_limit_days=5)  # someone edits it meanwhile
    token = admin_client.session[SESSION_KEY]["token"]

    response = admin_client.post(CONFIRM_URL, {"token": token})

    assert response.status_code == 200
    assert "第2行 承诺时限: 承诺时限不能超过法定时限。" in response.content.decode()
    assert Matter.objects.get(code="JT-1").promised_limit_days is None


def test_abandoned_uploads_older_than_a_day_are_swept(admin_client, media_root):
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
    admin_client, media_root
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
    assert SESSION_KEY not in admin_client.session


def test_a_new_upload_replaces_the_pending_one(admin_client, media_root):
    upload(admin_client, [matter_row("JT-1")])
    upload(admin_client, [matter_row("JT-2")])

    [kept] = stored_files(media_root)
    assert kept.name == admin_client.session[SESSION_KEY]["token"] + ".xlsx"


@pytest.mark.parametrize("name", ["matters.csv", "matters.xls", "matters"])
def test_non_xlsx_file_name_is_refused_in_chinese(admin_client, media_root, name):
    response = upload(admin_client, [matter_row("JT-1")], name=name)

    assert response.status_code == 200
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


def test_unknown_kind_is_refused(admin_client):
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
def test_other_roles_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(UPLOAD_URL).status_code == 403
    assert upload(client, [matter_row("JT-1")]).status_code == 403
    assert client.post(CONFIRM_URL, {"token": "0" * 32}).status_code == 403
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
