"""Shared Playwright fixtures: headless Debian Chromium against pytest-django's
live_server. Browser tests are marked ``@pytest.mark.browser`` and use
``@pytest.mark.django_db(transaction=True)`` so the server thread sees their rows.

Without /usr/bin/chromium the fixture skips locally but FAILS under CI=true: a
CI run must never pass by quietly skipping the browser tests.
"""

import os
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, current_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's async-safety
# check would then refuse the ORM calls the tests make to set up their data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# Apps' browser tests import these fixtures into their own modules, which makes
# each import a separate session fixture; Playwright's sync API allows one
# running instance per thread, so every copy shares the first one's browser.
_running: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser():
    if "browser" in _running:
        yield _running["browser"]
        return
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        if _in_ci():
            pytest.fail("playwright is not installed", pytrace=False)
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        _running["browser"] = browser
        yield browser
        _running.pop("browser", None)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Any CSP violation or script error on a page is a defect worth failing for.
    page.console_errors = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and page.console_errors.append(msg.text),
    )
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))

    def record_failed_asset(response):
        # A page may answer 403/404 on purpose; its stylesheets and scripts may not.
        if response.status >= 400 and response.request.resource_type != "document":
            page.console_errors.append(f"{response.status} {response.url}")

    page.on("response", record_failed_asset)
    yield page
    context.close()


def login(page, live_server, user, password: str = TEST_PASSWORD):
    """Sign ``user`` in through the real login form; return the page on 工作台."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/2fa/verify/" in page.url:  # the second factor, as a person would
        page.fill("input[name=token]", current_code(user))
        page.press("input[name=token]", "Enter")
        page.wait_for_load_state("networkidle")
    return page


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/screenshots/ for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
