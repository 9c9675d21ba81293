import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiaotong import roles
from jiaotong.models import AuditEvent
from licensing.models import Application, Rectification
from licensing.services import (
    application_accept,
    application_approve,
    application_complete,
    application_reject,
    application_review,
    application_supplement,
)
from tests.factories import make_matter, make_user

from .conftest import local, resident_id

S = Application.Status
_numbers = itertools.count(1)


def url(name, *args):
    return reverse(f"licensing:{name}", args=args)


@pytest.fixture
def client_for(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def accepted(receive, licensing_matter, clerk):
    return application_accept(application=receive(licensing_matter), by=clerk)


def bulk_applications(n, *, unit, clerk, status=S.ACCEPTED, due=None):
    """``n`` rows over several matters, as a busy window would have them."""
    matters = [make_matter(power_type="行政许可") for _ in range(3)]
    today = timezone.localdate()
    Application.objects.bulk_create(
        Application(
            number=f"Q-{next(_numbers):05d}",
            matter=matters[i % 3],
            applicant_name=f"申请人{i}",
            applicant_type="自然人",
            applicant_id_number=resident_id(),
            applicant_phone="13812345678",
            unit=unit,
            clerk=clerk,
            status=status,
            received_at=timezone.now() - dt.timedelta(hours=i),
            accepted_at=timezone.now(),
            due_date=due or today + dt.timedelta(days=i % 7 - 2),
        )
        for i in range(n)
    )


# --- Lists and queries ------------------------------------------------------------------


def test_list_masks_ids_and_phones(client_for, clerk, accepted):
    response = client_for(clerk).get(url("application_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert accepted.number in body
    assert accepted.applicant_id_number not in body
    assert accepted.applicant_id_number[:6] + "********" in body
    assert "13812345678" not in body and "138****5678" in body


@pytest.mark.django_db  # the user fixture is fetched by name
@pytest.mark.parametrize("who", ["outsider", "officer", "hotline_agent"])
def test_list_refused_without_the_view_permission(client_for, request, who):
    response = client_for(request.getfixturevalue(who)).get(url("application_list"))
    assert response.status_code == 403


def test_window_staff_see_only_their_unit_and_leaders_all(
    client_for, clerk, leader, org, licensing_matter, receive
):
    other_clerk = make_user(roles=[roles.ROLE_WINDOW], unit=org["agency"])
    mine = receive(licensing_matter)
    theirs = receive(licensing_matter, by=other_clerk)
    body = client_for(clerk).get(url("application_list")).content.decode()
    assert mine.number in body and theirs.number not in body
    assert (
        client_for(clerk).get(url("application_detail", theirs.pk)).status_code == 404
    )
    body = client_for(leader).get(url("application_list")).content.decode()
    assert mine.number in body and theirs.number in body


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("view", ["application_list", "application_queue"])
def test_lists_run_a_constant_number_of_queries(
    client_for, clerk, org, view, django_assert_max_num_queries
):
    client = client_for(clerk)
    bulk_applications(3, unit=org["window"], clerk=clerk)
    client.get(url(view))  # the first request of a session also writes the session
    few = _count_queries(client, url(view))
    bulk_applications(57, unit=org["window"], clerk=clerk)  # 60 rows: three pages
    many = _count_queries(client, url(view))
    assert many == few
    # The list pages by cursor (keyset), the queue by page number (Paginator).
    second = client.get(url(view)).context["page_obj"]
    query = f"?cursor={second.next_cursor}" if view == "application_list" else "?page=2"
    with django_assert_max_num_queries(few):
        client.get(url(view) + query)


def test_list_filters(
    client_for, clerk, org, licensing_matter, service_matter, receive
):
    lic = receive(licensing_matter, applicant_name="赵一")
    svc = application_accept(
        application=receive(service_matter, applicant_name="钱二", channel="网上"),
        by=clerk,
    )
    client = client_for(clerk)

    def numbers(**params):
        body = client.get(url("application_list"), params).content.decode()
        return {a.number for a in (lic, svc) if a.number in body}

    assert numbers(status=S.ACCEPTED) == {svc.number}
    assert numbers(power_type="公共服务") == {svc.number}
    assert numbers(channel="网上") == {svc.number}
    assert numbers(matter=licensing_matter.pk) == {lic.number}
    assert numbers(q="赵一") == {lic.number}
    assert numbers(q=svc.number) == {svc.number}
    assert numbers(clerk=clerk.pk) == {lic.number, svc.number}
    assert numbers(unit=org["window"].pk) == {lic.number, svc.number}
    assert numbers(unit=org["agency"].pk) == set()
    today = timezone.localdate().isoformat()
    assert numbers(received_from=today, received_to=today) == {lic.number, svc.number}
    assert numbers(received_to="2000-01-01") == set()


def test_overdue_filter_and_red_mark(client_for, clerk, licensing_matter, receive):
    late = receive(licensing_matter, received_at=timezone.now() - dt.timedelta(days=30))
    fresh = receive(licensing_matter)
    client = client_for(clerk)
    body = client.get(url("application_list"), {"overdue": "1"}).content.decode()
    assert late.number in body and fresh.number not in body
    assert "table-danger" in body and "已超期" in body
    body = client.get(url("application_list"), {"overdue": "0"}).content.decode()
    assert late.number not in body and fresh.number in body


def test_yellow_mark_when_two_working_days_or_fewer_are_left(client_for, clerk, org):
    bulk_applications(1, unit=org["window"], clerk=clerk, due=timezone.localdate())
    body = client_for(clerk).get(url("application_queue")).content.decode()
    assert "table-warning" in body and "今日到期" in body


def test_search_by_id_number_is_posted_and_kept_out_of_urls(
    client_for, clerk, licensing_matter, receive
):
    person = resident_id()
    wanted = receive(licensing_matter, applicant_id_number=person)
    other = receive(licensing_matter)
    client = client_for(clerk)
    response = client.post(url("application_id_search"), {"id_number": person})
    assert response.status_code == 302 and person not in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert wanted.number in body and other.number not in body
    assert person not in body


# --- Intake ---------------------------------------------------------------------------


def test_intake_form_logs_an_application(client_for, clerk, licensing_matter):
    person = resident_id()
    response = client_for(clerk).post(
        url("application_create"),
        {
            "matter": licensing_matter.pk,
            "applicant_type": "自然人",
            "applicant_id_number": person,
            "applicant_name": "孙七",
            "applicant_phone": "13900002222",
            "channel": "窗口",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.applicant_id_number == person and application.clerk == clerk


def test_intake_form_shows_the_field_at_fault(client_for, clerk, licensing_matter):
    response = client_for(clerk).post(
        url("application_create"),
        {
            "matter": licensing_matter.pk,
            "applicant_type": "自然人",
            "applicant_id_number": "411422199001011230",
            "applicant_name": "孙七",
            "channel": "窗口",
        },
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Application.objects.exists()


def test_intake_form_refused_to_leaders(client_for, leader):
    assert client_for(leader).get(url("application_create")).status_code == 403


def test_matter_search_by_code_name_and_pinyin_initials(client_for, clerk):
    matter = make_matter("XK-0042", name="出租汽车驾驶员从业资格证核发")
    make_matter("XK-0043", name="涉路施工许可")
    type(matter).objects.filter(pk=matter.pk).update(pinyin_initials="CZQCJSYCYZGZHF")
    make_matter("CF-0001", name="出租汽车处罚", power_type="行政处罚")
    client = client_for(clerk)
    for query in ["XK-0042", "驾驶员从业", "czqc"]:
        body = client.get(url("matter_options"), {"matter_query": query}).content
        body = body.decode()
        assert "XK-0042" in body and "XK-0043" not in body, query
        assert "CF-0001" not in body


def test_applicant_lookup_fills_earlier_details(
    client_for, clerk, receive, licensing_matter
):
    person = resident_id()
    receive(licensing_matter, applicant_id_number=person, applicant_name="周八")
    client = client_for(clerk)
    body = client.post(url("applicant_lookup"), {"applicant_id_number": person})
    assert 'data-name="周八"' in body.content.decode()
    empty = client.post(url("applicant_lookup"), {"applicant_id_number": resident_id()})
    assert "data-applicant-found" not in empty.content.decode()


def test_applicant_lookup_does_not_reach_other_units(
    client_for, org, receive, licensing_matter
):
    person = resident_id()
    receive(licensing_matter, applicant_id_number=person, applicant_name="周八")
    other_clerk = make_user(roles=[roles.ROLE_WINDOW], unit=org["agency"])
    body = client_for(other_clerk).post(
        url("applicant_lookup"), {"applicant_id_number": person}
    )
    assert "周八" not in body.content.decode()


@pytest.mark.parametrize(
    "name, args",
    [
        ("application_action", True),
        ("application_evaluate", True),
        ("application_reveal_id", True),
        ("rectification_visit", True),
        ("application_id_search", False),
        ("applicant_lookup", False),
    ],
)
def test_post_only_views_refuse_get(client_for, clerk, accepted, name, args):
    if name == "application_action":
        path = url(name, accepted.pk, "review")
    else:
        path = url(name, accepted.pk) if args else url(name)
    assert client_for(clerk).get(path).status_code == 405


# --- The application page and its actions ----------------------------------------------


def test_detail_offers_only_the_allowed_moves_and_shows_the_timeline(
    client_for, clerk, accepted
):
    body = client_for(clerk).get(url("application_detail", accepted.pk)).content
    body = body.decode()
    assert 'data-action="review"' in body and 'data-action="withdraw"' in body
    assert 'data-action="accept"' not in body and 'data-action="approve"' not in body
    assert "收件登记" in body and "已收件 → 已受理" in body


def test_detail_offers_leaders_no_moves(client_for, leader, accepted):
    body = client_for(leader).get(url("application_detail", accepted.pk)).content
    assert b"data-action=" not in body


def test_outsider_gets_404(client_for, outsider, accepted):
    client = client_for(outsider)
    assert client.get(url("application_detail", accepted.pk)).status_code == 404
    response = client.post(url("application_action", accepted.pk, "review"))
    assert response.status_code == 404
    assert (
        client.get(url("application_print", accepted.pk, "acceptance")).status_code
        == 404
    )


def test_transition_by_post(client_for, clerk, accepted):
    response = client_for(clerk).post(
        url("application_action", accepted.pk, "review"), follow=True
    )
    accepted.refresh_from_db()
    assert accepted.status == S.UNDER_REVIEW
    assert "状态已更新为“审查中”" in response.content.decode()


def test_transition_refused_for_leader(client_for, leader, accepted):
    response = client_for(leader).post(url("application_action", accepted.pk, "review"))
    assert response.status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_unknown_action_is_404(client_for, clerk, accepted):
    response = client_for(clerk).post(url("application_action", accepted.pk, "magic"))
    assert response.status_code == 404


def test_transition_outside_the_table_is_refused_with_a_message(
    client_for, clerk, accepted
):
    client = client_for(clerk)
    response = client.post(
        url("application_action", accepted.pk, "accept"), follow=True
    )
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED
    assert "不能执行「受理」" in response.content.decode()
    response = client.post(
        url("application_action", accepted.pk, "complete"), follow=True
    )
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED
    assert "须先作出准予或不予许可的决定" in response.content.decode()


def test_transition_rule_refusal_is_shown(client_for, clerk, receive, licensing_matter):
    application = receive(licensing_matter)
    response = client_for(clerk).post(
        url("application_action", application.pk, "reject"),
        {"reject-reason": ""},
        follow=True,
    )
    assert "不予受理理由" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.RECEIVED


def test_bad_rating_without_rectification_is_refused_on_the_page(
    client_for, clerk, receive, service_matter
):
    application = receive(service_matter)
    for service in (application_accept, application_complete):
        application = service(application=application, by=clerk)
    client = client_for(clerk)
    response = client.post(
        url("application_evaluate", application.pk),
        {"evaluation": "不满意"},
        follow=True,
    )
    assert "差评须记录整改措施" in response.content.decode()
    client.post(
        url("application_evaluate", application.pk),
        {"evaluation": "不满意", "problem": "排队久", "measures": "增设窗口"},
    )
    assert Rectification.objects.get(application=application).measures == "增设窗口"
    client.post(url("rectification_visit", application.pk), {"visit_note": "满意"})
    assert Rectification.objects.get(application=application).visited


def test_commitment_check_recorded_on_the_page(
    client_for, clerk, receive, commit_matter
):
    application = receive(commit_matter, notify_commit=True)
    for service in (application_accept, application_review, application_approve):
        application = service(application=application, by=clerk)
    check = application.commitment_checks.get()
    client_for(clerk).post(
        url("commitment_check_record", application.pk, check.pk),
        {"outcome": "failed", "note": "场地不实"},
    )
    check.refresh_from_db()
    assert check.outcome == "failed"


def test_reveal_full_id_is_audited(client_for, clerk, accepted):
    client = client_for(clerk)
    response = client.post(url("application_reveal_id", accepted.pk), {"reason": ""})
    assert response.status_code == 302
    response = client.post(
        url("application_reveal_id", accepted.pk), {"reason": "核对申请人身份"}
    )
    assert accepted.applicant_id_number in response.content.decode()
    event = AuditEvent.objects.for_object(accepted).latest("id")
    assert (event.action, event.reason) == ("application_reveal_id", "核对申请人身份")


def test_reveal_refused_to_leaders(client_for, leader, accepted):
    response = client_for(leader).post(
        url("application_reveal_id", accepted.pk), {"reason": "看看"}, follow=True
    )
    assert accepted.applicant_id_number not in response.content.decode()


# --- Printable vouchers ---------------------------------------------------------------


def test_print_acceptance_notice(client_for, clerk, accepted):
    response = client_for(clerk).get(
        url("application_print", accepted.pk, "acceptance")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "受理通知书" in body and accepted.number in body and "予以受理" in body


def test_print_rejection_decision(client_for, clerk, receive, licensing_matter):
    application = application_reject(
        application=receive(licensing_matter),
        by=clerk,
        reason="该事项不属于本机关职权范围，请向商丘市交通运输局申请",
    )
    body = client_for(clerk).get(url("application_print", application.pk, "rejection"))
    body = body.content.decode()
    assert "不予受理决定书" in body and "商丘市交通运输局申请" in body
    assert "行政复议" in body


def test_print_refused_when_the_document_does_not_exist(
    client_for, clerk, receive, licensing_matter
):
    application = receive(licensing_matter)
    client = client_for(clerk)
    response = client.get(url("application_print", application.pk, "acceptance"))
    assert response.status_code == 302
    assert (
        client.get(url("application_print", application.pk, "nonsense")).status_code
        == 404
    )


# --- Catalog, figures, home queue -----------------------------------------------------------


def test_power_catalog_counts_by_type_and_lists_adjustments(client_for, clerk):
    from jiaotong.models import MatterChange

    matter = make_matter(power_type="行政许可")
    make_matter(power_type="行政许可")
    make_matter(power_type="公共服务")
    make_matter(power_type="行政许可", repealed_on=dt.date(2020, 1, 1))
    MatterChange.objects.create(
        matter=matter, kind="告知承诺", effective_on=dt.date(2023, 5, 10)
    )
    body = client_for(clerk).get(url("power_catalog")).content.decode()
    assert 'id="powers-total">2<' in body
    assert "推行告知承诺制" in body and "2023-05-10" in body


def test_stats_page_shows_the_year_figures(client_for, leader, clerk, org):
    svc = make_matter(power_type="公共服务")
    for unit in (org["window"], org["agency"]):
        Application.objects.create(
            number=f"S-{next(_numbers)}",
            matter=svc,
            applicant_name="吴九",
            applicant_type="自然人",
            applicant_id_number=resident_id(),
            unit=unit,
            status=S.CLOSED,
            received_at=local(2023, 3, 1),
            accepted_at=local(2023, 3, 1),
            completed_at=local(2023, 3, 2),
            result="办结",
        )
    body = client_for(leader).get(url("window_stats"), {"year": 2023}).content.decode()
    assert 'id="value-windowcompleted">2<' in body
    body = client_for(clerk).get(url("window_stats"), {"year": 2023}).content.decode()
    assert 'id="value-windowcompleted">1<' in body


def test_home_queue_for_window_staff_only(clerk, leader, accepted):
    config = apps.get_app_config("licensing")
    (queue,) = config.home_queues(clerk)
    assert queue["count"] == 1 and queue["rows"] == [accepted]
    assert config.home_queues(leader) == []


def test_home_page_shows_the_queue(client_for, clerk, accepted):
    body = client_for(clerk).get("/").content.decode()
    assert "我的待办办件" in body and accepted.number in body


def test_print_supplement_notice_lists_every_item(
    client_for, clerk, receive, licensing_matter
):
    application = application_supplement(
        application=receive(licensing_matter),
        by=clerk,
        items="营业执照复印件\n车辆行驶证",
    )
    body = client_for(clerk).get(url("application_print", application.pk, "supplement"))
    body = body.content.decode()
    assert (
        "补正材料通知书" in body and "营业执照复印件" in body and "车辆行驶证" in body
    )


def test_intake_form_starts_in_the_matter_search(client_for, clerk, licensing_matter):
    body = client_for(clerk).get(url("application_create")).content.decode()
    assert 'id="matter-query"' in body and "autofocus" in body
    assert licensing_matter.code in body


@pytest.mark.parametrize("name", ["window_stats", "application_queue"])
def test_outsider_refused_stats_and_queue(client_for, outsider, name):
    assert client_for(outsider).get(url(name)).status_code == 403
