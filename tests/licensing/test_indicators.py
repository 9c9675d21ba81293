"""window.* indicators over small record sets; each expected value is worked out
from the records listed in the test."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from jiaotong.metrics.registry import compute

from licensing.models import Application
from tests.factories import make_matter

from .conftest import local, resident_id

S = Application.Status
_numbers = itertools.count(1)


@pytest.fixture
def make_app(org):
    """A record as the window would have left it (indicators only read rows)."""

    def _make(matter, received, *, completed=None, result="", status=None, **extra):
        accepted = extra.pop("accepted", True)
        if status is None:
            status = S.CLOSED if completed else (S.ACCEPTED if accepted else S.RECEIVED)
        return Application.objects.create(
            number=f"T-{next(_numbers)}",
            matter=matter,
            applicant_name="李四",
            applicant_type="自然人",
            applicant_id_number=resident_id(),
            unit=extra.pop("unit", org["window"]),
            received_at=received,
            accepted_at=received if accepted else None,
            completed_at=completed,
            result=result or ("办结" if completed else ""),
            status=status,
            **extra,
        )

    return _make


@pytest.fixture
def lic(db):
    return make_matter(power_type="行政许可")


@pytest.fixture
def svc(db):
    return make_matter(power_type="公共服务")


def test_completed_counts_by_local_year_and_excludes_the_unfinished(make_app, lic, svc):
    # counts in 2024: 00:05 on 1 Jan in Shanghai is still 31 Dec 2023 in UTC
    make_app(lic, local(2023, 12, 29), completed=local(2024, 1, 1, 0, 5), result="准予")
    # counts in 2023
    make_app(svc, local(2023, 12, 29), completed=local(2023, 12, 31, 23, 59))
    make_app(lic, local(2023, 6, 1), completed=local(2023, 6, 9), result="不予许可")
    # never count
    make_app(lic, local(2023, 5, 1), status=S.WITHDRAWN)
    make_app(lic, local(2023, 5, 2), status=S.NOT_ACCEPTED, accepted=False)
    make_app(lic, local(2023, 5, 3))  # accepted, still open
    make_app(svc, local(2023, 5, 4), completed=local(2023, 5, 5), is_test=True)

    assert compute("window.completed", 2023) == 2
    assert compute("window.completed.licensing", 2023) == 1
    assert compute("window.completed.public_service", 2023) == 1
    assert compute("window.completed", 2024) == 1
    assert compute("window.completed.licensing", 2024) == 1


def test_completed_of_a_year_without_records_is_zero(db):
    assert compute("window.completed", 2023) == 0


def test_completed_for_one_unit_counts_its_subtree_only(make_app, svc, org):
    make_app(svc, local(2023, 3, 1), completed=local(2023, 3, 2))
    make_app(svc, local(2023, 3, 1), completed=local(2023, 3, 2), unit=org["agency"])
    assert compute("window.completed", 2023, org["window"]) == 1
    assert compute("window.completed", 2023, org["bureau"]) == 2


def test_completion_rate_counts_receipts_of_the_year_finished_by_31_december(
    make_app, lic
):
    make_app(lic, local(2023, 3, 1), completed=local(2023, 3, 5), result="准予")
    make_app(lic, local(2023, 12, 29), completed=local(2024, 1, 1, 0, 5), result="准予")
    make_app(lic, local(2023, 6, 1))  # accepted, still open
    # not in the denominator
    make_app(lic, local(2023, 5, 1), status=S.WITHDRAWN)
    make_app(lic, local(2023, 5, 2), status=S.NOT_ACCEPTED, accepted=False)
    make_app(lic, local(2023, 5, 3), accepted=False)  # received, not yet accepted
    make_app(lic, local(2022, 12, 30), completed=local(2023, 1, 3), result="准予")
    # 1 finished of 3 accepted 2023 receipts = 33.33 %
    assert compute("window.completion_rate", 2023) == Decimal("33.3")


def test_completion_rate_without_receipts_is_empty(make_app, lic):
    make_app(lic, local(2023, 5, 1), status=S.WITHDRAWN)
    assert compute("window.completion_rate", 2023) is None


def test_coverage_counts_matters_in_force_at_year_end(make_app):
    covered = make_matter(power_type="行政许可")
    idle = make_matter(power_type="公共服务")
    only_last_year = make_matter(power_type="行政许可")
    only_next_year = make_matter(power_type="公共服务")
    repealed_mid_year = make_matter(
        power_type="行政许可", repealed_on=dt.date(2023, 6, 30)
    )
    not_yet_in_force = make_matter(
        power_type="行政许可", effective_from=dt.date(2024, 1, 1)
    )
    penalty = make_matter(power_type="行政处罚")
    confirmation = make_matter(power_type="行政确认")
    make_app(covered, local(2023, 3, 1), completed=local(2023, 3, 2), result="准予")
    make_app(only_last_year, local(2022, 3, 1), completed=local(2022, 3, 2))
    make_app(only_next_year, local(2023, 12, 29), completed=local(2024, 1, 1, 0, 5))
    make_app(repealed_mid_year, local(2023, 3, 1), completed=local(2023, 3, 2))
    make_app(not_yet_in_force, local(2023, 3, 1), completed=local(2023, 3, 2))
    make_app(confirmation, local(2023, 3, 1), completed=local(2023, 3, 2))
    assert idle and penalty
    # in force at 31 Dec 2023 and of a window type: covered, idle,
    # only_last_year, only_next_year -> 1 of 4
    assert compute("window.coverage", 2023) == Decimal("25.0")


def test_coverage_without_window_matters_is_empty(db):
    make_matter(power_type="行政处罚")
    assert compute("window.coverage", 2023) is None


def test_on_time_compares_local_completion_dates_with_the_promised_date(make_app, lic):
    due = dt.date(2023, 5, 10)
    make_app(
        lic,
        local(2023, 5, 4),
        completed=local(2023, 5, 10, 23, 30),
        result="准予",
        promised_due_date=due,
    )  # on time
    make_app(
        lic,
        local(2023, 5, 4),
        completed=local(2023, 5, 9),
        result="准予",
        promised_due_date=due,
    )  # on time
    # 00:10 on 11 May in Shanghai is 16:10 on 10 May in UTC: late
    make_app(
        lic,
        local(2023, 5, 4),
        completed=local(2023, 5, 11, 0, 10),
        result="准予",
        promised_due_date=due,
    )
    make_app(
        lic, local(2023, 5, 4), completed=local(2023, 6, 1), result="准予"
    )  # no promised limit: not counted
    assert compute("window.on_time_rate", 2023) == Decimal("66.7")  # 2 of 3


def test_on_time_without_promised_limits_is_empty(make_app, lic):
    make_app(lic, local(2023, 5, 4), completed=local(2023, 6, 1), result="准予")
    assert compute("window.on_time_rate", 2023) is None


def test_satisfaction_counts_very_satisfied_and_satisfied(make_app, svc):
    for evaluation in ["非常满意", "满意", "基本满意", "不满意", ""]:
        make_app(
            svc,
            local(2023, 4, 3),
            completed=local(2023, 4, 3, 10),
            evaluation=evaluation,
        )
    # rated 4, good 2
    assert compute("window.satisfaction_rate", 2023) == Decimal("50.0")


def test_satisfaction_without_ratings_is_empty(make_app, svc):
    make_app(svc, local(2023, 4, 3), completed=local(2023, 4, 3, 10))
    assert compute("window.satisfaction_rate", 2023) is None


def test_notify_commit_counts_completed_commitment_applications(make_app, lic):
    make_app(
        lic,
        local(2023, 4, 3),
        completed=local(2023, 4, 6),
        result="准予",
        notify_commit=True,
    )
    make_app(lic, local(2023, 4, 3), notify_commit=True)  # not completed
    make_app(lic, local(2023, 4, 3), completed=local(2023, 4, 6), result="准予")
    assert compute("window.notify_commit", 2023) == 1


def test_revoked_commitment_approval_still_counts_as_completed(make_app, lic):
    make_app(
        lic,
        local(2023, 4, 3),
        completed=local(2023, 4, 6),
        result="准予",
        notify_commit=True,
        status=S.REVOKED,
    )
    assert compute("window.completed", 2023) == 1


def test_year_report_lists_the_completed_applications_masked(make_app, lic, tmp_path):
    from jiaotong.reports.builder import write_year_report
    from openpyxl import load_workbook

    done = make_app(lic, local(2023, 3, 1, 9), completed=local(2023, 3, 2, 10))
    make_app(lic, local(2023, 3, 1, 9), completed=local(2024, 1, 1, 0, 5))
    path = tmp_path / "report.xlsx"
    write_year_report(2023, None, path)

    sheet = load_workbook(path, read_only=True)["窗口办结办件"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [done.number]
    assert (
        rows[0][5]
        == done.applicant_id_number[:6] + "********" + done.applicant_id_number[-4:]
    )
