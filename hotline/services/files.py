"""Attachments: type checks by extension and content, and storing them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from jiaotong.audit import audit_record

from ..models import (
    Attachment,
    Status,
    Ticket,
)
from ..workflow import WorkflowError, is_unit_member
from .tickets import lock_ticket

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# --- Attachments ------------------------------------------------------------------

# extension -> (content type, accepted leading bytes)
UPLOAD_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "wav": ("audio/wav", (b"RIFF",)),
}


def check_upload(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable file, or a ValidationError that
    says why not: the extension and the file's first bytes must agree."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in UPLOAD_TYPES:
        raise ValidationError(
            "附件类型不允许（可上传：" + "、".join(sorted(UPLOAD_TYPES)) + "）。"
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"附件不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
    if upload.size == 0:
        raise ValidationError("附件是空文件。")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, magics = UPLOAD_TYPES[ext]
    if not any(head.startswith(m) for m in magics) or (
        ext == "wav" and head[8:12] != b"WAVE"
    ):
        raise ValidationError(f"文件内容与扩展名 .{ext} 不符。")
    return ext, content_type


@transaction.atomic
def attachment_add(*, ticket: Ticket, upload, by) -> Attachment:
    """Attach a file. Hotline staff add intake material (hidden from the unit on
    a confidential ticket); the handling unit adds handling material."""
    locked = lock_ticket(ticket)
    member = by.has_perm("hotline.handle_ticket") and is_unit_member(by, locked)
    if not (member or by.has_perm("hotline.change_ticket")):
        raise WorkflowError("您没有为该工单上传附件的权限。")
    if locked.status == Status.CLOSED:
        raise WorkflowError("工单已办结，不能再上传附件。")
    _, content_type = check_upload(upload)
    attachment = Attachment(
        ticket=locked,
        original_name=(upload.name or "附件")[-200:],
        content_type=content_type,
        size=upload.size,
        stage=Attachment.Stage.HANDLING if member else Attachment.Stage.INTAKE,
        uploaded_by=by,
    )
    # The file is written before the row; if the transaction then fails the row
    # is gone and an orphan file remains, never a row without its file.
    attachment.file.save(upload.name or "upload", upload, save=False)
    attachment.save()
    audit_record(
        by=by,
        action="attachment_add",
        obj=locked,
        changes={"attachment": attachment.original_name, "size": attachment.size},
    )
    return attachment
