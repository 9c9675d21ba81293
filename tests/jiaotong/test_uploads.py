"""The shared upload checks: type by extension and content, size, emptiness."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from jiaotong.imports.uploads import check_upload


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_pdf_with_pdf_content_is_accepted():
    assert check_upload(upload("a.PDF", b"%PDF-1.7 ...")) == ("pdf", "application/pdf")


def test_renamed_executable_is_refused():
    with pytest.raises(ValidationError, match="内容与扩展名 .pdf 不符"):
        check_upload(upload("a.pdf", b"MZ\x90\x00"))


def test_extension_outside_the_allowed_set_is_refused():
    with pytest.raises(ValidationError, match="类型不允许"):
        check_upload(upload("a.pdf", b"%PDF-1.7"), allowed={"xlsx"})


def test_oversized_and_empty_files_are_refused():
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        check_upload(
            upload("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2**20), max_bytes=2**20
        )
    with pytest.raises(ValidationError, match="空文件"):
        check_upload(upload("a.png", b""))


def test_wav_needs_the_wave_marker():
    with pytest.raises(ValidationError):
        check_upload(upload("a.wav", b"RIFF\x00\x00\x00\x00AVI "))
    assert check_upload(upload("a.wav", b"RIFF\x00\x00\x00\x00WAVEfmt "))[0] == "wav"
