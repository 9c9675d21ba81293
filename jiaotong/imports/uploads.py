"""Checks for uploaded files (QUALITY.md "Uploads"): allowed type by extension
*and* by content (magic bytes), and a size limit. Used by every upload form."""

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip archives

# extension -> (content type, accepted leading bytes)
UPLOAD_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (_ZIP,),
    ),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "wav": ("audio/wav", (b"RIFF",)),
}


def upload_extension(upload) -> str:
    name = upload.name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(
    upload, *, allowed=None, max_bytes: int = MAX_UPLOAD_BYTES, label: str = "文件"
) -> tuple[str, str]:
    """(extension, content type) of an acceptable file, or a ValidationError that
    says why not: the extension must be allowed, the size within the limit, and
    the file's first bytes must match its extension."""
    allowed = set(allowed or UPLOAD_TYPES)
    ext = upload_extension(upload)
    if ext not in allowed:
        raise ValidationError(
            f"{label}类型不允许（可上传：" + "、".join(sorted(allowed)) + "）。"
        )
    if upload.size > max_bytes:
        raise ValidationError(
            f"{label}不能超过 {max_bytes // (1024 * 1024)} MB"
            f"（当前 {upload.size / 1024 / 1024:.1f} MB）。"
        )
    if upload.size == 0:
        raise ValidationError(f"{label}是空文件。")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, magics = UPLOAD_TYPES[ext]
    if not any(head.startswith(m) for m in magics) or (
        ext == "wav" and head[8:12] != b"WAVE"
    ):
        raise ValidationError(f"{label}内容与扩展名 .{ext} 不符。")
    return ext, content_type
