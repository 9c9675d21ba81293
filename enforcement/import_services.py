"""Writes for the `cases` import (spec/import-formats.md): one row of a case
register becomes a penalty case whose status, legal review and publicity follow
from the row. Past cases are recorded as they happened, so the workflow's
guards (which govern decisions made *through* the portal) are not applied."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jiaotong.calendar.workdays import add_working_days
from jiaotong.models import Enterprise, OrgUnit

from .models import LegalReview, Outcome, PenaltyCase, PublicityRecord

S = PenaltyCase.Status
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
REVIEW_RESULTS = {
    "同意": LegalReview.Result.AGREE,
    "退回补充": LegalReview.Result.RETURN,
    "不同意": LegalReview.Result.DISAGREE,
}
IMPORTED_FACTS = "（导入的历史案件，违法事实见纸质案卷）"


@dataclass(frozen=True)
class ImportedCase:
    number: str
    filed_at: dt.datetime
    procedure: str
    party_name: str
    party_type: str
    party_id_number: str
    plate: str
    matter: object
    source: str
    review_at: dt.datetime | None
    review_result: str
    outcome: str
    decided_at: dt.datetime | None
    penalty_types: str
    fine: Decimal
    published_on: dt.date | None
    closed_at: dt.datetime | None


def _enterprise(credit_code: str):
    return Enterprise.objects.filter(credit_code=credit_code).first()


def _fields(row: ImportedCase, enterprise=_enterprise) -> dict:
    """The case's fields derived from the row; ``enterprise(code)`` finds the
    enterprise of a 法人 party (a query, or an import's prefetched one)."""
    fields = {
        "filed_at": row.filed_at,
        "year": timezone.localdate(row.filed_at).year,
        "procedure": row.procedure,
        "party_name": row.party_name,
        "party_type": row.party_type,
        "party_id_number": row.party_id_number,
        "enterprise": enterprise(row.party_id_number)
        if row.party_type == "法人"
        else None,
        "plate": row.plate,
        "matter": row.matter,
        "source": row.source,
        "outcome": row.outcome,
        "decided_at": None,
        "cancelled_at": None,
        "closed_at": row.closed_at,
        "penalty_types": row.penalty_types,
        "fine": row.fine,
    }
    if row.outcome == Outcome.CANCELLED:
        fields.update(status=S.CANCELLED, cancelled_at=row.decided_at)
    elif row.outcome == Outcome.PENALTY:
        fields.update(
            status=S.CLOSED if row.closed_at else S.DECIDED, decided_at=row.decided_at
        )
    elif row.outcome == Outcome.NO_PENALTY:
        fields.update(
            status=S.CLOSED if row.closed_at else S.NO_PENALTY,
            decided_at=row.decided_at,
        )
    else:
        fields["status"] = S.FILED
    return fields


def _unit(matter, by) -> OrgUnit:
    """The handling unit: the matter's unit, else the importer's, else the bureau."""
    return (
        matter.unit
        or (by.unit if by is not None and by.unit_id else None)
        or OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    )


def case_import_row(*, row: ImportedCase, by, enterprise=_enterprise) -> str:
    """Create or update the case keyed by its number; CREATED/UPDATED/UNCHANGED."""
    fields = _fields(row, enterprise)
    case = PenaltyCase.objects.filter(number=row.number).first()
    outcome = UNCHANGED
    if case is None:
        case = PenaltyCase(
            number=row.number,
            facts=IMPORTED_FACTS,
            unit=_unit(row.matter, by),
            created_by=by,
            **fields,
        )
        case.full_clean(exclude=["officers"])
        case.save()
        outcome = CREATED
    else:
        changed = {k: v for k, v in fields.items() if getattr(case, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(case, name, value)
            case.full_clean(exclude=["officers"])
            case.save()
            outcome = UPDATED
    review_changed = _sync_review(case, row)
    publicity_changed = _sync_publicity(case, row)
    if outcome == UNCHANGED and (review_changed or publicity_changed):
        outcome = UPDATED
    return outcome


def _wanted_review(row: ImportedCase) -> dict:
    """The fields of the case's one legal review (the row's date and opinion)."""
    result = REVIEW_RESULTS[row.review_result or "同意"]
    return {
        "submitted_at": row.review_at,
        "concluded_at": row.review_at,
        "result": result,
        **dict.fromkeys(LegalReview.CHECKLIST, result == LegalReview.Result.AGREE),
    }


def _new_review(case: PenaltyCase, wanted: dict) -> LegalReview:
    return LegalReview(case=case, opinion="（导入）", **wanted)


def _sync_review(case: PenaltyCase, row: ImportedCase) -> bool:
    """The imported case's one legal review (the row's date and opinion)."""
    review = case.reviews.order_by("id").first()
    if row.review_at is None:
        if review is not None:
            case.reviews.all().delete()
            return True
        return False
    wanted = _wanted_review(row)
    if review is None:
        _new_review(case, wanted).save(force_insert=True)
        return True
    return _save_if_changed(review, wanted)


def _save_if_changed(record, wanted: dict, *, save=True) -> bool:
    """Set the ``wanted`` values that differ; save the record (unless ``save``
    is false: a bulk write stores it) when one did.  Returns whether one did."""
    if not any(getattr(record, k) != v for k, v in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(record, name, value)
    if save:
        record.save()
    return True


def _wanted_publicity(case: PenaltyCase, row: ImportedCase, due=add_working_days):
    """The fields of the case's 双公示 record; ``due`` is ``add_working_days``
    or an import's cached calendar."""
    decided = timezone.localdate(row.decided_at)
    return {
        "decision_no": case.number,
        "title": row.matter.name,  # the case's matter (set from the row)
        "party_name": case.party_name,
        "party_type": case.party_type,
        "party_code": case.party_id_number,
        "content": case.penalty_types,
        "decision_date": decided,
        "due_on": due(decided, 7),
        "published_on": row.published_on,
    }


def _new_publicity(case: PenaltyCase, wanted: dict) -> PublicityRecord:
    return PublicityRecord(kind=PublicityRecord.Kind.PENALTY, case=case, **wanted)


def _sync_publicity(case: PenaltyCase, row: ImportedCase) -> bool:
    record = PublicityRecord.objects.filter(case=case).first()
    if row.outcome != Outcome.PENALTY:
        return False
    wanted = _wanted_publicity(case, row)
    if record is None:
        _new_publicity(case, wanted).save(force_insert=True)
        return True
    return _save_if_changed(record, wanted)


# Checked by the database when a batch is stored (foreign keys to records the
# import has just read, the unique number it has just looked up, the table's
# constraints): a batch the database refuses is written again row by row,
# through case_import_row's full check, so the error names its row and column.
_CHECKED_BY_DATABASE = ["officers", "matter", "unit", "enterprise", "created_by"]


def case_import_many(
    *, rows: list[ImportedCase], by, enterprise=_enterprise, units=None, due=None
) -> tuple[list[str], list[dict]]:
    """``case_import_row`` for a batch of a large import: the same cases, legal
    reviews and publicity records, with a few queries for the whole batch (one
    to find the cases, one INSERT and one UPDATE for each table).  Returns the
    outcomes (one per row, in order) and the audit events (none: the import's
    own event is the framework's).  ``units`` caches the handling unit per
    matter, ``due`` the working-day calendar (jiaotong.imports.framework)."""
    from jiaotong.dashboard.cache import bump_after_commit
    from jiaotong.imports.framework import differs, update_rows

    units = {} if units is None else units
    due = add_working_days if due is None else due
    existing = {
        case.number: case
        for case in PenaltyCase.objects.filter(number__in=[r.number for r in rows])
    }
    now = timezone.now()
    outcomes, cases, created, updated, changed_fields = [], [], [], [], set()
    for row in rows:
        fields = _fields(row, enterprise)
        case = existing.get(row.number)
        if case is None:
            if row.matter.pk not in units:
                units[row.matter.pk] = _unit(row.matter, by)
            case = PenaltyCase(
                number=row.number,
                facts=IMPORTED_FACTS,
                unit=units[row.matter.pk],
                created_by=by,
                **fields,
            )
            case.full_clean(
                exclude=_CHECKED_BY_DATABASE,
                validate_unique=False,
                validate_constraints=False,
            )
            created.append(case)
            outcomes.append(CREATED)
        else:
            changed = [
                name for name, value in fields.items() if differs(case, name, value)
            ]
            if changed:
                for name in changed:
                    setattr(case, name, fields[name])
                case.full_clean(
                    exclude=_CHECKED_BY_DATABASE,
                    validate_unique=False,
                    validate_constraints=False,
                )
                case.updated_at = now  # auto_now: update_rows does not set it
                updated.append(case)
                changed_fields.update(changed)
            outcomes.append(UPDATED if changed else UNCHANGED)
        cases.append(case)
    PenaltyCase.objects.bulk_create(created)
    update_rows(PenaltyCase, updated, [*sorted(changed_fields), "updated_at"])
    stored = [case.pk for case in existing.values()]  # only these have reviews
    touched = _sync_reviews(cases, rows, stored) | _sync_publicities(
        cases, rows, stored, due
    )
    bump_after_commit()  # bulk writes send no post_save (dashboard figures)
    return [
        UPDATED if outcome == UNCHANGED and case.pk in touched else outcome
        for outcome, case in zip(outcomes, cases, strict=True)
    ], []


def _sync_reviews(cases, rows, stored) -> set[int]:
    """``_sync_review`` for a batch; returns the ids of the cases it changed."""
    first: dict[int, LegalReview] = {}
    if stored:
        for review in LegalReview.objects.filter(case__in=stored).order_by("id"):
            first.setdefault(review.case_id, review)
    gone = [
        case.pk
        for case, row in zip(cases, rows, strict=True)
        if row.review_at is None and case.pk in first
    ]
    if gone:
        LegalReview.objects.filter(case__in=gone).delete()
    wanted = [
        (case, _wanted_review(row))
        for case, row in zip(cases, rows, strict=True)
        if row.review_at is not None
    ]
    return set(gone) | _sync_many(LegalReview, wanted, first, _new_review)


def _sync_publicities(cases, rows, stored, due) -> set[int]:
    """``_sync_publicity`` for a batch; returns the ids of the cases it changed."""
    records = {}
    if stored:
        records = {
            record.case_id: record
            for record in PublicityRecord.objects.filter(case__in=stored)
        }
    wanted = [
        (case, _wanted_publicity(case, row, due))
        for case, row in zip(cases, rows, strict=True)
        if row.outcome == Outcome.PENALTY
    ]
    return _sync_many(PublicityRecord, wanted, records, _new_publicity)


def _sync_many(model, wanted, current: dict, new_record) -> set[int]:
    """Give each case of ``wanted`` (``[(case, field values)]``) its one record
    of ``model`` with those values: ``current`` holds the stored ones by case
    id; a missing one is made by ``new_record(case, values)``.  One INSERT and
    one UPDATE; returns the ids of the cases whose record changed."""
    from jiaotong.imports.framework import update_rows

    touched, new, changed, fields = set(), [], [], []
    for case, values in wanted:
        fields = list(values)
        record = current.get(case.pk)
        if record is None:
            new.append(new_record(case, values))
        elif _save_if_changed(record, values, save=False):
            changed.append(record)
        else:
            continue
        touched.add(case.pk)
    model.objects.bulk_create(new)
    update_rows(model, changed, fields)
    return touched
