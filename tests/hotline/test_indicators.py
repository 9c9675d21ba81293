"""hotline.* indicators on small hand-worked record sets."""

from decimal import Decimal

import pytest
from jiaotong.metrics.registry import compute

from tests.factories import make_unit
from tests.hotline.conftest import local, make_ticket


@pytest.fixture
def year_2023(org):
    """Eight tickets; the comments say which count where."""
    d = lambda *a: local(*a).date()  # noqa: E731
    return {
        # 1: closed early and on time; 满意.
        1: make_ticket(source="12328", received_at=local(2023, 3, 1, 10),
                       closed_at=local(2023, 3, 3, 16), due_date=d(2023, 3, 8),
                       follow_up_result="满意", status="closed", unit=org["squad"]),
        # 2: received 22:00 on 31 Dec, closed after midnight: not closed within
        # 2023, but on time (1 Jan 2024 <= its deadline); 基本满意.
        2: make_ticket(source="12328", received_at=local(2023, 12, 31, 22),
                       closed_at=local(2024, 1, 1, 0, 30), due_date=d(2024, 1, 8),
                       follow_up_result="基本满意", status="closed"),
        # 3: closed late; 不满意.
        3: make_ticket(source="12345", received_at=local(2023, 6, 10, 9),
                       closed_at=local(2023, 6, 30, 9), due_date=d(2023, 6, 16),
                       follow_up_result="不满意", status="closed", unit=org["squad"]),
        # 4: still open.
        4: make_ticket(source="12345", received_at=local(2023, 7, 1, 9),
                       status="in_progress", unit=org["agency"]),
        # 5: closed on time; the follow-up did not reach the caller.
        5: make_ticket(source="12345", received_at=local(2023, 8, 1, 9),
                       closed_at=local(2023, 8, 2, 9), due_date=d(2023, 8, 8),
                       follow_up_result="联系不上", status="closed"),
        # Not in 2023: local dates 31 Dec 2022 and 1 Jan 2024 (the latter is
        # still 31 Dec in UTC); and a test record.
        6: make_ticket(source="12328", received_at=local(2022, 12, 31, 23)),
        7: make_ticket(source="12328", received_at=local(2024, 1, 1, 0, 10)),
        8: make_ticket(source="12328", received_at=local(2023, 5, 5), is_test=True,
                       closed_at=local(2023, 5, 6), status="closed"),
    }  # fmt: skip


def test_received_counts_per_source(year_2023):
    assert compute("hotline.12328.received", 2023) == 2  # tickets 1, 2
    assert compute("hotline.12345.received", 2023) == 3  # tickets 3, 4, 5


def test_closure_rate_judges_the_local_date_of_closing(year_2023):
    # Received 1–5; closed by 31 Dec: 1, 3, 5 (2 closed at 00:30 on 1 Jan) = 3/5.
    assert compute("hotline.closure_rate", 2023) == Decimal("60.0")


def test_on_time_rate_over_closed_tickets(year_2023):
    # Closed: 1, 2, 3, 5; by their deadline: 1, 2, 5 = 3/4.
    assert compute("hotline.on_time_rate", 2023) == Decimal("75.0")


def test_satisfaction_leaves_out_unreached_callers(year_2023):
    # Reached: 1 满意, 2 基本满意, 3 不满意 (5 联系不上, 4 no follow-up) = 2/3.
    assert compute("hotline.satisfaction_rate", 2023) == Decimal("66.7")


def test_indicators_for_one_unit_subtree(year_2023, org):
    # org["brigade"] holds the squad: tickets 1 and 3.
    brigade = org["brigade"]
    assert compute("hotline.12328.received", 2023, brigade) == 1
    assert compute("hotline.12345.received", 2023, brigade) == 1
    assert compute("hotline.closure_rate", 2023, brigade) == Decimal("100.0")
    assert compute("hotline.on_time_rate", 2023, brigade) == Decimal("50.0")


@pytest.mark.django_db
def test_zero_denominators_give_none():
    make_ticket(received_at=local(2023, 4, 4))  # open, never followed up
    assert compute("hotline.12328.received", 2030) == 0
    assert compute("hotline.closure_rate", 2030) is None
    assert compute("hotline.on_time_rate", 2023) is None  # nothing closed
    assert compute("hotline.satisfaction_rate", 2023) is None  # nobody reached


@pytest.mark.django_db
def test_closing_on_the_deadline_late_at_night_is_on_time():
    # Due 10 Mar 2023. Closed 23:30 on the 10th (local): on time. Closed 00:30 on
    # the 11th (still the 10th in UTC): late. 1 of 2.
    make_ticket(received_at=local(2023, 3, 3), due_date=local(2023, 3, 10).date(),
                closed_at=local(2023, 3, 10, 23, 30), status="closed")  # fmt: skip
    make_ticket(received_at=local(2023, 3, 3), due_date=local(2023, 3, 10).date(),
                closed_at=local(2023, 3, 11, 0, 30), status="closed")  # fmt: skip
    assert compute("hotline.on_time_rate", 2023) == Decimal("50.0")


@pytest.mark.django_db
def test_unit_without_tickets_gives_zero_and_none(org):
    empty = make_unit("X9", "无工单单位", parent=org["bureau"])
    make_ticket(received_at=local(2023, 4, 4), unit=org["squad"])
    assert compute("hotline.12328.received", 2023, empty) == 0
    assert compute("hotline.closure_rate", 2023, empty) is None


def test_year_report_lists_the_tickets_received_with_masked_phones(org, tmp_path):
    from jiaotong.reports.builder import write_year_report
    from openpyxl import load_workbook

    ticket = make_ticket(received_at=local(2023, 5, 4, 9), caller_phone="13812345678")
    make_ticket(received_at=local(2024, 1, 1, 0, 10))
    path = tmp_path / "report.xlsx"
    write_year_report(2023, None, path)

    sheet = load_workbook(path, read_only=True)["热线工单"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [ticket.ticket_no]
    assert rows[0][6] == "138****5678"
