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


def _fields(row: ImportedCase) -> dict:
    fields = {
        "filed_at": row.filed_at,
        "year": timezone.localdate(row.filed_at).year,
        "procedure": row.procedure,
        "party_name": row.party_name,
        "party_type": row.party_type,
        "party_id_number": row.party_id_number,
        "enterprise": Enterprise.objects.filter(credit_code=row.party_id_number).first()
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


def case_import_row(*, row: ImportedCase, by) -> str:
    """Create or update the case keyed by its number; CREATED/UPDATED/UNCHANGED."""
    fields = _fields(row)
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


def _sync_review(case: PenaltyCase, row: ImportedCase) -> bool:
    """The imported case's one legal review (the row's date and opinion)."""
    review = case.reviews.order_by("id").first()
    if row.review_at is None:
        if review is not None:
            case.reviews.all().delete()
            return True
        return False
    result = REVIEW_RESULTS[row.review_result or "同意"]
    wanted = {
        "submitted_at": row.review_at,
        "concluded_at": row.review_at,
        "result": result,
        **dict.fromkeys(LegalReview.CHECKLIST, result == LegalReview.Result.AGREE),
    }
    if review is None:
        LegalReview.objects.create(case=case, opinion="（导入）", **wanted)
        return True
    if any(getattr(review, k) != v for k, v in wanted.items()):
        for name, value in wanted.items():
            setattr(review, name, value)
        review.save()
        return True
    return False


def _sync_publicity(case: PenaltyCase, row: ImportedCase) -> bool:
    record = PublicityRecord.objects.filter(case=case).first()
    if row.outcome != Outcome.PENALTY:
        return False
    decided = timezone.localdate(row.decided_at)
    wanted = {
        "decision_no": case.number,
        "title": case.matter.name,
        "party_name": case.party_name,
        "party_type": case.party_type,
        "party_code": case.party_id_number,
        "content": case.penalty_types,
        "decision_date": decided,
        "due_on": add_working_days(decided, 7),
        "published_on": row.published_on,
    }
    if record is None:
        PublicityRecord.objects.create(
            kind=PublicityRecord.Kind.PENALTY, case=case, **wanted
        )
        return True
    if any(getattr(record, k) != v for k, v in wanted.items()):
        for name, value in wanted.items():
            setattr(record, name, value)
        record.save()
        return True
    return False
