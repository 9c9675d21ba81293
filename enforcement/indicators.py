"""The enforcement figures (enforcement.*) of spec/indicators.md; those of the
penalty decisions of Y read one aggregate query (``decided_figures``, also
kept as a rollup that the dashboard sums while it is current), the others one
query each. Years are Asia/Shanghai calendar years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Round, TruncDate
from django.db.models.lookups import GreaterThan

from jiaotong.dates import LOCAL_TZ, year_bounds
from jiaotong.metrics.registry import indicator, rate, shared
from jiaotong.metrics.rollups import Rollup

from .models import DECISION_DAYS, LegalReview, Outcome, PenaltyCase, Procedure
from .models import PublicityRecord as Publicity


def _scoped(org):
    cases = PenaltyCase.objects.counted()
    if org is not None:
        cases = cases.filter(unit__path__startswith=org.path)
    return cases


def decided_cases(year: int, org=None):
    """Cases with a penalty decision (not 不予处罚, not 撤销立案) dated in Y."""
    start, end = year_bounds(year)
    return _scoped(org).filter(
        outcome=Outcome.PENALTY, decided_at__gte=start, decided_at__lt=end
    )


class DaysBetween(Func):
    """Whole calendar days from the date ``start`` to the date ``end``
    (``DaysBetween(end, start)``): PostgreSQL subtracts dates to an integer,
    SQLite through julianday (it has no interval type)."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _overdue() -> Q:
    """General-procedure decisions more than 90 calendar days (plus approved
    extensions) after 立案, compared as local dates."""
    took = DaysBetween(
        TruncDate("decided_at", tzinfo=LOCAL_TZ), TruncDate("filed_at", tzinfo=LOCAL_TZ)
    )
    return Q(
        GreaterThan(took, Value(DECISION_DAYS) + F("extension_days")),
        procedure=Procedure.GENERAL,
        filed_at__isnull=False,
    )


def _decided_counts(year: int) -> dict:
    """Fines in fen (whole numbers), so that a rollup holds them as counts."""
    published = Publicity.objects.filter(
        case=OuterRef("pk"), published_on__isnull=False
    )
    return {
        "cases": Count("pk"),
        "published": Count("pk", filter=Q(Exists(published))),
        "fines_fen": Sum(Cast(Round(F("fine") * 100), BigIntegerField())),
        "overdue": Count("pk", filter=_overdue()),
    }


DECIDED = Rollup(
    name="enforcement.decided",
    labels=("enforcement",),
    rows=decided_cases,
    day="decided_at",
    counts=_decided_counts,
)


@shared
def decided_figures(year: int, org=None) -> dict:
    """The counts behind enforcement.cases, .cases_published_rate,
    .fines_total and .overdue_cases, in one pass over the decisions of Y (or
    summed from their rollup); ``fines`` in yuan, None without decisions."""
    counts = DECIDED.figures(year, org)
    fines = None
    if counts["cases"]:
        fines = (Decimal(counts["fines_fen"]) / 100).quantize(Decimal("0.01"))
    return {**counts, "fines": fines}


@indicator("enforcement.cases")
def enforcement_cases(year: int, org=None) -> int:
    return decided_figures(year, org)["cases"]


@indicator("enforcement.cases_published_rate")
def enforcement_cases_published_rate(year: int, org=None):
    counts = decided_figures(year, org)
    return rate(counts["published"], counts["cases"])


@indicator("enforcement.licensing_published")
def enforcement_licensing_published(year: int, org=None) -> int:
    records = Publicity.objects.filter(
        kind=Publicity.Kind.LICENSING,
        published_on__gte=dt.date(year, 1, 1),
        published_on__lte=dt.date(year, 12, 31),
        application__is_test=False,
    )
    if org is not None:
        records = records.filter(application__unit__path__startswith=org.path)
    return records.count()


@indicator("enforcement.legal_reviews")
def enforcement_legal_reviews(year: int, org=None) -> int:
    start, end = year_bounds(year)
    reviews = LegalReview.objects.filter(
        concluded_at__gte=start, concluded_at__lt=end, case__is_test=False
    )
    if org is not None:
        reviews = reviews.filter(case__unit__path__startswith=org.path)
    return reviews.aggregate(n=Count("case", distinct=True))["n"]


@indicator("enforcement.fines_total")
def enforcement_fines_total(year: int, org=None) -> Decimal:
    total = decided_figures(year, org)["fines"]
    return total if total is not None else Decimal("0")


@indicator("enforcement.overdue_cases")
def enforcement_overdue_cases(year: int, org=None) -> int:
    """General-procedure decisions of Y more than 90 calendar days (plus
    approved extensions) after 立案."""
    return decided_figures(year, org)["overdue"]


def report_sheets(year: int, org) -> list[tuple[str, list[str], object]]:
    """The penalty decisions behind enforcement.*; natural persons' IDs masked."""
    from jiaotong.validators import mask_id_number

    rows = (
        decided_cases(year, org)
        .order_by("decided_at", "pk")
        .values_list(
            "number",
            "procedure",
            "source",
            "party_name",
            "party_type",
            "party_id_number",
            "plate",
            "matter__name",
            "penalty_types",
            "fine",
            "filed_at",
            "decided_at",
            "publicity__published_on",
            "unit__name",
        )
    )

    def masked():
        for row in rows.iterator(chunk_size=2000):
            row = list(row)
            if row[4] == "自然人":
                row[5] = mask_id_number(row[5])
            yield tuple(row)

    headers = [
        "案件编号",
        "程序类型",
        "案件来源",
        "当事人",
        "当事人类型",
        "证件号码",
        "车牌号",
        "违法行为",
        "处罚种类",
        "罚款金额",
        "立案时间",
        "决定时间",
        "公示日期",
        "办案单位",
    ]
    return [("行政处罚决定", headers, masked())]
