"""Writes for the `applications` import (spec/import-formats.md): one row of
a platform export becomes an application whose statuses follow from the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.audit.services import audit_record

from .models import Application, Result
from .services import limit_date

S = Application.Status


@dataclass(frozen=True)
class ImportedApplication:
    """One checked row of an `applications` workbook."""

    number: str
    matter: object
    applicant_name: str
    applicant_type: str
    applicant_id_number: str
    applicant_phone: str
    channel: str
    received_at: dt.datetime
    accepted: bool
    completed_at: dt.datetime | None
    outcome: str | None  # 准予 / 不予许可 / 办结 / 撤回
    notify_commit: bool
    evaluation: str


WITHDRAWN_OUTCOME = "撤回"


def _imported_fields(row: ImportedApplication, paused_days: int) -> dict:
    """The record's fields derived from the row, statuses consistent with the
    acceptance decision and the outcome."""
    fields = {
        "matter": row.matter,
        "applicant_name": row.applicant_name,
        "applicant_type": row.applicant_type,
        "applicant_id_number": row.applicant_id_number,
        "applicant_phone": row.applicant_phone,
        "channel": row.channel,
        "received_at": row.received_at,
        "notify_commit": row.notify_commit,
        "accepted_at": None,
        "not_accepted_at": None,
        "decided_at": None,
        "completed_at": None,
        "withdrawn_at": None,
        "result": "",
        "evaluation": row.evaluation,
        "evaluated_at": None,
    }
    if not row.accepted:
        fields.update(status=S.NOT_ACCEPTED, not_accepted_at=row.received_at)
    elif row.outcome == WITHDRAWN_OUTCOME:
        fields.update(
            status=S.WITHDRAWN,
            accepted_at=row.received_at,
            withdrawn_at=row.completed_at,
        )
    elif row.outcome:
        fields.update(
            status=S.CLOSED,
            accepted_at=row.received_at,
            completed_at=row.completed_at,
            result=row.outcome,
            decided_at=row.completed_at if row.outcome != Result.DONE else None,
            evaluated_at=row.completed_at if row.evaluation else None,
        )
    else:
        fields.update(status=S.ACCEPTED, accepted_at=row.received_at)
    received = timezone.localdate(row.received_at)
    fields["promised_due_date"] = limit_date(
        received, row.matter.promised_limit_days, 0
    )
    fields["due_date"] = limit_date(
        received, row.matter.promised_limit_days, paused_days
    )
    fields["statutory_due_date"] = limit_date(
        received, row.matter.statutory_limit_days, paused_days
    )
    return fields


def _import_unit(matter, by):
    from jiaotong.models import OrgUnit

    if matter.unit_id:
        return matter.unit_id
    if by is not None and by.unit_id:
        return by.unit_id
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise ValidationError("尚未建立组织单位，无法确定办件的受理单位。")
    return root.pk


def application_import_row(
    *, row: ImportedApplication, by, leave_alone: tuple[str, ...] = ()
) -> str:
    """Create or update the application keyed by the platform's number; one
    audit event for each record created or changed. Returns the outcome.
    ``leave_alone`` names fields an update keeps (their column is absent)."""
    from jiaotong.imports.framework import CREATED, import_update

    existing = Application.objects.select_for_update().filter(number=row.number).first()
    fields = _imported_fields(row, existing.paused_days if existing else 0)
    if existing is None:
        application = Application.objects.create(
            number=row.number, unit_id=_import_unit(row.matter, by), **fields
        )
        audit_record(
            by=by,
            action="application_import",
            obj=application,
            to_state=application.status,
        )
        return CREATED
    return import_update(
        existing, fields, by=by, action="application_import", leave_alone=leave_alone
    )
