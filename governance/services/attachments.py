"""Attachments through the shared upload checks."""

from __future__ import annotations

from django.db import transaction

from jiaotong.audit.services import audit_record
from jiaotong.imports.uploads import check_upload
from jiaotong.workflow import WorkflowError

from ..models import (
    ATTACHMENT_OWNERS,
    Attachment,
    Campaign,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Suggestion,
)

# --- Attachments ---------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, owner, by, upload, title: str = "") -> Attachment:
    """Attach a file to a register row (reply letter, document text, agreement,
    photos) after the shared type, content and size checks."""
    field = {
        Suggestion: "suggestion",
        NormativeDocument: "document",
        Mediation: "mediation",
        EducationEvent: "education",
        Campaign: "campaign",
    }[type(owner)]
    assert field in ATTACHMENT_OWNERS
    meta = owner._meta
    if not by.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        raise WorkflowError("您没有上传附件的权限。")
    _, content_type = check_upload(upload, label="附件")
    attachment = Attachment(
        **{field: owner},
        title=(title or "").strip() or (upload.name or "附件")[:100],
        original_name=(upload.name or "附件")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # The file is written before the row; if the transaction then fails the row
    # is gone and an orphan file remains, never a row without its file.
    attachment.file.save(upload.name or "upload", upload, save=False)
    attachment.save()
    audit_record(
        by=by,
        action="governance_attachment_add",
        obj=owner,
        changes={"attachment": attachment.original_name, "size": attachment.size},
    )
    return attachment
