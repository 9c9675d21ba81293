"""The window figures (window.*) of spec/indicators.md: those of the
applications completed in Y read one aggregate query (``completed_figures``),
the completion rate another (``received_figures``), window.coverage its own;
the first two are also kept as rollups (jiaotong.metrics.rollups), which the
dashboard sums while they are current."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from jiaotong.dates import year_bounds, year_end
from jiaotong.metrics.registry import LocalDate, indicator, rate, shared
from jiaotong.metrics.rollups import Rollup
from jiaotong.models import Matter
from jiaotong.registry.models import PowerType

from .models import GOOD_EVALUATIONS, Application
from .rules import FINAL_RESULTS

# Who may open the lists the drill-downs point to.
PERM = "licensing.view_application"


def _scoped(org):
    applications = Application.objects.counted()
    if org is not None:
        applications = applications.filter(unit__path__startswith=org.path)
    return applications


def completed_filter(year: int) -> Q:
    """Accepted applications that reached a final result with completion in Y
    (never test data): the window list's 办结年度 filter applies the same rule.

    Not-accepted and withdrawn ones never get a result, so they never count."""
    start, end = year_bounds(year)
    return Q(
        is_test=False,
        accepted_at__isnull=False,
        result__in=FINAL_RESULTS,
        completed_at__gte=start,
        completed_at__lt=end,
    )


def completed(year: int, org=None):
    return _scoped(org).filter(completed_filter(year))


def _list_url(year: int, org, **params) -> str:
    """The window list filtered to window.completed of Y (and ``params``)."""
    query = {"completed_year": year, **params}
    if org is not None:
        query["unit"] = org.pk
    return reverse("licensing:application_list") + "?" + urlencode(query)


def _completed_counts(year: int) -> dict:
    on_time = Q(promised_due_date__isnull=False, done_on__lte=F("promised_due_date"))
    return {
        "completed": Count("pk"),
        "licensing": Count("pk", filter=Q(matter__power_type=PowerType.LICENSING)),
        "public_service": Count(
            "pk", filter=Q(matter__power_type=PowerType.PUBLIC_SERVICE)
        ),
        "promised": Count("pk", filter=Q(promised_due_date__isnull=False)),
        "on_time": Count("pk", filter=on_time),
        "rated": Count("pk", filter=~Q(evaluation="")),
        "good": Count("pk", filter=Q(evaluation__in=GOOD_EVALUATIONS)),
        "notify_commit": Count("pk", filter=Q(notify_commit=True)),
    }


# The window's rollups: a matter's power type and name are read through the
# matter, so a change of the shared registers (label jiaotong) stales them too.
COMPLETED = Rollup(
    name="window.completed",
    labels=("licensing", "jiaotong"),
    rows=lambda year, org: completed(year, org).annotate(
        done_on=LocalDate("completed_at", year)
    ),
    day="completed_at",
    counts=_completed_counts,
)
COMPLETED_BY_MATTER = Rollup(
    name="window.completed.matter",
    labels=("licensing", "jiaotong"),
    rows=completed,
    day="completed_at",
    counts=lambda year: {"n": Count("pk")},
    by="matter__name",
)


def _received(year: int, org=None):
    start, end = year_bounds(year)
    return _scoped(org).filter(received_at__gte=start, received_at__lt=end)


def _received_counts(year: int) -> dict:
    """All applications received in Y (the monthly chart), and those of the
    completion rate: accepted, not withdrawn, finished by 31 Dec of Y."""
    _, end = year_bounds(year)
    accepted = Q(accepted_at__isnull=False) & ~Q(status=Application.Status.WITHDRAWN)
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=accepted),
        "finished": Count(
            "pk",
            filter=accepted & Q(result__in=FINAL_RESULTS, completed_at__lt=end),
        ),
    }


RECEIVED = Rollup(
    name="window.received",
    labels=("licensing",),
    rows=_received,
    day="received_at",
    counts=_received_counts,
)


@shared
def completed_figures(year: int, org=None) -> dict[str, int]:
    """The counts behind every window.* figure of the applications completed in
    Y, in one pass over them (the covering index app_completed_ind_idx), or
    summed from their rollup."""
    return COMPLETED.figures(year, org)


@shared
def received_figures(year: int, org=None) -> dict[str, int]:
    """The counts of the applications received in Y (window.completion_rate)."""
    return RECEIVED.figures(year, org)


@indicator("window.completed", drilldown=_list_url, drilldown_perm=PERM)
def window_completed(year: int, org=None) -> int:
    return completed_figures(year, org)["completed"]


@indicator(
    "window.completed.licensing",
    drilldown=lambda year, org: _list_url(year, org, power_type=PowerType.LICENSING),
    drilldown_perm=PERM,
)
def window_completed_licensing(year: int, org=None) -> int:
    return completed_figures(year, org)["licensing"]


@indicator(
    "window.completed.public_service",
    drilldown=lambda year, org: _list_url(
        year, org, power_type=PowerType.PUBLIC_SERVICE
    ),
    drilldown_perm=PERM,
)
def window_completed_public_service(year: int, org=None) -> int:
    return completed_figures(year, org)["public_service"]


@indicator("window.completion_rate")
def window_completion_rate(year: int, org=None):
    counts = received_figures(year, org)
    return rate(counts["finished"], counts["accepted"])


@indicator("window.coverage")
def window_coverage(year: int, org=None):
    """Window matters in force at 31 Dec with at least one completed application
    in Y. The denominator is the bureau's window matters whatever ``org``."""
    matters = Matter.objects.filter(
        power_type__in=[PowerType.LICENSING, PowerType.PUBLIC_SERVICE]
    ).in_force_on(year_end(year))
    handled = completed(year, org).filter(matter=OuterRef("pk"))
    counts = matters.aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(Exists(handled)))
    )
    return rate(counts["covered"], counts["total"])


