"""The two tasks of issue 13, as a window clerk and a hotline operator do them,
asserting the keystrokes the desks now save:

1. 收件登记 of 道路普通货物运输经营许可 for 睢县安达货运有限公司, then 受理: "货运" and
   Enter pick the freight licence; the credit code fills the name; the
   受理通知书 is offered for printing.
2. A 12328 taxi complaint sent to 第一中队: the ticket gets its number without
   typing, the unit comes from the 业务类别, the enterprise from three letters.

Screenshots of both desks go to /tmp/shots/desk/.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from hotline.models import AreaRoutingRule, Status, Ticket
from jiaotong.models import Enterprise
from licensing.models import Application
from licensing.services import application_receive
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import login
from tests.factories import credit_code, make_matter, resident_id

browser = browser_fixtures.browser
page = browser_fixtures.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/desk")
FREIGHT = "道路普通货物运输经营许可（新办）"
ANDA = "睢县安达货运有限公司"
ANDA_CODE = credit_code("91411422MA0008ABC")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def window_desk(clerk):
    freight = make_matter("411422-XK-008-1", name=FREIGHT, promised_limit_days=5)
    station = make_matter(
        "411422-QT-001", name="道路货物运输站（场）经营备案", power_type="其他行政权力"
    )
    make_matter("411422-XK-009-1", name="道路危险货物运输经营许可（新办）")
    make_matter("411422-XK-011-1", name="巡游出租汽车经营许可（新办）")
    Enterprise.objects.create(
        credit_code=ANDA_CODE,
        name=ANDA,
        industry="道路货物运输",
        credit_grade="B",
        phone="13903700008",
    )
    # The window's history: the freight licence is its busiest matter.
    for matter, times in ((freight, 3), (station, 1)):
        for _ in range(times):
            application_receive(
                matter=matter,
                applicant_name="王建国",
                applicant_type="自然人",
                applicant_id_number=resident_id("41142219800101123"),
                by=clerk,
            )
    return freight


def test_window_clerk_logs_the_freight_licence_and_accepts_it(
    page, live_server, clerk, window_desk
):
    login(page, live_server, clerk)
    shot(page, "window-home")
    page.click("a[data-home-action]:has-text('收件登记')")  # the desk's main action
    page.wait_for_selector("#application-intake")

    # "货运" then Enter: the freight licence, highlighted before it is taken.
    page.keyboard.type("货运")
    page.wait_for_selector('#id_matter option[data-query="货运"]', state="attached")
    assert page.eval_on_selector(
        "#id_matter", "s => s.options[s.selectedIndex].text"
    ).endswith(FREIGHT)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_applicant_type"
    assert FREIGHT in page.inner_text("#matter-picked")

    # The credit code alone fills the name from 企业名录.
    page.select_option("#id_applicant_type", "法人")
    page.focus("#id_applicant_id_number")
    page.keyboard.type(ANDA_CODE)
    page.keyboard.press("Tab")
    page.wait_for_selector("#applicant-hint [data-applicant-found]")
    assert page.input_value("#id_applicant_name") == ANDA
    assert "139****0008" in page.inner_text("#applicant-hint")
    shot(page, "window-intake")

    page.keyboard.press("Control+Enter")  # the one save shortcut
    page.wait_for_url(re.compile(r"/licensing/\d+/$"))
    assert page.inner_text("#application-status") == "已收件"
    assert "当前状态：已收件" in page.content()

    page.once("dialog", lambda dialog: dialog.accept())  # 受理 asks first
    page.click("button[data-action=accept]")
    page.wait_for_selector("#offer-print")
    assert page.inner_text("#application-status") == "已受理"
    shot(page, "window-accepted")
    assert page.console_errors == []

    application = Application.objects.get(applicant_id_number=ANDA_CODE)
    assert (application.matter, application.applicant_name) == (window_desk, ANDA)
    assert application.applicant_phone == "13903700008"  # 留空即沿用
    assert application.status == "accepted"


@pytest.fixture
def hotline_desk(org):
    AreaRoutingRule.objects.create(area="出租汽车", unit=org["squad"])
    AreaRoutingRule.objects.create(area="路政", unit=org["brigade"])
    return Enterprise.objects.create(
        credit_code=credit_code("91411422MA0013ABC"),
        name="睢县城通出租汽车有限公司",
        industry="出租汽车",
        credit_grade="A",
    )


def test_hotline_operator_logs_a_taxi_complaint_to_the_first_squad(
    page, live_server, hotline_agent, org, hotline_desk
):
    login(page, live_server, hotline_agent)
    page.click("a[data-home-action]:has-text('受理登记')")
    page.wait_for_selector("#ticket-intake")

    # No number to invent: the form says it is generated.
    assert page.locator("#id_ticket_no").count() == 0
    assert page.evaluate("document.activeElement.name") == "category"
    page.check("input[name=category][value='投诉']")
    page.select_option("#id_area", "出租汽车")
    # The routing table suggests the unit.
    assert page.input_value("#id_dispatch_to") == str(org["squad"].pk)
    assert "第一中队" in page.inner_text("#route-hint")
    page.fill(
        "#id_content",
        "乘客反映在睢县汽车站乘坐豫NT2345出租车，司机不打表、要求议价30元。",
    )
    page.fill("#enterprise-query", "城通")
    page.click(f"[data-pick-enterprise='{hotline_desk.pk}']")
    assert "睢县城通出租汽车有限公司" in page.inner_text("#enterprise-picked")
    page.fill("#id_plate", "豫NT2345")
    page.fill("#id_caller_phone", "13812345678")
    shot(page, "hotline-intake")

    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/hotline/\d+/$"))
    ticket = Ticket.objects.get()
    year = timezone.localdate().year
    assert ticket.ticket_no == f"JT12328-{year}-0001"
    assert (ticket.status, ticket.unit, ticket.enterprise) == (
        Status.DISPATCHED,
        org["squad"],
        hotline_desk,
    )
    body = page.content()
    assert f"工单 {ticket.ticket_no} 已登记，已派往第一中队，当前状态：待签收" in body
    assert "派单 → 第一中队" in page.inner_text("#timeline")
    shot(page, "hotline-dispatched")
    assert page.console_errors == []
