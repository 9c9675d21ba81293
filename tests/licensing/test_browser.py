"""A clerk logs an application by keyboard, accepts and completes it; a leader
then sees it counted in the year's window figures."""

import pytest
from django.utils import timezone

from jiaotong.registry.services import pinyin_initials
from licensing.models import Application
from licensing.services import application_receive
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import VIEWPORT, login, screenshot
from tests.factories import make_matter

from .conftest import resident_id

# The shared Playwright fixtures (tests/browser/conftest.py), used from here.
browser = browser_fixtures.browser
page = browser_fixtures.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATTER_NAME = "道路运输证配发"


@pytest.fixture
def window_matter(db):
    return make_matter(
        "411422-GG-001",
        name=MATTER_NAME,
        power_type="公共服务",
        promised_limit_days=1,
        pinyin_initials=pinyin_initials(MATTER_NAME),
    )


def test_clerk_logs_by_keyboard_and_leader_sees_it_counted(
    browser,
    page,
    live_server,
    clerk,
    leader,
    window_matter,  # noqa: F811
):
    person = resident_id("19780512")
    application_receive(  # an earlier visit: the form fills the name from it
        matter=window_matter,
        applicant_name="王建国",
        applicant_type="自然人",
        applicant_id_number=person,
        applicant_phone="13903701234",
        by=clerk,
    )
    login(page, live_server, clerk)
    page.goto(f"{live_server.url}/licensing/new/")

    # Keyboard only: the search box has the focus.
    assert page.evaluate("document.activeElement.id") == "matter-query"
    page.keyboard.type("DLYSZ")
    # The list answers what was typed; only then does Enter take its first row.
    page.wait_for_selector(
        '#id_matter option[data-query="DLYSZ"]:checked', state="attached"
    )
    page.keyboard.press("Enter")  # takes the highlighted match, on to 申请人类型
    assert page.evaluate("document.activeElement.id") == "id_applicant_type"
    assert MATTER_NAME in page.inner_text("#matter-picked")
    page.keyboard.press("Tab")  # 证件号码
    assert page.evaluate("document.activeElement.id") == "id_applicant_id_number"
    page.keyboard.type(person)
    page.keyboard.press("Tab")  # the lookup fills the name; the phone stays masked
    page.wait_for_selector("#applicant-hint [data-applicant-found]")
    assert page.input_value("#id_applicant_name") == "王建国"
    # The earlier phone is offered masked, never sent to the page in full.
    assert page.input_value("#id_applicant_phone") == ""
    assert "139****1234" in page.get_attribute("#id_applicant_phone", "placeholder")
    assert "13903701234" not in page.content()
    screenshot(page, "licensing_intake")
    page.press("#id_applicant_phone", "Enter")  # saves
    page.wait_for_url("**/licensing/*/")
    assert page.inner_text("#application-status") == "已收件"

    page.once("dialog", lambda dialog: dialog.accept())  # 受理 asks first
    page.click("button[data-action=accept]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#application-status") == "已受理"
    assert "打印受理通知书" in page.inner_text("#offer-print")  # the next step
    page.click("button[data-action=complete]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#application-status") == "已办结"
    screenshot(page, "licensing_detail")
    assert page.console_errors == []

    logged = Application.objects.order_by("-id").first()
    assert logged.applicant_name == "王建国" and logged.completed_at is not None
    assert logged.applicant_phone == "13903701234"  # 留空即沿用

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    leader_page = context.new_page()
    login(leader_page, live_server, leader)
    year = timezone.localdate().year
    leader_page.goto(f"{live_server.url}/licensing/stats/?year={year}")
    assert leader_page.inner_text("#value-windowcompleted") == "1"
    assert leader_page.inner_text("#value-windowcompletedpublic_service") == "1"
    screenshot(leader_page, "licensing_stats")
    context.close()
