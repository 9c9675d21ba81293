"""Regressions for issue 12's "found" list, items 1 and 4: one bad date or number
must never break a desk, and query strings are parsed, never trusted."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hotline.models import Ticket, TicketDeadlineRule
from jiaotong.imports.framework import run_import
from jiaotong.models import Matter
from jiaotong.validators import DB_EARLIEST_INSTANT, DB_LATEST_INSTANT
from tests.factories import make_matter
from tests.fixtures.workbooks import matter_row, workbook_bytes, write_workbook
from tests.hotline.conftest import make_ticket

pytestmark = pytest.mark.django_db

TICKET_HEADERS = [
    "工单编号",
    "热线来源",
    "来电时间",
    "诉求类型",
    "业务类别",
    "诉求内容",
]


def ticket_row(number, received):
    return {
        "工单编号": number,
        "热线来源": "12328",
        "来电时间": received,
        "诉求类型": "投诉",
        "业务类别": "出租汽车",
        "诉求内容": "出租车拒载。",
    }


def intake_post(**overrides):
    data = {
        "ticket_no": "12328-X-1",
        "source": "12328",
        "received_at": "2026-01-05T09:00",
        "category": "投诉",
        "area": "出租汽车",
        "content": "出租车拒载。",
        "caller_name": "王先生",
        "caller_phone": "13812345678",
    }
    data.update(overrides)
    return data


# --- 1. One bad date ---------------------------------------------------------------


@pytest.mark.parametrize("received", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_intake_refuses_an_implausible_received_at(client, hotline_agent, received):
    client.force_login(hotline_agent)
    response = client.post(
        reverse("hotline:ticket_create"), intake_post(received_at=received)
    )
    assert response.status_code == 200
    assert "来电时间" in response.content.decode()
    assert "1949" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.fixture(params=["earliest", "latest"])
def odd_ticket(request, org):
    """The oldest and newest instants the database accepts, written as an import
    or a hand edit may leave them (no form in between)."""
    received = (
        DB_EARLIEST_INSTANT
        if request.param == "earliest"
        else DB_LATEST_INSTANT - dt.timedelta(minutes=1)
    )
    return make_ticket(
        received_at=received,
        due_date=received.date(),
        unit=org["squad"],
        status="dispatched",
    )


def test_the_database_refuses_a_year_one_ticket(org):
    """Local 0001-01-01 00:00 is year 0 in UTC: Python could not even read it back."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make_ticket(
            received_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC), due_date=dt.date(1, 1, 3)
        )


def test_pages_tolerate_a_stored_odd_ticket(client, hotline_agent, odd_ticket):
    client.force_login(hotline_agent)
    for url in [
        reverse("hotline:ticket_detail", args=[odd_ticket.pk]),
        reverse("hotline:ticket_board"),
        reverse("hotline:ticket_list"),
        reverse("hotline:ticket_list") + "?page=last",
        reverse("home"),
    ]:
        assert client.get(url).status_code == 200, url


