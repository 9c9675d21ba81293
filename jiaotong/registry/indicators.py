"""The power list's figures (powers.* of spec/indicators.md): the counts of
matters in force read one aggregate query (``power_figures``), the changes of Y
another (``change_figures``), the benchmarks a third.

"In force at 31 Dec of Y" is ``in_force_on(year_end(Y))``: started on or before
that day (or no start date) and not repealed/abolished on or before it, so a
matter repealed on 31 Dec no longer counts and one repealed on 1 Jan of Y+1
still does.  ``org`` narrows matters and benchmark entries to those whose
承办单位 lies in that unit's subtree.

Also the workbook's "records behind the figures" for these indicators
(``report_sheets``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Q,
    Value,
    When,
)
from django.urls import reverse

from jiaotong.dates import year_end
from jiaotong.metrics.registry import indicator, shared
from jiaotong.registry.models import (
    DiscretionItem,
    Matter,
    MatterChange,
    MatterSource,
    PowerType,
)

# Who may open the lists the drill-downs point to.
PERM = "jiaotong.view_matter"


def _matters(year: int, org):
    matters = Matter.objects.in_force_on(year_end(year))
    if org is not None:
        matters = matters.filter(unit__path__startswith=org.path)
    return matters


@shared
def change_figures(year: int, org) -> dict[str, int]:
    """Distinct matters with a change of each kind dated in Y, in one query."""
    changes = MatterChange.objects.filter(
        effective_on__gte=dt.date(year, 1, 1),
        effective_on__lte=year_end(year),
    )
    if org is not None:
        changes = changes.filter(matter__unit__path__startswith=org.path)
    return changes.aggregate(
        **{
            kind: Count("matter", distinct=True, filter=Q(kind=kind))
            for kind in (
                MatterChange.Kind.FILING_REFORM,
                MatterChange.Kind.NOTIFY_COMMIT,
            )
        }
    )


def _changes_in_year(kind: str, year: int, org) -> int:
    """Distinct matters with a change of ``kind`` dated in Y."""
    return change_figures(year, org)[kind]


@shared
def power_figures(year: int, org) -> dict[str, int]:
    """The powers.* counts of the matters in force at 31 Dec of Y, in one query:
    ``total`` (power items, not public services), one per power type, and
    ``delegated``."""
    power = ~Q(power_type=PowerType.PUBLIC_SERVICE)
    return _matters(year, org).aggregate(
        total=Count("pk", filter=power),
        **{
            power_type: Count("pk", filter=power & Q(power_type=power_type))
            for power_type in (
                PowerType.LICENSING,
                PowerType.PENALTY,
                PowerType.CONFIRMATION,
                PowerType.OTHER,
            )
        },
        delegated=Count(
            "pk",
            filter=Q(
                power_type=PowerType.LICENSING,
                source__in=[MatterSource.PROVINCE, MatterSource.CITY],
            ),
        ),
    )


def _power_list_url(power_type: str):
    """The power list of one type in force at 31 Dec of Y (whole bureau only:
    the list has no unit filter, so a unit's figure has no drill-down)."""

    def url(year: int, org) -> str | None:
        if org is not None:
            return None
        query = {"power_type": power_type, "in_force_on": year_end(year).isoformat()}
        return reverse("matter_list") + "?" + urlencode(query)

    return url


@indicator("powers.total")
def powers_total(year: int, org) -> int:
    return power_figures(year, org)["total"]


@indicator(
    "powers.licensing",
    drilldown=_power_list_url(PowerType.LICENSING),
    drilldown_perm=PERM,
)
def powers_licensing(year: int, org) -> int:
    return power_figures(year, org)[PowerType.LICENSING]


@indicator(
    "powers.penalty", drilldown=_power_list_url(PowerType.PENALTY), drilldown_perm=PERM
)
def powers_penalty(year: int, org) -> int:
    return power_figures(year, org)[PowerType.PENALTY]


@indicator(
    "powers.confirmation",
    drilldown=_power_list_url(PowerType.CONFIRMATION),
    drilldown_perm=PERM,
)
def powers_confirmation(year: int, org) -> int:
    return power_figures(year, org)[PowerType.CONFIRMATION]


@indicator(
    "powers.other", drilldown=_power_list_url(PowerType.OTHER), drilldown_perm=PERM
)
def powers_other(year: int, org) -> int:
    return power_figures(year, org)[PowerType.OTHER]


@indicator("powers.filing_reform")
def powers_filing_reform(year: int, org) -> int:
    return _changes_in_year(MatterChange.Kind.FILING_REFORM, year, org)


@indicator("powers.notify_commit")
def powers_notify_commit(year: int, org) -> int:
    return _changes_in_year(MatterChange.Kind.NOTIFY_COMMIT, year, org)


@indicator("powers.delegated")
def powers_delegated(year: int, org) -> int:
    return power_figures(year, org)["delegated"]


@indicator("powers.benchmarked_penalties")
def powers_benchmarked_penalties(year: int, org) -> int:
    items = DiscretionItem.objects.in_force_on(year_end(year))
    if org is not None:
        items = items.filter(matter__unit__path__startswith=org.path)
    return items.count()


# --- Records behind the figures (year-end workbook) ----------------------------

# The list's own order of power types (许可, 处罚, 确认, 其他, 公共服务), not the
# database collation's order of their Chinese names.
_POWER_TYPE_ORDER = Case(
    *(
        When(power_type=value, then=Value(i))
        for i, value in enumerate(PowerType.values)
    ),
    default=Value(len(PowerType.values)),
)


def report_sheets(year: int, org) -> list[tuple[str, list[str], object]]:
    """权责清单 in force at 31 Dec, its 裁量基准, and the year's adjustments."""
    day = year_end(year)
    matters = (
        _matters(year, org)
        .order_by(_POWER_TYPE_ORDER, "code")
        .values_list(
            "code",
            "name",
            "power_type",
            "source",
            "notify_commit",
            "statutory_limit_days",
            "promised_limit_days",
            "unit__name",
            "effective_from",
        )
    )
    items = DiscretionItem.objects.in_force_on(day).order_by("code")
    if org is not None:
        items = items.filter(matter__unit__path__startswith=org.path)
    items = items.values_list(
        "code",
        "matter__code",
        "matter__name",
        "violation",
        "fine_min",
        "fine_max",
        "effective_from",
    )
    changes = MatterChange.objects.filter(
        effective_on__gte=dt.date(year, 1, 1), effective_on__lte=day
    ).order_by("effective_on", "id")
    if org is not None:
        changes = changes.filter(matter__unit__path__startswith=org.path)
    changes = changes.values_list(
        "effective_on", "kind", "matter__code", "matter__name", "document", "note"
    )
    kind_labels = dict(MatterChange.Kind.choices)
    return [
        (
            "权责清单",
            [
                "事项编码",
                "事项名称",
                "权力类型",
                "承接来源",
                "告知承诺",
                "法定时限（工作日）",
                "承诺时限（工作日）",
                "承办单位",
                "生效日期",
            ],
            (
                (*row[:4], "是" if row[4] else "否", *row[5:])
                for row in matters.iterator(chunk_size=2000)
            ),
        ),
        (
            "裁量基准",
            [
                "基准编码",
                "事项编码",
                "处罚事项",
                "违法行为",
                "罚款下限（元）",
                "罚款上限（元）",
                "生效日期",
            ],
            items.iterator(chunk_size=2000),
        ),
        (
            "事项调整",
            ["调整日期", "调整类型", "事项编码", "事项名称", "依据文件", "说明"],
            (
                (row[0], str(kind_labels.get(row[1], row[1])), *row[2:])
                for row in changes.iterator(chunk_size=2000)
            ),
        ),
    ]
