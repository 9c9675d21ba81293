"""Figures at scale (issue 14): the figures that share one aggregate query per
table (and its covering index) equal the plain one-query-per-figure
definitions, on seeded random records whose dates straddle the local year's
edges, for the whole bureau and for a unit's subtree."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext

from enforcement.models import LegalReview, PenaltyCase, PublicityRecord
from hotline.models import Ticket
from jiaotong.dates import LOCAL_TZ
from jiaotong.metrics.registry import (
    LocalDate,
    compute,
    compute_all,
    rate,
    shared_queries,
    steady_utc_offset,
)
from licensing.models import Application
from tests.factories import make_matter, resident_id

pytestmark = pytest.mark.django_db

YEAR = 2023
PERSON = resident_id("41142219850101123")
START, END = (
    dt.datetime(YEAR, 1, 1, tzinfo=LOCAL_TZ),
    dt.datetime(YEAR + 1, 1, 1, tzinfo=LOCAL_TZ),
)


def moment(rng: random.Random) -> dt.datetime:
    """A moment in Y or a few days either side, often just around local
    midnight (where UTC and local dates differ)."""
    day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(-4, 368))
    minutes = rng.choice([5, 30, 600, 23 * 60 + 50, rng.randrange(24 * 60)])
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ) + dt.timedelta(
        minutes=minutes
    )


def maybe(rng, value, share=0.8):
    return value if rng.random() < share else None


@pytest.fixture
def records(org, clerk):
    rng = random.Random(14)
    units = [org["window"], org["squad"], org["brigade"], org["agency"]]
    window_matters = [
        make_matter(power_type="行政许可"),
        make_matter(power_type="行政许可"),
        make_matter(power_type="公共服务"),
    ]
    penalty_matter = make_matter(power_type="行政处罚")

    applications = []
    for n in range(400):
        received = moment(rng)
        completed = maybe(rng, received + dt.timedelta(hours=rng.randint(0, 900)))
        applications.append(
            Application(
                number=f"T-{n}",
                matter=rng.choice(window_matters),
                applicant_name="张三",
                applicant_type="自然人",
                applicant_id_number=PERSON,
                status=rng.choice(["closed", "withdrawn", "accepted", "not_accepted"]),
                unit=rng.choice(units),
                received_at=received,
                accepted_at=maybe(rng, received),
                result=rng.choice(["准予", "不予许可", "办结"])
                if completed
                else rng.choice(["", "", "准予"]),
                completed_at=completed,
                promised_due_date=maybe(
                    rng, received.date() + dt.timedelta(days=rng.randint(0, 30))
                ),
                evaluation=rng.choice(["", "非常满意", "满意", "基本满意", "不满意"]),
                notify_commit=rng.random() < 0.2,
                is_test=rng.random() < 0.1,
            )
        )
    Application.objects.bulk_create(applications)

    tickets = []
    for n in range(300):
        received = moment(rng)
        closed = maybe(rng, received + dt.timedelta(hours=rng.randint(0, 500)))
        tickets.append(
            Ticket(
                ticket_no=f"T-{n}",
                source=rng.choice(["12328", "12345"]),
                received_at=received,
                category="投诉",
                area="道路运输",
                content="反映问题",
                unit=maybe(rng, rng.choice(units)),
                status="closed" if closed else "dispatched",
                due_date=received.date() + dt.timedelta(days=rng.randint(0, 14)),
                closed_at=closed,
                follow_up_result=rng.choice(
                    ["", "满意", "基本满意", "不满意", "联系不上"]
                ),
                is_test=rng.random() < 0.1,
            )
        )
    Ticket.objects.bulk_create(tickets)

    cases = []
    for n in range(300):
        filed = moment(rng) - dt.timedelta(days=rng.choice([0, 10, 80, 95, 120]))
        decided = maybe(
            rng, filed + dt.timedelta(days=rng.choice([0, 30, 91, 100, 150]))
        )
        outcome = rng.choice(["处罚", "处罚", "不予处罚", "移送"]) if decided else ""
        cases.append(
            PenaltyCase(
                number=f"T-{n}",
                status="closed" if decided else "investigating",
                procedure=rng.choice(["简易程序", "普通程序"]),
                source="路面巡查",
                party_type="自然人",
                party_name="张三",
                party_id_number=PERSON,
                matter=penalty_matter,
                unit=rng.choice(units),
                facts="超限运输",
                fine=Decimal(rng.choice([0, 200, 1000, 5000])),
                outcome=outcome,
                filed_at=filed,
                decided_at=decided,
                extension_days=rng.choice([0, 0, 30]),
                is_test=rng.random() < 0.1,
            )
        )
    PenaltyCase.objects.bulk_create(cases)
    PublicityRecord.objects.bulk_create(
        PublicityRecord(
            kind="处罚",
            case=case,
            decision_no=case.number,
            title="处罚",
            party_name="张三",
            party_type="自然人",
            party_code=PERSON,
            decision_date=case.decided_at.astimezone(LOCAL_TZ).date(),
            due_on=case.decided_at.astimezone(LOCAL_TZ).date(),
            published_on=maybe(
                rng, case.decided_at.astimezone(LOCAL_TZ).date(), share=0.7
            ),
        )
        for case in cases
        if case.outcome == "处罚" and rng.random() < 0.8
    )
    LegalReview.objects.bulk_create(
        LegalReview(
            case=case,
            submitted_at=case.filed_at,
            result="退回补充调查",
            concluded_at=moment(rng),
        )
        for case in cases
        for _ in range(rng.choice([0, 0, 1, 2]))
    )
    return org


# --- The plain definitions: one query per figure ---------------------------------


def plain_window(org) -> dict:
    apps = Application.objects.filter(is_test=False)
    if org is not None:
        apps = apps.filter(unit__path__startswith=org.path)
    done = apps.filter(
        accepted_at__isnull=False,
        result__in=["准予", "不予许可", "办结"],
        completed_at__gte=START,
        completed_at__lt=END,
    )
    promised = done.filter(promised_due_date__isnull=False).annotate(
        done_on=TruncDate("completed_at", tzinfo=LOCAL_TZ)
    )
    rated = done.exclude(evaluation="")
    received = apps.filter(
        received_at__gte=START, received_at__lt=END, accepted_at__isnull=False
    ).exclude(status="withdrawn")
    finished = received.filter(
        result__in=["准予", "不予许可", "办结"], completed_at__lt=END
    )
    return {
        "window.completed": done.count(),
        "window.completed.licensing": done.filter(
            matter__power_type="行政许可"
        ).count(),
        "window.completed.public_service": done.filter(
            matter__power_type="公共服务"
        ).count(),
        "window.notify_commit": done.filter(notify_commit=True).count(),
        "window.on_time_rate": rate(
            promised.filter(done_on__lte=F("promised_due_date")).count(),
            promised.count(),
        ),
        "window.satisfaction_rate": rate(
            rated.filter(evaluation__in=["非常满意", "满意"]).count(), rated.count()
        ),
        "window.completion_rate": rate(finished.count(), received.count()),
    }


def plain_hotline(org) -> dict:
    tickets = Ticket.objects.filter(
        is_test=False, received_at__gte=START, received_at__lt=END
    )
    if org is not None:
        tickets = tickets.filter(unit__path__startswith=org.path)
    closed = tickets.filter(closed_at__isnull=False).annotate(
        closed_on=TruncDate("closed_at", tzinfo=LOCAL_TZ)
    )
    reached = tickets.filter(follow_up_result__in=["满意", "基本满意", "不满意"])
    return {
        "hotline.12328.received": tickets.filter(source="12328").count(),
        "hotline.12345.received": tickets.filter(source="12345").count(),
        "hotline.closure_rate": rate(
            tickets.filter(closed_at__lt=END).count(), tickets.count()
        ),
        "hotline.on_time_rate": rate(
            closed.filter(closed_on__lte=F("due_date")).count(), closed.count()
        ),
        "hotline.satisfaction_rate": rate(
            reached.filter(follow_up_result__in=["满意", "基本满意"]).count(),
            reached.count(),
        ),
    }


def plain_enforcement(org) -> dict:
    cases = PenaltyCase.objects.filter(is_test=False)
    if org is not None:
        cases = cases.filter(unit__path__startswith=org.path)
    decided = cases.filter(outcome="处罚", decided_at__gte=START, decided_at__lt=END)

    def local(moment):
        return moment.astimezone(LOCAL_TZ).date()

    # Worked out in Python, case by case: local dates, calendar days.
    overdue = [
        case
        for case in decided.filter(procedure="普通程序", filed_at__isnull=False)
        if (local(case.decided_at) - local(case.filed_at)).days
        > 90 + case.extension_days
    ]
    reviewed = (
        LegalReview.objects.filter(
            concluded_at__gte=START, concluded_at__lt=END, case__in=cases
        )
        .values("case")
        .distinct()
    )
    return {
        "enforcement.cases": decided.count(),
        "enforcement.cases_published_rate": rate(
            decided.filter(publicity__published_on__isnull=False).count(),
            decided.count(),
        ),
        "enforcement.fines_total": decided.aggregate(t=Sum("fine"))["t"]
        or Decimal("0"),
        "enforcement.overdue_cases": len(overdue),
        "enforcement.legal_reviews": reviewed.count(),
    }


@pytest.mark.parametrize("scope", [None, "brigade", "window"])
def test_shared_figures_equal_the_plain_queries(records, scope):
    org = records[scope] if scope else None
    expected = {**plain_window(org), **plain_hotline(org), **plain_enforcement(org)}
    figures = {ind.code: value for ind, value in compute_all(YEAR, org)}

    assert {code: figures[code] for code in expected} == expected
    # One by one, outside compute_all, the same figures.
    assert {code: compute(code, YEAR, org) for code in expected} == expected
    # The random records exercise every figure (none is trivially 0 or None).
    if scope is None:
        assert all(expected.values()), expected


def test_compute_all_reads_each_table_once_per_population(records):
    with CaptureQueriesContext(connection) as captured:
        compute_all(YEAR)

    def reading(table: str) -> int:
        return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)

    # completed in Y (window.completed … notify_commit), received in Y
    # (completion_rate), coverage: three, not eight.
    assert reading("licensing_application") == 3
    assert reading("hotline_ticket") == 1
    assert reading("enforcement_penaltycase") == 1


def test_shared_queries_run_once_per_year_and_unit(records):
    with CaptureQueriesContext(connection) as captured, shared_queries():
        first = compute("window.completed", YEAR)
        compute("window.notify_commit", YEAR)
        compute("window.satisfaction_rate", YEAR)
        compute("window.completed", YEAR, records["brigade"])
        compute("window.completed", YEAR - 1)
    # Three figure queries and one look-up of the rollups' states (none is
    # current here, so the figures are read from the records).
    assert len(captured) == 4
    # Outside the block every call asks the database again (fresh figures).
    with CaptureQueriesContext(connection) as captured:
        assert compute("window.completed", YEAR) == first
        compute("window.completed", YEAR)
    assert len(captured) == 4  # each: the states, then the figures


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes: PostgreSQL"
)
@pytest.mark.parametrize(
    "code, index",
    [
        ("window.completed", "app_completed_ind_idx"),
        ("window.completion_rate", "app_received_ind_idx"),
        ("hotline.12328.received", "ticket_received_ind_idx"),
        ("enforcement.cases", "case_decided_ind_idx"),
        ("enforcement.cases_published_rate", "publicity_case_ind_idx"),
        ("enforcement.legal_reviews", "review_concluded_ind_idx"),
    ],
)
def test_the_year_is_read_from_covering_indexes(records, code, index):
    """Index-only: every column the figure's query reads is in its index (a
    column added to the query but not to the index would visit the heap)."""
    with CaptureQueriesContext(connection) as captured:
        compute(code, YEAR)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        # The other plain indexes of the table go (inside the test's transaction,
        # so rolled back): on a few hundred rows the planner's choice between two
        # usable indexes depends on statistics, but an index-only scan with this
        # index alone is possible only if it holds every column the query reads.
        cursor.execute(
            "SELECT i.indexname FROM pg_indexes i JOIN pg_indexes t"
            " ON t.tablename = i.tablename AND t.indexname = %s"
            " JOIN pg_class c ON c.relname = i.indexname"
            " JOIN pg_index x ON x.indexrelid = c.oid"
            " WHERE i.indexname <> %s AND NOT x.indisunique",
            [index, index],
        )
        for (other,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using {index}" in plan, plan


def test_local_dates_with_the_steady_offset_equal_the_zones(records):
    """LocalDate gives PostgreSQL a fixed offset where Asia/Shanghai has kept
    one (since 1992); the dates are the zone's, also just around midnight."""
    assert steady_utc_offset(2023) == dt.timedelta(hours=8)
    assert steady_utc_offset(1990) is None  # summer time 1986–1991
    rows = Application.objects.exclude(completed_at=None).annotate(
        steady=LocalDate("completed_at", YEAR),
        zoned=TruncDate("completed_at", tzinfo=LOCAL_TZ),
        old_year=LocalDate("completed_at", 1990),
    )
    pairs = list(rows.values_list("completed_at", "steady", "zoned", "old_year"))
    assert len(pairs) > 100
    for completed_at, steady, zoned, old_year in pairs:
        assert steady == zoned == old_year == completed_at.astimezone(LOCAL_TZ).date()
