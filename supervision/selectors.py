"""Reads for the supervision screens, the public pages and the enterprise file."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import (
    Draw,
    DrawnEnterprise,
    InspectionItem,
    InspectionRecord,
    SpotCheckTask,
)


def task_list(user) -> QuerySet[SpotCheckTask]:
    return SpotCheckTask.objects.visible_to(user).prefetch_related("items")


def task_picks(draw: Draw | None) -> list[DrawnEnterprise]:
    if draw is None:
        return []
    return list(
        draw.picks.select_related("enterprise").prefetch_related(
            Prefetch("inspectors", queryset=_officers())
        )
    )


def _officers():
    from enforcement.models import Officer

    return Officer.objects.select_related("user")


def record_list(user) -> QuerySet[InspectionRecord]:
    return (
        InspectionRecord.objects.visible_to(user)
        .select_related("enterprise", "task")
        .prefetch_related(Prefetch("inspectors", queryset=_officers()))
    )


def public_results() -> QuerySet[InspectionRecord]:
    """Published results (结果公示), newest first; no personal data."""
    return (
        InspectionRecord.objects.published()
        .select_related("enterprise", "task")
        .order_by("-published_at", "-id")
    )


def public_items() -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(active=True)


def enterprise_file(enterprise, user) -> dict | None:
    """The enterprise page's 检查与信用 section, or None for a user who may not
    see inspections."""
    if not user.has_perm("supervision.view_inspectionrecord"):
        return None
    records = list(record_list(user).filter(enterprise=enterprise)[:10])
    return {
        "template": "supervision/includes/_enterprise_inspections.html",
        "rows": records,
        "grade_changes": list(enterprise.grade_changes.all()[:10]),
        "enterprise": enterprise,
    }