@indicator("window.on_time_rate")
def window_on_time_rate(year: int, org=None):
    """Completed on or before the promised due date fixed at receipt (the N-th
    working day after the day of receipt), compared as local dates in the DB;
    applications without a promised due date are left out."""
    counts = completed_figures(year, org)
    return rate(counts["on_time"], counts["promised"])


@indicator("window.satisfaction_rate")
def window_satisfaction_rate(year: int, org=None):
    """Of the completed applications that were rated, the share rated good."""
    counts = completed_figures(year, org)
    return rate(counts["good"], counts["rated"])


@indicator(
    "window.notify_commit",
    drilldown=lambda year, org: _list_url(year, org, notify_commit="1"),
    drilldown_perm=PERM,
)
def window_notify_commit(year: int, org=None) -> int:
    return completed_figures(year, org)["notify_commit"]


def report_sheets(year: int, org) -> list[tuple[str, list[str], object]]:
    """The applications behind window.completed, ID numbers and phones masked."""
    from jiaotong.validators import mask_id_number, mask_phone

    rows = (
        completed(year, org)
        .order_by("completed_at", "pk")
        .values_list(
            "number",
            "matter__code",
            "matter__name",
            "matter__power_type",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "channel",
            "received_at",
            "completed_at",
            "result",
            "notify_commit",
            "unit__name",
        )
    )

    def masked():
        for row in rows.iterator(chunk_size=2000):
            row = list(row)
            row[5] = mask_id_number(row[5])
            row[6] = mask_phone(row[6])
            row[11] = "是" if row[11] else "否"
            yield tuple(row)

    headers = [
        "办件编号",
        "事项编码",
        "事项名称",
        "权力类型",
        "申请人",
        "证件号码",
        "联系电话",
        "办理渠道",
        "收件时间",
        "办结时间",
        "办理结果",
        "告知承诺",
        "受理单位",
    ]
    return [("窗口办结办件", headers, masked())]
