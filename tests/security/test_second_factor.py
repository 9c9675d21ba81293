"""Second factor (issue 12 item 4): TOTP required for administrators and 局领导,
optional for others; QR enrolment, recovery codes, reset only by the 安全管理员."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaotong import roles
from jiaotong.accounts import otp
from jiaotong.models import AuditEvent
from tests.factories import TEST_PASSWORD, current_code, make_user

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}
    )


@pytest.fixture
def new_leader(org):
    """A leader who has never enrolled (make_user enrols the cast; undo it)."""
    user = make_user("leader2", roles=[roles.ROLE_LEADER], unit=org["bureau"])
    TOTPDevice.objects.filter(user=user).delete()
    return user


def test_required_roles():
    assert set(roles.ADMIN_ROLES) | {roles.ROLE_LEADER}


@pytest.mark.parametrize(
    "fixture, required",
    [("leader", True), ("sysadmin", True), ("secadmin", True), ("auditor", True),
     ("clerk", False), ("hotline_agent", False), ("outsider", False)],
)  # fmt: skip
def test_who_must_use_a_second_factor(request, fixture, required):
    assert otp.requires_second_factor(request.getfixturevalue(fixture)) is required


def test_unenrolled_leader_is_held_on_the_enrolment_page(client, new_leader):
    sign_in(client, new_leader)
    for url in (reverse("home"), reverse("hotline:ticket_list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("otp_setup"), url
    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page and "<script" not in page.split("<svg")[1].split("</svg>")[0]


def test_enrolment_with_qr_then_recovery_codes(client, new_leader):
    sign_in(client, new_leader)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=new_leader, confirmed=False)
    wrong = client.post(reverse("otp_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles the next try for a second after a miss
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    done = client.post(reverse("otp_setup"), {"token": code})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == otp.RECOVERY_CODES
    assert all(c in done.content.decode() for c in codes)
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_enrol", actor=new_leader).exists()
    assert AuditEvent.objects.filter(action="otp_failed").count() == 1

    # Next sign-in: the code page; a recovery code works once.
    client.post(reverse("logout"))
    sign_in(client, new_leader)
    assert client.get(reverse("home")).url.startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"token": codes[0]})
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, new_leader)
    client.post(reverse("otp_verify"), {"token": codes[0]})
    assert client.get(reverse("home")).status_code == 302  # used up


def test_enrolled_leader_needs_the_code_after_the_password(client, leader):
    sign_in(client, leader)
    assert client.session.get(SESSION_KEY) == str(leader.pk)
    response = client.get(reverse("hotline:ticket_list"))
    assert response.url.startswith(reverse("otp_verify"))
    verified = client.post(
        reverse("otp_verify") + "?next=/hotline/", {"token": current_code(leader)}
    )
    assert verified.status_code == 302 and verified.url == "/hotline/"
    assert client.get(reverse("hotline:ticket_list")).status_code == 200


def test_wrong_codes_lock_the_account(client, leader):
    sign_in(client, leader)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("otp_verify"), {"token": "123456"})
    assert client.session.get(SESSION_KEY) is None
    assert (
        AuditEvent.objects.filter(action="otp_failed").count()
        == settings.AXES_FAILURE_LIMIT
    )
    assert sign_in(client, leader).status_code == 429


def test_optional_for_a_clerk_who_may_enrol(client, clerk):
    assert TOTPDevice.objects.filter(user=clerk).count() == 0
    sign_in(client, clerk)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("otp_setup")).status_code == 200


def test_only_the_security_admin_resets_and_it_is_audited(
    client, secadmin, sysadmin, leader
):
    with pytest.raises(PermissionDenied):
        otp.user_otp_reset(user=leader, by=sysadmin)
    with pytest.raises(PermissionDenied):
        otp.user_otp_reset(user=secadmin, by=secadmin)
    client.force_login(sysadmin)
    assert client.post(reverse("user_otp_reset", args=[leader.pk])).status_code in (
        403,
        404,
    )
    client.force_login(secadmin)
    response = client.post(
        reverse("user_otp_reset", args=[leader.pk]), {"reason": "手机丢失"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()
    event = AuditEvent.objects.get(action="otp_reset")
    assert (event.actor, event.reason) == (secadmin, "手机丢失")