def test_handler_pages_tolerate_a_stored_odd_ticket(client, handler, odd_ticket):
    client.force_login(handler)
    assert client.get(reverse("hotline:unit_queue")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("received", ["0001-01-01 00:00", "9999-12-31", "1948-12-31"])
def test_import_refuses_implausible_dates(tmp_path, sysadmin, org, received):
    path = write_workbook(
        tmp_path / "t.xlsx", [ticket_row("A1", received)], TICKET_HEADERS
    )
    result = run_import("tickets", path, by=sysadmin)
    assert not result.ok
    assert any("1949" in e.reason for e in result.errors), result.errors
    assert not Ticket.objects.exists()


def test_import_page_reports_a_9999_date_and_keeps_no_file(
    client, sysadmin, org, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(sysadmin)
    upload = workbook_bytes([ticket_row("A1", "9999-12-31")], TICKET_HEADERS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):  # the job runs
        response = client.post(
            reverse("import_upload"),
            {"kind": "tickets", "file": SimpleUploadedFile("t.xlsx", upload)},
        )
    response = client.get(response["Location"])  # the import job's page
    assert response.status_code == 200
    assert "1949" in response.content.decode()
    folder = tmp_path / "media" / "imports"
    assert not folder.exists() or not list(folder.iterdir())


def test_import_command_prints_an_error_not_a_traceback(tmp_path, org):
    path = write_workbook(
        tmp_path / "t.xlsx", [ticket_row("A1", "9999-12-31")], TICKET_HEADERS
    )
    out, err = StringIO(), StringIO()
    # manage.py prints a CommandError as one line, without a traceback.
    with pytest.raises(CommandError):
        call_command("import_xlsx", "tickets", str(path), stdout=out, stderr=err)
    assert "Traceback" not in err.getvalue()
    assert "1949" in err.getvalue()


def test_matter_import_refuses_an_implausible_effective_date(tmp_path, sysadmin):
    path = write_workbook(
        tmp_path / "m.xlsx", [matter_row("JT-1", 生效日期="0001-01-01")]
    )
    result = run_import("matters", path, by=sysadmin)
    assert not result.ok
    assert not Matter.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"received_from": "9999-12-31"},
        {"received_to": "9999-12-31"},
        {"received_from": "0001-01-01"},
    ],
)
def test_list_date_filters_out_of_window_mean_no_filter(
    client, hotline_agent, clerk, params
):
    make_ticket()
    client.force_login(hotline_agent)
    response = client.get(reverse("hotline:ticket_list"), params)
    assert response.status_code == 200
    assert "已忽略" in response.content.decode()
    client.force_login(clerk)
    assert client.get(reverse("licensing:application_list"), params).status_code == 200


# --- 4. Numbers without upper bounds; query strings -----------------------------------


def test_deadline_rule_days_have_an_upper_bound(
    client, secadmin, sysadmin, hotline_agent
):
    rule = TicketDeadlineRule.objects.first()
    editor = next(
        u
        for u in (sysadmin, secadmin, hotline_agent)
        if u.has_perm("hotline.change_ticketdeadlinerule")
    )
    client.force_login(editor)
    response = client.post(
        reverse("hotline:rule_edit", args=[rule.pk]),
        {f"r{rule.pk}-days": 32767, f"r{rule.pk}-extension_days": 5},
        follow=True,
    )
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.days != 32767


def test_deadline_rule_days_bound_is_a_database_constraint(db):
    rule = TicketDeadlineRule.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketDeadlineRule.objects.filter(pk=rule.pk).update(days=32767)


def test_matter_time_limit_has_an_upper_bound(client, sysadmin, secadmin):
    matter = make_matter("JT-1")
    editor = next(
        u for u in (sysadmin, secadmin) if u.has_perm("jiaotong.change_matter")
    )
    client.force_login(editor)
    from jiaotong.registry.forms import MatterForm

    data = {
        name: value
        for name, value in MatterForm(instance=matter).initial.items()
        if value is not None
    }
    data["statutory_limit_days"] = 2147483647
    form = MatterForm(data, instance=matter)
    assert not form.is_valid()
    assert "statutory_limit_days" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(promised_limit_days=2147483647)


def test_queue_with_a_non_numeric_unit_is_no_filter(client, supervisor, hotline_agent):
    for user in (supervisor, hotline_agent):
        client.force_login(user)
        response = client.get(reverse("hotline:unit_queue"), {"unit": "abc"})
        assert response.status_code in (200, 403)


def test_nul_in_matter_query_is_refused_politely(client, clerk):
    client.force_login(clerk)
    response = client.get(
        reverse("licensing:matter_options"), {"matter_query": "道路\x00"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc\x00def", "abc\x07def", "abc\x1bdef"])
def test_control_characters_in_a_form_are_refused_naming_the_field(
    client, hotline_agent, value
):
    client.force_login(hotline_agent)
    response = client.post(reverse("hotline:ticket_create"), intake_post(content=value))
    assert response.status_code in (200, 400)
    assert "诉求内容" in response.content.decode()
    assert "控制字符" in response.content.decode()
    assert not Ticket.objects.exists()


def test_control_characters_in_a_query_string_mean_no_filter(client, hotline_agent):
    make_ticket()
    client.force_login(hotline_agent)
    response = client.get(reverse("hotline:ticket_list"), {"q": "拒载\x00"})
    assert response.status_code == 200
    assert "已忽略" in response.content.decode()


def test_received_at_today_is_still_accepted(client, hotline_agent):
    client.force_login(hotline_agent)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("hotline:ticket_create"), intake_post(received_at=now)
    )
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
