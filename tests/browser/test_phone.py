"""At 390 × 844 (a phone) the public power list — the page citizens open — and
the header fit the screen: no element reaches past the viewport (issue 13)."""

from pathlib import Path

import pytest

from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import CHROMIUM_ARGS, login  # noqa: F401
from tests.factories import make_matter

browser = browser_fixtures.browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/shots/desk")

# Every visible element whose box reaches outside the viewport horizontally,
# unless an ancestor clips it (a scroll box is itself checked).
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if ((box.right > width + 0.5 || box.left < -0.5) && !clipped(el)) {
      out.push(el.tagName + "." + el.className + " " + Math.round(box.left) + "–" + Math.round(box.right));
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10)};
}
"""


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def power_list(db):
    basis = "《中华人民共和国行政许可法》《中华人民共和国道路运输条例》《道路货物运输及站场管理规定》第六条"
    make_matter(
        "411422-XK-008-1",
        name="道路普通货物运输经营许可（新办）",
        basis=basis,
        statutory_limit_days=20,
        promised_limit_days=5,
    )
    make_matter(
        "411422-XK-026-2",
        name="涉路施工许可（跨越、穿越公路架设、埋设管线设施）（变更）",
        basis=basis,
        statutory_limit_days=20,
        promised_limit_days=7,
    )
    make_matter(
        "411422-CF-018",
        name="对车辆超限运输擅自行驶公路的行政处罚",
        power_type="行政处罚",
    )


def _assert_fits(page):
    report = page.evaluate(OVERFLOWING)
    assert report["scrollWidth"] <= report["width"], report
    assert report["out"] == [], report


def test_public_power_list_fits_a_phone(phone, live_server, power_list):
    phone.goto(f"{live_server.url}/public/powers/")

    _assert_fits(phone)
    # Stacked rows: every cell says what it is.
    assert phone.locator("td[data-label='承诺时限']").first.is_visible()
    phone.screenshot(path=str(SHOTS / "phone-power-list.png"), full_page=True)


def test_header_and_user_menu_fit_a_phone(phone, live_server, power_list, clerk):
    login(phone, live_server, clerk)
    _assert_fits(phone)
    phone.click(".app-user-btn")
    phone.wait_for_selector(".app-user-menu.show")
    _assert_fits(phone)
    phone.screenshot(path=str(SHOTS / "phone-header-menu.png"))
    phone.goto(f"{live_server.url}/public/powers/")
    _assert_fits(phone)
