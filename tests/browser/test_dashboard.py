"""The dashboard in the browser, on the demo years: a 局领导 lands on it,
switches year and follows a figure to its records; an administrator closes
2023, changes a record and sees the difference listed; the .docx draft downloads."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jiaotong.dashboard.cache import bump_version
from jiaotong.models import Matter
from tests.browser.conftest import VIEWPORT, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/dash")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(org):
    from hotline import demo as hotline_demo
    from jiaotong import demo as jiaotong_demo
    from licensing import demo as licensing_demo

    out = io.StringIO()
    for module in (jiaotong_demo, licensing_demo, hotline_demo):
        module.load(stdout=out)
    bump_version()


def test_leader_lands_switches_year_and_follows_a_figure(
    page, live_server, leader, demo
):
    login(page, live_server, leader)
    assert page.url.endswith("/dashboard/")
    expect(page.locator("h1")).to_have_text("2023年度指标看板")
    expect(page.locator("#value-windowcompleted")).to_contain_text("2370")
    page.wait_for_selector('[data-chart="window-trend"] canvas')
    shot(page, "dashboard_2023")
    page.screenshot(path=str(SHOTS / "dashboard_top.png"))

    page.select_option("#dash-year", "2022")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("2022年度指标看板")
    page.select_option("#dash-year", "2023")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("2023年度指标看板")

    page.click("#value-hotline12328received a")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".app-row-total")).to_have_text("108")
    shot(page, "drilldown_12328")

    page.goto(f"{live_server.url}/hotline/stats/?year=2023")
    expect(page.locator("#value-hotlinesatisfaction_rate")).to_have_text("98.4")
    shot(page, "hotline_stats")
    assert page.console_errors == []


def test_admin_closes_2023_sees_a_difference_and_downloads_the_draft(
    browser, page, live_server, sysadmin, demo, tmp_path
):
    login(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/dashboard/?year=2023")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-form button")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#closed-badge")).to_be_visible()
    assert page.locator("#closed-differences").count() == 0

    # A penalty matter repealed in June 2023, recorded after closing.
    matter = Matter.objects.filter(power_type="行政处罚").order_by("code").first()
    page.goto(f"{live_server.url}/matters/{matter.pk}/edit/")
    page.fill("input[name=repealed_on]", "2023-06-01")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/dashboard/?year=2023")
    differences = page.locator("#closed-differences")
    expect(differences).to_be_visible()
    expect(differences.locator('tr[data-code="powers.penalty"]')).to_contain_text("24")
    expect(differences.locator('tr[data-code="powers.penalty"]')).to_contain_text("23")
    shot(page, "dashboard_closed_difference")

    page.click("#draft-link")
    page.wait_for_load_state("networkidle")
    expect(page.locator('[data-code="window.completed"]').first).to_contain_text("2370")
    shot(page, "report_draft")
    with page.expect_download() as info:
        page.click("#draft-docx")
    path = tmp_path / "draft.docx"
    info.value.save_as(path)
    import docx

    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert texts[0] == "睢县交通运输局"
    # The draft reports the published (frozen) figure, not the later change.
    assert any("行政处罚24项" in t for t in texts)
    assert page.console_errors == []
    assert VIEWPORT
