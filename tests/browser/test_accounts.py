"""The account pages in headless Chromium: the security admin grants a role, a
locked account sees the Chinese lockout page, an idle session comes back to the
login page with a notice. Screenshots under tests/screenshots/ for review."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from jiaotong import roles
from jiaotong.middleware import SEEN_AT
from tests.browser.conftest import login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(org):
    people = [
        ("lixm", "李晓梅", roles.ROLE_WINDOW, "window", "13812345678"),
        ("wangjg", "王建国", roles.ROLE_OFFICER, "squad", "13903701234"),
        ("zhaolei", "赵磊", roles.ROLE_HANDLER, "squad", ""),
        ("sunli", "孙丽", roles.ROLE_HOTLINE, "agency", "13703705678"),
    ]
    return [
        make_user(name, full_name=full, roles=[role], unit=org[unit], phone=phone)
        for name, full, role, unit, phone in people
    ]


def test_security_admin_grants_a_role_on_the_detail_page(page, live_server, staff, org):
    secadmin = make_user(
        "anquan",
        full_name="安全管理员",
        roles=[roles.ROLE_SECURITY_ADMIN],
        unit=org["bureau"],
    )
    login(page, live_server, secadmin)
    page.goto(f"{live_server.url}/users/")
    assert "138****5678" in page.content()
    assert "13812345678" not in page.content()
    screenshot(page, "accounts_user_list")

    page.click("text=wangjg")
    page.check(f"input[name=roles][value={roles.ROLE_LEADER}]")
    page.click("text=保存角色")
    page.wait_for_load_state("networkidle")
    assert "已更新“王建国”的角色" in page.content()
    screenshot(page, "accounts_user_detail")
    assert page.console_errors == []

    page.check(f"input[name=roles][value={roles.ROLE_SYSTEM_ADMIN}]")
    page.check(f"input[name=roles][value={roles.ROLE_AUDIT_ADMIN}]")
    page.click("text=保存角色")
    page.wait_for_load_state("networkidle")
    assert "三员分立" in page.content()  # re-shown with status 400
    screenshot(page, "accounts_roles_refused")


def test_locked_account_sees_the_chinese_lockout_page(page, live_server, staff):
    page.goto(f"{live_server.url}/accounts/login/")
    for n in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", "lixm")
        page.fill("input[name=password]", f"Wrong#Password{n}")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
    assert "该账户已被临时锁定" in page.content()
    screenshot(page, "accounts_locked")


def test_idle_session_returns_to_login_with_a_notice(page, live_server, staff):
    login(page, live_server, staff[0])
    # Age the idle clock of the browser's session on the server.
    for session in Session.objects.all():
        store = session.get_decoded()
        store[SEEN_AT] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 60
        Session.objects.save(session.session_key, store, session.expire_date)

    page.goto(f"{live_server.url}/accounts/password/")
    assert "会话已超时，请重新登录" in page.content()
    screenshot(page, "accounts_session_expired")
