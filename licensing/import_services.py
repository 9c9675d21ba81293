"""Writes for the `applications` import (spec/import-formats.md): one row of
a platform export becomes an application whose statuses follow from the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.dashboard.cache import bump_after_commit

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


class Deadlines:
    """``limit_date`` for one import, with the working-day calendar cached
    (jiaotong.imports.framework.WorkingDays)."""

    def __init__(self):
        from jiaotong.imports.framework import WorkingDays

        self._days = WorkingDays()

    def __call__(self, received: dt.date, days: int | None, paused: int):
        return None if days is None else self._days.add(received, days + paused)


def _imported_fields(
    row: ImportedApplication, paused_days: int, limit=limit_date
) -> dict:
    """The record's fields derived from the row, statuses consistent with the
    acceptance decision and the outcome.  ``limit`` computes the due dates
    (``limit_date``, or an import's ``Deadlines``)."""
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
    fields["promised_due_date"] = limit(received, row.matter.promised_limit_days, 0)
    fields["due_date"] = limit(received, row.matter.promised_limit_days, paused_days)
    fields["statutory_due_date"] = limit(
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
    *, row: ImportedApplication, by, leave_alone: tuple[str, ...] = (), limit=limit_date
) -> str:
    """Create or update the application keyed by the platform's number; one
    audit event for each record created or changed. Returns the outcome.
    ``leave_alone`` names fields an update keeps (their column is absent)."""
    from jiaotong.imports.framework import CREATED, import_update

    existing = Application.objects.select_for_update().filter(number=row.number).first()
    fields = _imported_fields(row, existing.paused_days if existing else 0, limit)
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


def application_import_many(
    *,
    rows: list[ImportedApplication],
    by,
    leave_alone: tuple[str, ...] = (),
    limit=limit_date,
    units: dict | None = None,
) -> tuple[list[str], list[dict]]:
    """``application_import_row`` for many rows at once (a batch of a large
    import): the same records, fields and audit events, with one query to find
    the existing applications, one INSERT for the new ones and one UPDATE for
    the changed ones (new rows go in through ``copy_rows``: COPY on
    PostgreSQL).  Returns the outcomes (one per row, in order) and the
    audit events as ``audit_record`` keywords, for the caller to append (see
    ``audit_record_many``).  ``units`` caches the receiving unit per matter."""
    from jiaotong.imports.framework import (
        CREATED,
        UNCHANGED,
        UPDATED,
        copy_created,
        differs,
        update_rows,
    )

    units = {} if units is None else units
    existing = {
        application.number: application
        for application in Application.objects.select_for_update().filter(
            number__in=[row.number for row in rows]
        )
    }
    now = timezone.now()
    outcomes, events = [], []
    created, updated, changed_fields = [], [], set()
    for row in rows:
        record = existing.get(row.number)
        fields = _imported_fields(row, record.paused_days if record else 0, limit)
        if record is None:
            if row.matter.pk not in units:
                units[row.matter.pk] = _import_unit(row.matter, by)
            fields["matter_id"] = fields.pop("matter").pk
            values = {"number": row.number, "unit_id": units[row.matter.pk], **fields}
            event = {
                "by": by,
                "action": "application_import",
                "object_type": Application._meta.label_lower,
                "object_repr": row.number,  # str(application)
                "to_state": fields["status"],
            }
            created.append((values, event))
            events.append(event)  # its object_id once the row is stored
            outcomes.append(CREATED)
            continue
        changed = sorted(
            name
            for name, value in fields.items()
            if name not in leave_alone and differs(record, name, value)
        )
        if not changed:
            outcomes.append(UNCHANGED)
            continue
        from_state = record.status
        for name in changed:
            setattr(record, name, fields[name])
        record.updated_at = now  # auto_now: update_rows does not set it
        changed_fields.update(changed)
        updated.append(record)
        outcomes.append(UPDATED)
        events.append(
            {
                "by": by,
                "action": "application_import",
                "obj": record,
                "from_state": from_state,
                "to_state": record.status,
                "changes": {"fields": changed},
            }
        )
    copy_created(Application, "number", created)
    if updated:
        update_rows(Application, updated, [*changed_fields, "updated_at"])
    if created or updated:
        bump_after_commit()  # bulk writes send no post_save (dashboard figures)
    return outcomes, events
