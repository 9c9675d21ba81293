"""A leader enrols a second factor in headless Chromium: QR code, first code,
recovery codes (screenshots under tests/screenshots/ for review)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaotong import roles
from tests.browser.conftest import login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_enrols_with_the_qr_code_and_gets_recovery_codes(page, live_server, org):
    leader = make_user("leader9", roles=[roles.ROLE_LEADER], unit=org["bureau"])
    TOTPDevice.objects.filter(user=leader).delete()  # a leader who never enrolled

    login(page, live_server, leader)
    assert page.url.endswith("/accounts/2fa/setup/")
    assert page.locator(".app-otp-qr svg").is_visible()
    screenshot(page, "otp_setup")

    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0)
    page.fill("input[name=token]", f"{code:06d}")
    page.press("input[name=token]", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#recovery-codes li").count() == 10
    screenshot(page, "otp_recovery_codes")

    page.click("text=我已保存，进入工作台")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url
