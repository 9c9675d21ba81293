"""Who sees which tickets, and the counts other apps read."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline import selectors, services
from hotline.models import Attachment, Ticket
from jiaotong import roles
from tests.factories import make_enterprise, make_user
from tests.hotline.conftest import intake, local, make_ticket


@pytest.fixture
def tickets(org):
    return {
        "squad": make_ticket(unit=org["squad"]),
        "brigade": make_ticket(unit=org["brigade"]),
        "agency": make_ticket(unit=org["agency"]),
        "undispatched": make_ticket(),
    }


def test_hotline_staff_and_leaders_see_every_ticket(tickets, hotline_agent, leader):
    for user in (hotline_agent, leader):
        assert Ticket.objects.visible_to(user).count() == len(tickets)


def test_handler_sees_only_tickets_of_own_unit_subtree(tickets, handler, org):
    assert set(Ticket.objects.visible_to(handler)) == {tickets["squad"]}
    brigade_handler = make_user("bh", roles=[roles.ROLE_HANDLER], unit=org["brigade"])
    assert set(Ticket.objects.visible_to(brigade_handler)) == {
        tickets["squad"],
        tickets["brigade"],
    }


def test_others_see_no_ticket(tickets, outsider, clerk, officer, sysadmin, auditor):
    for user in (outsider, clerk, officer, sysadmin, auditor):
        assert not Ticket.objects.visible_to(user).exists()


def test_handler_without_unit_sees_nothing(tickets):
    drifter = make_user("drifter", roles=[roles.ROLE_HANDLER])
    assert not Ticket.objects.visible_to(drifter).exists()


def test_complaint_counts_by_enterprise_and_area_over_a_period(db):
    taxi, school = make_enterprise("出租公司"), make_enterprise("驾校")
    make_ticket(enterprise=taxi, received_at=local(2023, 1, 1, 0, 10))
    make_ticket(
        enterprise=taxi, category="举报", received_at=local(2023, 12, 31, 23, 50)
    )
    make_ticket(enterprise=school, area="驾驶员培训", received_at=local(2023, 6, 1))
    # Left out: a consultation, a test record, and calls outside the period
    # (local dates 31 Dec 2022 and 1 Jan 2024).
    make_ticket(enterprise=school, area="驾驶员培训", category="咨询",
                received_at=local(2023, 6, 2))  # fmt: skip
    make_ticket(enterprise=school, area="驾驶员培训", is_test=True,
                received_at=local(2023, 6, 3))  # fmt: skip
    make_ticket(enterprise=taxi, received_at=local(2022, 12, 31, 23, 50))
    make_ticket(enterprise=taxi, received_at=local(2024, 1, 1, 0, 10))
    make_ticket(area="路政", received_at=local(2023, 3, 3))  # no enterprise

    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    by_enterprise = selectors.complaint_counts_by_enterprise(start, end)
    assert [(r["enterprise__name"], r["complaints"]) for r in by_enterprise] == [
        ("出租公司", 2),
        ("驾校", 1),
    ]
    by_area = selectors.complaint_counts_by_area(start, end)
    assert [(r["area"], r["complaints"]) for r in by_area] == [
        ("出租汽车", 2),
        ("路政", 1),
        ("驾驶员培训", 1),
    ]


def test_complaints_for_enterprise_respects_scope(handler, hotline_agent, org):
    taxi = make_enterprise("出租公司")
    mine = make_ticket(enterprise=taxi, unit=org["squad"])
    make_ticket(enterprise=taxi, unit=org["agency"])
    make_ticket(enterprise=taxi, category="表扬", unit=org["squad"])
    assert list(selectors.complaints_for_enterprise(taxi, handler)) == [mine]
    summary = selectors.enterprise_complaint_summary(taxi, hotline_agent)
    assert summary["total"] == 2
    assert summary["url"].endswith(f"?enterprise={taxi.pk}")


def test_monthly_trend_uses_local_months(db):
    make_ticket(source="12328", received_at=local(2023, 1, 1, 0, 30))  # Dec in UTC
    make_ticket(source="12345", received_at=local(2023, 1, 31, 23, 30))
    make_ticket(source="12345", received_at=local(2023, 12, 31, 22, 0))
    make_ticket(source="12328", received_at=local(2024, 1, 1, 0, 30))  # next year
    trend = selectors.monthly_trend(2023)
    assert len(trend) == 12
    assert trend[0] == {"month": 1, "12328": 1, "12345": 1}
    assert trend[11] == {"month": 12, "12328": 0, "12345": 1}
    assert sum(m["12328"] + m["12345"] for m in trend) == 3


def test_top_areas_ordered_by_tickets(db):
    for area, n in (("驾驶员培训", 3), ("出租汽车", 2), ("公交", 1)):
        for _ in range(n):
            make_ticket(area=area, received_at=local(2023, 5, 5))
    make_ticket(area="驾驶员培训", category="咨询", received_at=local(2023, 5, 5))
    top = selectors.top_areas(2023, limit=2)
    assert [(r["area"], r["tickets"], r["complaints"]) for r in top] == [
        ("驾驶员培训", 4, 3),
        ("出租汽车", 2, 2),
    ]


def test_dispatcher_board_sections(hotline_agent, handler, org):
    new = intake(hotline_agent)
    returned = intake(hotline_agent, dispatch_to=org["squad"])
    services.ticket_request_return(ticket=returned, reason="非本单位", by=handler)
    board = selectors.dispatcher_board(hotline_agent)
    assert list(board["new"]) == [new]
    assert list(board["returns"]) == [returned]
    services.ticket_accept_return(ticket=returned, by=hotline_agent)
    new_rows = {
        t.pk: t.returned_count for t in selectors.dispatcher_board(hotline_agent)["new"]
    }
    assert new_rows == {new.pk: 0, returned.pk: 1}


def test_intake_material_of_confidential_ticket_hidden_from_unit(
    hotline_agent, handler, org
):
    ticket = intake(hotline_agent, caller_confidential=True, dispatch_to=org["squad"])
    services.attachment_add(
        ticket=ticket,
        upload=SimpleUploadedFile("录音.mp3", b"ID3" + b"\0" * 64),
        by=hotline_agent,
    )
    services.ticket_sign(ticket=ticket, by=handler)
    services.attachment_add(
        ticket=ticket,
        upload=SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32),
        by=handler,
    )
    stages = lambda user: sorted(  # noqa: E731
        a.stage for a in selectors.attachments_for(ticket, user)
    )
    assert stages(hotline_agent) == [Attachment.Stage.HANDLING, Attachment.Stage.INTAKE]
    assert stages(handler) == [Attachment.Stage.HANDLING]
