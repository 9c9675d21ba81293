"""The audit page and the working-day calendar page in headless Chromium."""

import datetime as dt

import pytest

from jiaotong.audit.services import audit_record
from jiaotong.models import CalendarDay
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auditor_browses_filters_and_pages_the_trail(page, live_server, auditor, org):
    for n in range(60):
        audit_record(
            action="role_change" if n % 2 else "login_failed",
            actor_name=f"用户{n}",
            obj=org["window"] if n % 2 else None,
            reason=f"第{n}条",
            ip="192.0.2.10",
        )
    login(page, live_server, auditor)

    page.goto(f"{live_server.url}/audit/")
    assert page.locator("h1").inner_text() == "审计日志"
    assert page.locator("tbody tr").count() == 50
    screenshot(page, "audit_list")

    page.click("[data-page=next]")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() >= 10

    page.goto(f"{live_server.url}/audit/")
    page.select_option("select[name=action]", "role_change")
    page.click("button:has-text('查询')")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 30
    assert page.console_errors == []


def test_system_admin_enters_a_holiday_on_the_calendar_page(
    page, live_server, sysadmin
):
    login(page, live_server, sysadmin)

    page.goto(f"{live_server.url}/calendar/?year=2027")
    assert "2027年" in page.locator(".alert-warning").first.inner_text()
    page.fill("input[name=date]", "2027-01-01")
    page.select_option("select[name=is_workday]", "0")
    page.fill("input[name=note]", "元旦")
    page.click("button:has-text('保存')")
    page.wait_for_load_state("networkidle")

    assert CalendarDay.objects.get().date == dt.date(2027, 1, 1)
    assert "元旦" in page.locator("tbody").inner_text()
    screenshot(page, "calendar_list")
    assert page.console_errors == []
