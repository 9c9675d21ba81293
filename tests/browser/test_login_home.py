"""A window clerk signs in through the real form in headless Chromium, and the
registry pages render (screenshots under tests/screenshots/ for review)."""

import datetime as dt

import pytest

from jiaotong import roles
from jiaotong.models import CreditGradeChange
from tests.browser.conftest import login, screenshot
from tests.factories import make_enterprise, make_matter, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATTERS = [
    ("行政许可", "道路旅客运输经营许可", 20, 5),
    ("行政许可", "道路货物运输经营许可（使用总质量4500千克以上普通货运车辆）", 20, 3),
    ("行政许可", "出租汽车经营许可", 20, 10),
    ("行政许可", "公路建设项目施工许可", 20, 10),
    ("行政许可", "涉路施工许可", 20, 5),
    ("行政处罚", "对未取得道路运输经营许可擅自从事道路客运经营的处罚", None, None),
    ("行政处罚", "对道路运输车辆超限运输的处罚", None, None),
    ("行政确认", "道路运输从业人员从业资格确认", 10, 5),
    ("其他行政权力", "机动车维修经营备案", 5, 1),
    ("公共服务", "道路运输证换发、补发", 5, 1),
    ("公共服务", "交通运输政策咨询", 1, 1),
]


@pytest.fixture
def registry_data(org):
    today = dt.date.today()
    for n, (power_type, name, legal, promised) in enumerate(MATTERS * 3, start=1):
        make_matter(
            f"411422-JT-{n:03d}",
            name=name,
            power_type=power_type,
            statutory_limit_days=legal,
            promised_limit_days=promised,
            notify_commit=n % 4 == 0,
            basis="《中华人民共和国道路运输条例》第十条",
            unit=org["window"],
            effective_from=today - dt.timedelta(days=400),
        )
    towns = ["城关镇", "蓼堤镇", "西陵寺镇", "平岗镇"]
    industries = [
        "道路旅客运输",
        "道路货物运输",
        "出租汽车",
        "机动车维修",
        "驾驶员培训",
    ]
    for n in range(1, 31):
        enterprise = make_enterprise(
            f"睢县{towns[n % 4][:2]}{industries[n % 5][:2]}有限公司{n}",
            industry=industries[n % 5],
            town=towns[n % 4],
            credit_grade="ABCD"[n % 4],
            contact="王建国",
            phone=f"1380370{n:04d}",
        )
    CreditGradeChange.objects.create(
        enterprise=enterprise,
        from_grade="B",
        to_grade="C",
        changed_on=today,
        cause="manual",
        reason="年度考核不合格",
    )


def test_window_clerk_signs_in_and_sees_home_with_their_name(
    page, live_server, org, registry_data
):
    clerk = make_user(
        "window01", full_name="李晓梅", roles=[roles.ROLE_WINDOW], unit=org["window"]
    )
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "交通运输局行政业务平台"
    screenshot(page, "01-login")

    login(page, live_server, clerk, password="not-the-password")
    assert page.locator(".alert-danger").is_visible()
    screenshot(page, "01b-login-failed")

    login(page, live_server, clerk)

    assert page.url == f"{live_server.url}/"
    assert "李晓梅" in page.locator(".app-welcome h1").inner_text()
    assert page.locator(".app-welcome").get_by_text(roles.ROLE_WINDOW).count() == 1
    screenshot(page, "02-home-clerk")

    page.get_by_role("link", name="权责清单").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.app-table tbody tr").count() == 25
    screenshot(page, "03-matter-list")

    page.goto(f"{live_server.url}/enterprises/")
    assert page.get_by_text("138****0001").count() == 1
    screenshot(page, "04-enterprise-list")

    page.locator("table.app-table tbody a").first.click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "05-enterprise-detail")
    assert page.console_errors == []


def test_public_power_list_renders_for_anonymous_visitor(
    page, live_server, org, registry_data
):
    page.goto(f"{live_server.url}/public/powers/")
    assert "权责清单" in page.locator("h1").inner_text()
    assert page.locator("section.app-public-section").count() == 5
    screenshot(page, "06-public-power-list")
    assert page.console_errors == []


def test_user_menu_signs_out_with_a_post_form(page, live_server, org):
    officer = make_user("officer02", roles=[roles.ROLE_OFFICER], unit=org["squad"])
    login(page, live_server, officer)
    page.click(".app-user-btn")
    screenshot(page, "07-user-menu")
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    assert page.console_errors == []
