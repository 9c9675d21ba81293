"""Writes of the dashboard: closing and reopening a statistical year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.dashboard.models import YearClosing
from jiaotong.metrics.registry import compute_all


def frozen_values(year: int) -> dict[str, str | None]:
    """The whole bureau's figures of ``year`` as a YearClosing stores them:
    text (Decimal keeps its one decimal), None where undefined."""
    return {
        ind.code: None if value is None else str(value)
        for ind, value in compute_all(year, None)
    }


@transaction.atomic
def year_close(*, year: int, by, request=None) -> YearClosing:
    """Freeze the whole bureau's figures of ``year`` with who and when.

    A year can be closed only once it has ended, and not twice; a reopened year
    may be closed again (the new values replace the old)."""
    if year >= timezone.localdate().year:
        raise ValidationError("只能对已结束的年度关账。")
    closing = YearClosing.objects.select_for_update().filter(year=year).first()
    if closing is not None and closing.is_closed:
        raise ValidationError(f"{year}年度已关账。")
    now = timezone.now()
    values = frozen_values(year)
    if closing is None:
        closing = YearClosing(year=year)
    closing.values = values
    closing.is_closed = True
    closing.closed_at = now
    closing.closed_by = by
    closing.save()
    audit_record(
        by=by,
        action="year_close",
        obj=closing,
        from_state="open",
        to_state="closed",
        changes={"year": year, "values": values},
        request=request,
    )
    return closing


@transaction.atomic
def year_reopen(*, year: int, reason: str, by, request=None) -> YearClosing:
    """Reopen a closed year; the reason is required and audited.  The frozen
    values stay on the row until the year is closed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("重新开放须填写理由。")
    closing = YearClosing.objects.select_for_update().filter(year=year).first()
    if closing is None or not closing.is_closed:
        raise ValidationError(f"{year}年度未关账。")
    closing.is_closed = False
    closing.reopened_at = timezone.now()
    closing.reopened_by = by
    closing.reopen_reason = reason
    closing.save()
    audit_record(
        by=by,
        action="year_reopen",
        obj=closing,
        from_state="closed",
        to_state="open",
        reason=reason,
        request=request,
    )
    return closing
