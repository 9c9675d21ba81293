"""hotline.* indicators (spec/indicators.md, 监督与热线), all read from one
aggregate query over the tickets received in Y (``received_figures``), also
kept as a rollup (jiaotong.metrics.rollups) that the dashboard sums while it is
current.

"Received in Y" is the local (Asia/Shanghai) date of the call; closure and
on-time are judged on the local date of ``closed_at``.
"""

from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse

from jiaotong.dates import year_bounds
from jiaotong.metrics.registry import LocalDate, indicator, rate, shared
from jiaotong.metrics.rollups import Rollup

from .models import COMPLAINT_CATEGORIES, REACHED_RESULTS, SATISFIED_RESULTS, Source
from .selectors import tickets_received_in

# Who may open the lists the drill-downs point to.
PERM = "hotline.view_ticket"


def _list_url(year: int, org, **params) -> str:
    """The ticket list filtered to the tickets received in Y (and ``params``)."""
    query = {"received_year": year, **params}
    if org is not None:
        query["unit"] = org.pk
    return reverse("hotline:ticket_list") + "?" + urlencode(query)


def _received_counts(year: int) -> dict:
    _, year_end = year_bounds(year)
    return {
        "received": Count("id"),
        "h12328": Count("id", filter=Q(source=Source.H12328)),
        "h12345": Count("id", filter=Q(source=Source.H12345)),
        "closed_in_year": Count("id", filter=Q(closed_at__lt=year_end)),
        "closed": Count("id", filter=Q(closed_at__isnull=False)),
        "on_time": Count(
            "id",
            filter=Q(closed_at__isnull=False, closed_on__lte=F("due_date")),
        ),
        "reached": Count("id", filter=Q(follow_up_result__in=REACHED_RESULTS)),
        "satisfied": Count("id", filter=Q(follow_up_result__in=SATISFIED_RESULTS)),
    }


RECEIVED = Rollup(
    name="hotline.received",
    labels=("hotline",),
    rows=lambda year, org: tickets_received_in(year, org).annotate(
        closed_on=LocalDate("closed_at", year)
    ),
    day="received_at",
    counts=_received_counts,
)
RECEIVED_BY_AREA = Rollup(
    name="hotline.received.area",
    labels=("hotline",),
    rows=tickets_received_in,
    day="received_at",
    counts=lambda year: {
        "tickets": Count("id"),
        "complaints": Count("id", filter=Q(category__in=COMPLAINT_CATEGORIES)),
    },
    by="area",
)


@shared
def received_figures(year: int, org) -> dict[str, int]:
    """The counts behind every hotline.* figure of the tickets received in Y, in
    one pass over them (the covering index ticket_received_ind_idx), or summed
    from their rollup."""
    return RECEIVED.figures(year, org)


@indicator(
    "hotline.12328.received",
    drilldown=lambda year, org: _list_url(year, org, source=Source.H12328),
    drilldown_perm=PERM,
)
def received_12328(year: int, org) -> int:
    return received_figures(year, org)["h12328"]


@indicator(
    "hotline.12345.received",
    drilldown=lambda year, org: _list_url(year, org, source=Source.H12345),
    drilldown_perm=PERM,
)
def received_12345(year: int, org) -> int:
    return received_figures(year, org)["h12345"]


@indicator("hotline.closure_rate")
def closure_rate(year: int, org):
    """Of the tickets received in Y, the share closed on or before 31 Dec of Y."""
    counts = received_figures(year, org)
    return rate(counts["closed_in_year"], counts["received"])


@indicator("hotline.on_time_rate")
def on_time_rate(year: int, org):
    """Of the tickets received in Y and closed, the share closed on or before
    their deadline date."""
    counts = received_figures(year, org)
    return rate(counts["on_time"], counts["closed"])


@indicator("hotline.satisfaction_rate")
def satisfaction_rate(year: int, org):
    """Of the tickets received in Y whose follow-up reached the caller, the share
    answering 满意 or 基本满意 (联系不上 and no follow-up are left out)."""
    counts = received_figures(year, org)
    return rate(counts["satisfied"], counts["reached"])


def report_sheets(year: int, org) -> list[tuple[str, list[str], object]]:
    """The tickets behind hotline.*; callers' phones masked, names omitted."""
    from jiaotong.validators import mask_phone

    rows = (
        tickets_received_in(year, org)
        .order_by("received_at", "pk")
        .values_list(
            "ticket_no",
            "source",
            "received_at",
            "category",
            "area",
            "enterprise__name",
            "caller_phone",
            "unit__name",
            "due_date",
            "closed_at",
            "follow_up_result",
        )
    )

    def masked():
        for row in rows.iterator(chunk_size=2000):
            row = list(row)
            row[6] = mask_phone(row[6])
            yield tuple(row)

    headers = [
        "工单编号",
        "热线来源",
        "来电时间",
        "诉求类型",
        "业务类别",
        "涉及企业",
        "联系电话",
        "承办单位",
        "办理时限",
        "办结时间",
        "回访结果",
    ]
    return [("热线工单", headers, masked())]
