"""Evidence: checked by content, stored with its SHA-256 in the audit trail,
served only to those who see the case; verify_evidence names altered or
missing files."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from enforcement import services
from enforcement.models import Evidence
from jiaotong.models import AuditEvent
from jiaotong.workflow import WorkflowError

from .conftest import new_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"photo-of-overloaded-truck" * 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(officer, officer_pair, penalty_matter):
    return new_case(officer, penalty_matter, officer_pair)


def upload(name="scene.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_upload_records_the_hash_in_the_audit_trail(case, officer):
    evidence = services.evidence_add(
        case=case, by=officer, kind="视听资料", title="现场照片", upload=upload()
    )
    digest = hashlib.sha256(PNG).hexdigest()
    assert evidence.sha256 == digest
    event = AuditEvent.objects.get(action="case_evidence")
    assert event.changes["sha256"] == digest
    assert not evidence.file.name.endswith("scene.png")  # server-generated name


def test_content_must_match_the_extension(case, officer):
    with pytest.raises(Exception, match="内容与扩展名"):
        services.evidence_add(
            case=case,
            by=officer,
            kind="书证",
            title="伪装的文件",
            upload=upload("x.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert not Evidence.objects.exists()


def test_reviewer_cannot_upload(case, reviewer):
    with pytest.raises(WorkflowError, match="权限"):
        services.evidence_add(
            case=case, by=reviewer, kind="书证", title="x", upload=upload()
        )


def test_download_is_scoped(client, case, officer, outsider):
    evidence = services.evidence_add(
        case=case, by=officer, kind="视听资料", title="现场照片", upload=upload()
    )
    url = reverse("enforcement:evidence_download", args=[case.pk, evidence.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_upload_through_the_case_page(client, case, officer):
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:evidence_add", args=[case.pk]),
        {"kind": "视听资料", "title": "执法记录仪截图", "file": upload()},
        follow=True,
    )
    assert "已上传证据「执法记录仪截图」" in response.text
    assert hashlib.sha256(PNG).hexdigest() in response.text


def test_verify_evidence_names_altered_and_missing_files(case, officer, capsys):
    kept, altered, lost = (
        services.evidence_add(
            case=case, by=officer, kind="视听资料", title=title, upload=upload()
        )
        for title in ("完好", "被改动", "丢失")
    )
    call_command("verify_evidence")
    assert "3 个文件完好" in capsys.readouterr().out
    with open(altered.file.path, "ab") as handle:
        handle.write(b"tampered")
    lost.file.storage.delete(lost.file.name)
    with pytest.raises(CommandError) as exc:
        call_command("verify_evidence")
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert "已被改动" in err and "被改动" in err and "缺失" in err and "丢失" in err
    assert "完好" not in err.replace("已被改动", "")
