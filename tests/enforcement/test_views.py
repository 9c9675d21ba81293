"""Enforcement screens: scope (404 outside it), roles, POST-only moves, the
generic action view, the hotline link and bounded queries on the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement import services
from enforcement.models import PenaltyCase
from jiaotong import roles
from tests.factories import make_unit, make_user
from tests.hotline.conftest import intake, make_ticket

from .conftest import CHECKS_OK, PERSON_ID, make_officer, new_case, to_notified

pytestmark = pytest.mark.django_db
S = PenaltyCase.Status


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def case(officer, officer_pair, penalty_matter):
    return new_case(officer, penalty_matter, officer_pair)


def test_officer_sees_the_case_list_and_detail(client, officer, case):
    login(client, officer)
    response = client.get(reverse("enforcement:case_list"))
    assert response.status_code == 200 and "张三" in response.text
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert 'data-action="file"' in response.text


def test_outsider_is_refused_and_other_units_get_404(client, outsider, case, org):
    login(client, outsider)
    assert client.get(reverse("enforcement:case_list")).status_code == 403
    other_unit = make_unit("B12", "第二中队", kind="squad", parent=org["brigade"])
    stranger = make_user("stranger", roles=[roles.ROLE_OFFICER], unit=other_unit)
    login(client, stranger)
    assert client.get(case.get_absolute_url()).status_code == 404
    url = reverse("enforcement:case_action", args=[case.pk, "file"])
    assert client.post(url).status_code == 404
    assert "张三" not in client.get(reverse("enforcement:case_list")).text


def test_moves_are_post_only(client, officer, case):
    login(client, officer)
    url = reverse("enforcement:case_action", args=[case.pk, "file"])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    case.refresh_from_db()
    assert case.status == S.FILED
    assert f"已立案，案件编号 {case.number}" in response.text


def test_refused_move_says_why(client, officer, officer_pair, penalty_matter):
    case = new_case(officer, penalty_matter, officer_pair[:1])
    login(client, officer)
    response = client.post(
        reverse("enforcement:case_action", args=[case.pk, "file"]), follow=True
    )
    assert "至少2名持有效执法证" in response.text
    case.refresh_from_db()
    assert case.status == S.DRAFT


def test_reviewer_cannot_file_and_officer_cannot_review(
    client, reviewer, officer, case
):
    login(client, reviewer)
    url = reverse("enforcement:case_action", args=[case.pk, "file"])
    assert client.post(url).status_code == 403
    login(client, officer)
    url = reverse("enforcement:case_action", args=[case.pk, "review_agree"])
    assert client.post(url).status_code == 403


def test_reviewer_queue_and_checklist(client, reviewer, officer, case):
    case = to_notified(case, officer)
    services.case_submit_review(case=case, by=officer)
    login(client, reviewer)
    response = client.get(reverse("enforcement:review_queue"))
    assert case.number in response.text
    data = {f"review_agree-{k}": "on" for k in CHECKS_OK}
    data["review_agree-opinion"] = "同意。"
    client.post(
        reverse("enforcement:case_action", args=[case.pk, "review_agree"]), data
    )
    case.refresh_from_db()
    assert case.status == S.REVIEWED


def test_case_create_form(client, officer, officer_pair, penalty_matter):
    login(client, officer)
    response = client.post(
        reverse("enforcement:case_create"),
        {
            "procedure": "普通程序",
            "source": "路面巡查",
            "party_type": "自然人",
            "party_name": "李四",
            "party_id_number": "411422198501011230",  # wrong check digit
            "matter": penalty_matter.pk,
            "officers": [o.pk for o in officer_pair],
            "facts": "非法营运",
            "penalty_types": ["罚款"],
            "fine": "5000",
        },
    )
    assert response.status_code == 200 and "校验位错误" in response.text
    assert not PenaltyCase.objects.exists()


def test_case_opened_from_a_ticket_and_shown_on_it(
    client, officer, officer_pair, penalty_matter, hotline_agent, org
):
    ticket = intake(
        hotline_agent, content="豫N88888 出租车绕路多收费。", plate="豫N88888"
    )
    from hotline import services as hotline_services

    hotline_services.ticket_dispatch(ticket=ticket, unit=org["squad"], by=hotline_agent)
    login(client, officer)
    assert ticket.ticket_no in client.get(reverse("enforcement:clue_list")).text
    form = client.get(reverse("enforcement:case_create") + f"?ticket={ticket.pk}")
    assert "出租车绕路多收费" in form.text
    response = client.post(
        reverse("enforcement:case_create"),
        {
            "ticket": ticket.pk,
            "procedure": "普通程序",
            "source": "路面巡查",
            "party_type": "自然人",
            "party_name": "周某",
            "party_id_number": "411422199701011238",
            "plate": "豫N88888",
            "matter": penalty_matter.pk,
            "officers": [o.pk for o in officer_pair],
            "facts": ticket.content,
            "penalty_types": ["罚款"],
            "fine": "500",
        },
    )
    case = PenaltyCase.objects.get()
    assert response.status_code == 302
    assert case.source_ticket == ticket and case.source == "投诉举报"
    login(client, hotline_agent)
    page = client.get(reverse("hotline:ticket_detail", args=[ticket.pk]))
    assert "关联行政处罚案件" in page.text and str(case) in page.text


def test_consultation_ticket_cannot_open_a_case(client, officer, org):
    ticket = make_ticket(category="咨询", unit=org["squad"])
    login(client, officer)
    url = reverse("enforcement:case_create") + f"?ticket={ticket.pk}"
    assert client.get(url).status_code == 404


def test_case_list_queries_are_bounded(
    client, officer, officer_pair, penalty_matter, django_assert_max_num_queries
):
    for _ in range(30):
        new_case(officer, penalty_matter, officer_pair)
    login(client, officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("enforcement:case_list"))
    assert response.status_code == 200 and "下一页" in response.text


def test_overdue_case_is_marked_red(client, officer, case):
    case = services.case_file(case=case, by=officer)
    PenaltyCase.objects.filter(pk=case.pk).update(
        filed_at=timezone.now() - dt.timedelta(days=95)
    )
    login(client, officer)
    response = client.get(reverse("enforcement:case_list"))
    assert 'data-clock="red"' in response.text


def test_officer_list_warns_of_expiring_certificates(client, officer, org, sysadmin):
    soon = make_user("soon", roles=[roles.ROLE_OFFICER], unit=org["squad"])
    make_officer(soon, n=7, valid_to=timezone.localdate() + dt.timedelta(days=20))
    make_officer(officer, n=8)
    login(client, officer)
    response = client.get(reverse("enforcement:officer_list"))
    assert "20日后到期" in response.text
    home = client.get(reverse("home"))
    assert "我的在办案件" in home.text


def test_publish_from_the_case_page(client, officer, case):
    case = to_notified(case, officer, fine=Decimal("1000"))
    case = services.case_decide(case=case, by=officer)
    login(client, officer)
    response = client.post(
        reverse("enforcement:publicity_publish", args=[case.publicity.pk]),
        {"channel": "信用河南", "next": "case"},
        follow=True,
    )
    assert "已公示" in response.text
    case.publicity.refresh_from_db()
    assert case.publicity.published_on == timezone.localdate()


def test_printable_documents_follow_the_case(client, officer, case):
    login(client, officer)
    url = reverse("enforcement:case_print", args=[case.pk, "decision"])
    assert client.get(url).status_code == 404  # no decision yet
    case = to_notified(case, officer, fine=Decimal("1000"))
    case = services.case_decide(case=case, by=officer)
    services.publicity_publish(record=case.publicity, by=officer)
    case = services.case_serve(case=case, by=officer, service_method="直接送达")
    case = services.case_execute(case=case, by=officer, paid_amount=Decimal("1000"))
    case = services.case_close(case=case, by=officer)
    page = client.get(case.get_absolute_url()).text
    for slug in ("filing", "notice", "decision", "service", "closing"):
        response = client.get(reverse("enforcement:case_print", args=[case.pk, slug]))
        assert response.status_code == 200, slug
        assert case.number in response.text
        assert reverse("enforcement:case_print", args=[case.pk, slug]) in page
    decision = client.get(url).text
    # APL art. 59: party, facts and evidence, penalty and basis, how and by when,
    # remedies, agency and date, seal.
    for part in (
        "张三",
        "违法事实",
        "证据",
        "处罚依据",
        "十五日内",
        "行政复议",
        "睢县交通运输局（印章）",
        "411422********",
    ):
        assert part in decision, part
    assert PERSON_ID not in decision


def test_enterprise_page_shows_its_penalty_cases(
    client, officer, officer_pair, penalty_matter
):
    from tests.factories import make_enterprise

    firm = make_enterprise("睢县宏运货物运输有限公司")
    case = new_case(
        officer,
        penalty_matter,
        officer_pair,
        party_type="法人",
        party_name=firm.name,
        party_id_number=firm.credit_code,
    )
    login(client, officer)
    page = client.get(firm.get_absolute_url()).text
    assert "行政处罚记录" in page and str(case) in page


def test_withdrawing_publicity_needs_a_reason(client, officer, case):
    case = services.case_decide(
        case=to_notified(case, officer, fine=Decimal("1000")), by=officer
    )
    services.publicity_publish(record=case.publicity, by=officer)
    login(client, officer)
    url = reverse("enforcement:publicity_withdraw", args=[case.publicity.pk])
    assert "请填写撤回理由" in client.post(url, {"reason": ""}, follow=True).text
    client.post(url, {"reason": "复议决定撤销原处罚决定"})
    case.publicity.refresh_from_db()
    assert case.publicity.withdrawn_on == timezone.localdate()
    assert case.publicity.withdraw_due > case.publicity.withdrawn_on


def test_system_admin_flags_a_departing_officer(client, officer, org):
    from enforcement.models import Officer

    make_officer(officer, n=5)
    sysadmin = make_user("sys", roles=[roles.ROLE_SYSTEM_ADMIN], unit=org["bureau"])
    login(client, sysadmin)
    target = Officer.objects.get(user=officer)
    client.post(
        reverse("enforcement:officer_flag", args=[target.pk]),
        {"reason": "调往县公路局"},
    )
    target.refresh_from_db()
    assert target.pending_cancellation and target.pending_reason == "调往县公路局"
    login(client, officer)
    assert (
        client.post(reverse("enforcement:officer_flag", args=[target.pk])).status_code
        == 403
    )


def test_clock_filter_finds_overdue_and_nearly_due_cases(
    client, officer, officer_pair, penalty_matter
):
    cases = [
        services.case_file(
            case=new_case(officer, penalty_matter, officer_pair), by=officer
        )
        for _ in range(3)
    ]
    for case, days in zip(cases, (95, 80, 10), strict=True):
        PenaltyCase.objects.filter(pk=case.pk).update(
            filed_at=timezone.now() - dt.timedelta(days=days)
        )
    login(client, officer)
    url = reverse("enforcement:case_list")
    red = client.get(url, {"clock": "red"}).text
    yellow = client.get(url, {"clock": "yellow"}).text
    assert cases[0].number in red and cases[1].number not in red
    assert cases[1].number in yellow and cases[0].number not in yellow
    assert cases[2].number not in red + yellow


def test_clock_filter_counts_approved_extensions(
    client, officer, officer_pair, penalty_matter
):
    """The limit is 90 days plus the approved extension days, worked out in the
    database on PostgreSQL and on SQLite (the embedded default) alike."""
    extended, plain = [
        services.case_file(
            case=new_case(officer, penalty_matter, officer_pair), by=officer
        )
        for _ in range(2)
    ]
    PenaltyCase.objects.filter(pk__in=[extended.pk, plain.pk]).update(
        filed_at=timezone.now() - dt.timedelta(days=95)
    )
    PenaltyCase.objects.filter(pk=extended.pk).update(extension_days=30)
    login(client, officer)
    url = reverse("enforcement:case_list")
    red = client.get(url, {"clock": "red"}).text
    yellow = client.get(url, {"clock": "yellow"}).text
    assert plain.number in red and extended.number not in red
    assert extended.number not in yellow  # 120 days: 25 left


def test_home_warns_of_cases_near_or_past_the_limit(
    client, officer, officer_pair, penalty_matter
):
    case = services.case_file(
        case=new_case(officer, penalty_matter, officer_pair), by=officer
    )
    login(client, officer)
    assert "办案期限预警" not in client.get(reverse("home")).text
    PenaltyCase.objects.filter(pk=case.pk).update(
        filed_at=timezone.now() - dt.timedelta(days=85)
    )
    home = client.get(reverse("home")).text
    assert "办案期限预警" in home and case.number in home
