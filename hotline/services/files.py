"""Attachments: type checks by extension and content, and storing them."""

from __future__ import annotations

from django.db import transaction

from jiaotong.audit.services import audit_record
from jiaotong.imports.uploads import check_upload as _check_upload
from jiaotong.workflow import WorkflowError

from ..models import (
    Attachment,
    Status,
    Ticket,
)
from ..workflow import is_unit_member
from .tickets import lock_ticket


def check_upload(upload) -> tuple[str, str]:
    """An attachment passes the shared upload checks (jiaotong.imports.uploads)."""
    return _check_upload(upload, label="附件")


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
