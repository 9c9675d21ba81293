"""The figures inspections.* and supervision.* of spec/indicators.md, each one
aggregate query (supervision.records and inspections.published_on_time share
``record_figures``). Spot checks are run by the bureau as a whole (tasks carry no
unit), so ``org`` does not narrow them."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from jiaotong.dates import LOCAL_TZ
from jiaotong.metrics.registry import indicator, rate, shared
from jiaotong.models import CreditGradeChange

from .models import DrawnEnterprise, InspectionRecord, SpotCheckTask


def counted_tasks(year: int):
    """Tasks not cancelled whose current draw was made in ``year``."""
    return SpotCheckTask.objects.exclude(status=SpotCheckTask.Status.CANCELLED).filter(
        draws__superseded_by__isnull=True, draws__drawn_on__year=year
    )


@indicator("inspections.tasks")
def inspections_tasks(year: int, org=None) -> int:
    return counted_tasks(year).distinct().count()


@indicator("inspections.enterprises")
def inspections_enterprises(year: int, org=None) -> int:
    return (
        DrawnEnterprise.objects.filter(
            mode=DrawnEnterprise.Mode.RANDOM,
            draw__superseded_by__isnull=True,
            draw__drawn_on__year=year,
        )
        .exclude(draw__task__status=SpotCheckTask.Status.CANCELLED)
        .values("enterprise_id")
        .distinct()
        .count()
    )


@indicator("inspections.problem_rate")
def inspections_problem_rate(year: int, org=None):
    counts = InspectionRecord.objects.filter(
        task__in=counted_tasks(year).values("pk")
    ).aggregate(
        total=Count("pk"),
        problems=Count("pk", filter=~Q(result=InspectionRecord.Result.NONE)),
    )
    return rate(counts["problems"], counts["total"])


@shared
def record_figures(year: int, org=None) -> dict[str, int]:
    """The inspection records of Y: all of them, the random ones and, of those,
    the ones published by their due date (local date), in one query."""
    random_kind = Q(kind=InspectionRecord.Kind.RANDOM)
    return (
        InspectionRecord.objects.filter(inspected_on__year=year)
        .annotate(published_on=TruncDate("published_at", tzinfo=LOCAL_TZ))
        .aggregate(
            records=Count("pk"),
            random=Count("pk", filter=random_kind),
            on_time=Count(
                "pk", filter=random_kind & Q(published_on__lte=F("publish_due"))
            ),
        )
    )


@indicator("inspections.published_on_time")
def inspections_published_on_time(year: int, org=None):
    counts = record_figures(year, org)
    return rate(counts["on_time"], counts["random"])


@indicator("supervision.records")
def supervision_records(year: int, org=None) -> int:
    return record_figures(year, org)["records"]


@indicator("supervision.credit_downgrades")
def supervision_credit_downgrades(year: int, org=None) -> int:
    return (
        CreditGradeChange.objects.filter(
            cause=CreditGradeChange.Cause.PENALTIES,
            changed_on__year=year,
            to_grade__gt=F("from_grade"),
        )
        .values("enterprise_id")
        .distinct()
        .count()
    )
