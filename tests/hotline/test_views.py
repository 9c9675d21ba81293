"""Hotline screens: happy paths, scope (404), wrong roles (403), POST-only (405),
masking, the whistle-blower's confidentiality, attachments and query counts."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hotline import services
from hotline.models import (
    AreaRoutingRule,
    Attachment,
    Status,
    SupervisionNotice,
    Ticket,
)
from hotline.workflow import TICKET_WORKFLOW
from jiaotong import roles
from jiaotong.models import AuditEvent
from tests.factories import make_enterprise, make_user
from tests.hotline.conftest import intake, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def url(name, ticket, *args):
    return reverse(f"hotline:{name}", args=[ticket.pk, *args])


def act(action, ticket):
    """The one URL of every workflow move."""
    return reverse("hotline:ticket_action", args=[ticket.pk, action])


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def confidential(hotline_agent, org):
    return intake(
        hotline_agent,
        caller_name="举报人甲",
        caller_phone="13999990000",
        caller_confidential=True,
        category="举报",
        dispatch_to=org["squad"],
    )


# --- List -------------------------------------------------------------------------


def test_list_masks_phones(as_user, hotline_agent, received):
    response = as_user(hotline_agent).get(reverse("hotline:ticket_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert received.ticket_no in body
    assert "138****5678" in body and "13812345678" not in body


def test_list_hides_confidential_caller_from_unit(as_user, handler, confidential):
    body = as_user(handler).get(reverse("hotline:ticket_list")).content.decode()
    assert confidential.ticket_no in body
    assert "（保密）" in body
    assert "举报人甲" not in body and "9999" not in body


def test_unit_cannot_find_confidential_caller_by_search(
    as_user, handler, hotline_agent, confidential
):
    found = as_user(handler).get(reverse("hotline:ticket_list"), {"q": "13999990000"})
    assert confidential.ticket_no not in found.content.decode()
    agent = as_user(hotline_agent).get(
        reverse("hotline:ticket_list"), {"q": "13999990000"}
    )
    assert confidential.ticket_no in agent.content.decode()


def test_list_filters(as_user, hotline_agent, org):
    taxi = make_enterprise("出租公司")
    late = make_ticket(
        source="12345",
        enterprise=taxi,
        unit=org["squad"],
        status=Status.IN_PROGRESS,
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    other = make_ticket(source="12328", area="公交", follow_up_result="满意")
    client = as_user(hotline_agent)

    def numbers(**params):
        body = client.get(reverse("hotline:ticket_list"), params).content.decode()
        return {t.ticket_no for t in (late, other) if t.ticket_no in body}

    assert numbers(source="12345") == {late.ticket_no}
    assert numbers(overdue="1") == {late.ticket_no}
    assert numbers(overdue="0") == {other.ticket_no}
    assert numbers(enterprise=taxi.pk) == {late.ticket_no}
    assert numbers(unit=org["brigade"].pk) == {late.ticket_no}
    assert numbers(area="公交") == {other.ticket_no}
    assert numbers(satisfaction="满意") == {other.ticket_no}
    assert numbers(q="出租公司") == {late.ticket_no}
    today = timezone.localdate().isoformat()
    assert numbers(received_from=today, received_to=today) == {
        late.ticket_no,
        other.ticket_no,
    }


def test_list_refused_without_view_permission(as_user, outsider):
    assert as_user(outsider).get(reverse("hotline:ticket_list")).status_code == 403


def test_list_runs_constant_queries_whatever_the_rows(
    as_user, hotline_agent, org, django_assert_max_num_queries
):
    client = as_user(hotline_agent)
    taxi = make_enterprise("出租公司")

    def queries(n):
        for _ in range(n):
            make_ticket(unit=org["squad"], enterprise=taxi)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("hotline:ticket_list")).status_code == 200
        return len(ctx.captured_queries)

    make_ticket(unit=org["squad"], enterprise=taxi)
    # The session's first-request writes, and the shared cache of the deadline
    # badges' working days (filled once a day, not per page).
    client.get(reverse("hotline:ticket_list"))
    few = queries(3)
    many = queries(60)  # more than two pages of 25
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(reverse("hotline:ticket_list"), {"page": 2})


def test_board_runs_constant_queries(as_user, hotline_agent):
    client = as_user(hotline_agent)
    make_ticket()
    # The session's first-request writes and the badges' cached working days.
    client.get(reverse("hotline:ticket_board"))
    counts = []
    for n in (2, 40):
        for _ in range(n):
            make_ticket()
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("hotline:ticket_board"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- Intake -------------------------------------------------------------------------


def test_intake_form_creates_and_dispatches(as_user, hotline_agent, org):
    enterprise = make_enterprise("睢县城通出租汽车有限公司")
    client = as_user(hotline_agent)
    assert client.get(reverse("hotline:ticket_create")).status_code == 200
    response = client.post(
        reverse("hotline:ticket_create"),
        {
            "source": "12328",
            "platform_no": "HN12328-778899",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "投诉",
            "area": "出租汽车",
            "content": "出租车拒载。",
            "caller_phone": "138 1234 5678",
            "reply_wanted": "on",
            "plate": "豫N·T1234",
            "enterprise": enterprise.pk,
            "dispatch_to": org["squad"].pk,
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    year = timezone.localdate().year
    assert ticket.ticket_no == f"JT12328-{year}-0001"  # nobody typed it
    assert ticket.platform_no == "HN12328-778899"
    assert response.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert (ticket.status, ticket.unit, ticket.plate, ticket.enterprise) == (
        Status.DISPATCHED,
        org["squad"],
        "豫NT1234",
        enterprise,
    )
    # The message names the status the ticket now has and where it went.
    assert (
        f"工单 {ticket.ticket_no} 已登记，已派往{org['squad'].name}，当前状态：待签收。"
        in response.content.decode()
    )


def test_intake_form_reports_bad_fields_in_chinese(as_user, hotline_agent, received):
    response = as_user(hotline_agent).post(
        reverse("hotline:ticket_create"),
        {
            "source": "12328",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "投诉",
            "area": "出租汽车",
            "content": "重复工单",
            "caller_phone": "abc",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "联系电话应为11位手机号码" in body
    assert Ticket.objects.count() == 1


def test_intake_offers_enterprises_by_name_code_or_plate(as_user, hotline_agent):
    enterprise = make_enterprise("睢县城通出租汽车有限公司")
    make_ticket(enterprise=enterprise, plate="豫NT8866")
    client = as_user(hotline_agent)
    url = reverse("hotline:enterprise_options")

    for text in [enterprise.name[2:6], enterprise.credit_code[:10], "豫nt8866"]:
        body = client.get(url, {"enterprise_query": text}).content.decode()
        assert f'data-pick-enterprise="{enterprise.pk}"' in body, text
    assert (
        "没有匹配的企业"
        in client.get(url, {"enterprise_query": "无此企业"}).content.decode()
    )


def test_intake_suggests_the_unit_from_the_routing_table(as_user, hotline_agent, org):
    AreaRoutingRule.objects.create(area="出租汽车", unit=org["squad"])

    body = as_user(hotline_agent).get(reverse("hotline:ticket_create")).content.decode()

    routes = json.loads(
        body.split('id="area-routes" type="application/json">')[1].split("</script>")[0]
    )
    assert routes["出租汽车"] == {"id": org["squad"].pk, "name": org["squad"].name}


def test_intake_refused_to_handler(as_user, handler):
    assert as_user(handler).get(reverse("hotline:ticket_create")).status_code == 403


# --- Detail and actions -------------------------------------------------------------


def test_detail_shows_timeline_and_allowed_actions(as_user, handler, dispatched):
    body = as_user(handler).get(url("ticket_detail", dispatched)).content.decode()
    assert "受理登记" in body and "派单" in body  # timeline
    assert act("sign", dispatched) in body
    assert act("dispatch", dispatched) not in body


def test_detail_outside_scope_is_404(as_user, outsider, hotline_agent, org):
    ticket = intake(hotline_agent, dispatch_to=org["agency"])
    squad_handler = make_user("sh", roles=[roles.ROLE_HANDLER], unit=org["squad"])
    assert as_user(squad_handler).get(url("ticket_detail", ticket)).status_code == 404
    assert as_user(outsider).get(url("ticket_detail", ticket)).status_code == 404
    assert as_user(outsider).post(act("sign", ticket)).status_code == 404


def test_detail_hides_confidential_caller_from_unit(as_user, handler, confidential):
    body = as_user(handler).get(url("ticket_detail", confidential)).content.decode()
    assert "举报人信息保密" in body
    # Neither the number nor its masked form ("139****0000"); a bare "0000"
    # could match a time or token on the page.
    assert "举报人甲" not in body
    assert "13999990000" not in body and "****0000" not in body
    assert url("ticket_reveal_caller", confidential) not in body


def test_hotline_staff_reveal_full_phone_with_reason(
    as_user, hotline_agent, confidential
):
    client = as_user(hotline_agent)
    body = client.get(url("ticket_detail", confidential)).content.decode()
    assert "举报人甲" in body and "139****0000" in body and "13999990000" not in body
    response = client.post(
        url("ticket_reveal_caller", confidential), {"reveal-reason": "回访"}
    )
    assert "13999990000" in response.content.decode()
    assert AuditEvent.objects.filter(action="ticket_reveal_caller").count() == 1


def test_unit_cannot_reveal_confidential_phone(as_user, handler, confidential):
    response = as_user(handler).post(
        url("ticket_reveal_caller", confidential), {"reveal-reason": "联系"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        *[(act, name) for name in TICKET_WORKFLOW.transitions],
        (url, "ticket_supervise"),
        (url, "ticket_reveal_caller"),
        (url, "attachment_upload"),
    ],
)
def test_actions_refuse_get(as_user, hotline_agent, received, path):
    to_url, name = path
    assert as_user(hotline_agent).get(to_url(name, received)).status_code == 405


def test_unknown_action_is_404(as_user, hotline_agent, received):
    response = as_user(hotline_agent).post(act("teleport", received))
    assert response.status_code == 404


def test_action_refused_to_wrong_role_is_403(as_user, leader, dispatched):
    assert as_user(leader).post(act("sign", dispatched)).status_code == 403
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_action_in_wrong_status_is_refused_with_message(
    as_user, hotline_agent, dispatched, org
):
    client = as_user(hotline_agent)
    response = client.post(
        act("dispatch", dispatched),
        {"dispatch-unit": org["agency"].pk},
        follow=True,
    )
    assert "不能执行「派单」" in response.content.decode()
    dispatched.refresh_from_db()
    assert dispatched.unit == org["squad"]


def test_invalid_action_form_names_the_field(as_user, handler, in_progress):
    response = as_user(handler).post(
        act("reply", in_progress), {"reply-reply_text": ""}, follow=True
    )
    assert "答复内容" in response.content.decode()
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS


def test_closed_loop_through_the_screens(
    as_user, hotline_agent, handler, leader, received, org
):
    agent = as_user(hotline_agent)
    agent.post(act("dispatch", received), {"dispatch-unit": org["squad"].pk})
    unit = as_user(handler)
    unit.post(act("sign", received))
    unit.post(
        act("request_extension", received),
        {"request_extension-reason": "需调查"},
    )
    as_user(leader).post(
        act("approve_extension", received), {"approve_extension-note": "同意"}
    )
    unit = as_user(handler)
    unit.post(act("reply", received), {"reply-reply_text": "已约谈驾驶员"})
    agent = as_user(hotline_agent)
    agent.post(
        act("follow_up", received),
        {"follow_up-result": "不满意", "follow_up-note": "车费未退"},
    )
    agent.post(act("reopen", received), {"reopen-cause": "诉求合理"})
    as_user(handler).post(act("reply", received), {"reply-reply_text": "已退还车费"})
    agent = as_user(hotline_agent)
    agent.post(act("follow_up", received), {"follow_up-result": "满意"})
    agent.post(act("close", received), {"close-note": ""})
    received.refresh_from_db()
    assert received.status == Status.CLOSED
    assert received.reopen_count == 1 and received.follow_up_result == "满意"


def test_redispatch_on_screen(as_user, hotline_agent, dispatched, org):
    client = as_user(hotline_agent)
    assert (
        act("redispatch", dispatched)
        in client.get(url("ticket_detail", dispatched)).content.decode()
    )
    response = client.post(
        act("redispatch", dispatched),
        {"redispatch-unit": org["agency"].pk},
        follow=True,
    )
    assert f"已改派至{org['agency'].name}" in response.content.decode()
    dispatched.refresh_from_db()
    assert (dispatched.status, dispatched.unit) == (Status.DISPATCHED, org["agency"])


def test_return_decided_on_screen(as_user, hotline_agent, handler, dispatched, org):
    as_user(handler).post(
        act("request_return", dispatched), {"request_return-reason": "非本单位"}
    )
    as_user(hotline_agent).post(
        act("accept_return", dispatched),
        {"accept_return-note": "", "accept_return-redispatch_to": org["agency"].pk},
    )
    dispatched.refresh_from_db()
    assert (dispatched.status, dispatched.unit) == (Status.DISPATCHED, org["agency"])


def test_supervise_on_screen_sends_notice(as_user, hotline_agent, leader, in_progress):
    Ticket.objects.filter(pk=in_progress.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    client = as_user(hotline_agent)
    assert (
        url("ticket_supervise", in_progress)
        in client.get(url("ticket_detail", in_progress)).content.decode()
    )
    client.post(url("ticket_supervise", in_progress), {"reason": "请加快办理"})
    notice = SupervisionNotice.objects.get()
    assert notice.reason == "请加快办理"
    leader_client = as_user(leader)
    home = leader_client.get(reverse("home")).content.decode()
    assert "督办通知" in home and in_progress.ticket_no in home
    leader_client.post(reverse("hotline:notice_acknowledge", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.acknowledged_by == leader


# --- Board, queue, home, rules -------------------------------------------------------


def test_board_for_dispatchers_only(as_user, hotline_agent, handler, received):
    body = as_user(hotline_agent).get(reverse("hotline:ticket_board")).content.decode()
    assert received.ticket_no in body
    assert as_user(handler).get(reverse("hotline:ticket_board")).status_code == 403


def test_unit_queue_shows_tickets_to_sign(as_user, handler, dispatched):
    body = as_user(handler).get(reverse("hotline:unit_queue")).content.decode()
    assert dispatched.ticket_no in body and "待签收" in body


def test_home_shows_hotline_queues(as_user, hotline_agent, handler, received, org):
    body = as_user(hotline_agent).get(reverse("home")).content.decode()
    assert "待派单工单" in body and received.ticket_no in body
    services.ticket_dispatch(ticket=received, unit=org["squad"], by=hotline_agent)
    body = as_user(handler).get(reverse("home")).content.decode()
    assert "待签收工单" in body and received.ticket_no in body


def test_rules_page_edit_by_sysadmin_only(as_user, sysadmin, hotline_agent):
    from hotline.models import TicketDeadlineRule

    rule = TicketDeadlineRule.objects.get(source="12328", category="投诉")
    assert as_user(hotline_agent).get(reverse("hotline:rule_list")).status_code == 403
    client = as_user(sysadmin)
    assert client.get(reverse("hotline:rule_list")).status_code == 200
    client.post(
        reverse("hotline:rule_edit", args=[rule.pk]),
        {
            f"r{rule.pk}-days": 6,
            f"r{rule.pk}-extension_days": 5,
            f"r{rule.pk}-basis": "调整",
        },
    )
    rule.refresh_from_db()
    assert rule.days == 6
    assert client.get(reverse("hotline:rule_edit", args=[rule.pk])).status_code == 405


# --- Attachments ------------------------------------------------------------------


def test_upload_and_download_attachment(as_user, handler, in_progress):
    client = as_user(handler)
    client.post(
        url("attachment_upload", in_progress),
        {"file": SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")},
    )
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("hotline/")
    assert "现场照片" not in attachment.file.name  # server-generated storage name
    response = client.get(url("attachment_download", in_progress, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG


def test_upload_with_mismatched_content_refused(as_user, handler, in_progress):
    response = as_user(handler).post(
        url("attachment_upload", in_progress),
        {
            "file": SimpleUploadedFile(
                "报告.pdf", b"MZ\x90\x00evil", content_type="application/pdf"
            )
        },
        follow=True,
    )
    assert "附件内容与扩展名 .pdf 不符" in response.content.decode()
    assert not Attachment.objects.exists()


def test_upload_of_disallowed_type_refused(as_user, handler, in_progress):
    response = as_user(handler).post(
        url("attachment_upload", in_progress),
        {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")},
        follow=True,
    )
    assert "附件类型不允许" in response.content.decode()


def test_attachment_download_outside_scope_is_404(
    as_user, outsider, hotline_agent, handler, confidential
):
    services.attachment_add(
        ticket=confidential,
        upload=SimpleUploadedFile("录音.mp3", b"ID3" + b"\0" * 32),
        by=hotline_agent,
    )
    attachment = Attachment.objects.get()
    target = url("attachment_download", confidential, attachment.pk)
    assert as_user(hotline_agent).get(target).status_code == 200
    assert (
        as_user(handler).get(target).status_code == 404
    )  # intake material, confidential
    assert as_user(outsider).get(target).status_code == 404


def test_enterprise_page_shows_its_complaint_record(client, hotline_agent, org):
    taxi = make_enterprise("城通出租汽车有限公司")
    other = make_enterprise("别家驾校")
    make_ticket(ticket_no="T-A", enterprise=taxi)
    make_ticket(ticket_no="T-B", enterprise=other)
    client.force_login(hotline_agent)
    page = client.get(taxi.get_absolute_url()).content.decode()
    assert 'id="hotline-complaints"' in page
    assert "T-A" in page
    assert "T-B" not in page


def test_timeline_says_to_which_unit_it_was_dispatched(
    as_user, hotline_agent, dispatched, org
):
    body = as_user(hotline_agent).get(dispatched.get_absolute_url()).content.decode()

    assert f"派单 → {org['squad'].name}" in body
    assert 'data-status="dispatched"' in body and "text-bg-info" in body


def test_timeline_says_who_returned_it_and_where_it_went(
    as_user, hotline_agent, handler, dispatched, org
):
    services.ticket_request_return(
        ticket=dispatched, reason="不属本中队辖区", by=handler
    )
    services.ticket_accept_return(
        ticket=dispatched, by=hotline_agent, redispatch_to=org["agency"]
    )

    body = as_user(hotline_agent).get(dispatched.get_absolute_url()).content.decode()

    assert f"（{org['squad'].name}退回）" in body
    assert f"→ {org['agency'].name}" in body


def test_enterprise_search_refused_to_handlers_and_to_post(
    as_user, handler, hotline_agent
):
    url = reverse("hotline:enterprise_options")

    assert as_user(handler).get(url, {"enterprise_query": "出租"}).status_code == 403
    assert as_user(hotline_agent).post(url).status_code == 405
