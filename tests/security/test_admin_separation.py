"""Regressions for issue 12 "found" items 7 and 8: 三员分立 without gaps, and the
password page's current-password check."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jiaotong import roles
from jiaotong.accounts import services as accounts
from jiaotong.models import AuditEvent, User
from tests.factories import (
    TEST_PASSWORD,
    current_code,
    enrol_second_factor,
    make_user,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Temporary#Pass2026"


@pytest.mark.parametrize("target", ["secadmin", "auditor"])
def test_sysadmin_cannot_deactivate_another_administrator(
    request, client, sysadmin, target
):
    victim = request.getfixturevalue(target)
    with pytest.raises(PermissionDenied):
        accounts.user_deactivate(user=victim, by=sysadmin)
    client.force_login(sysadmin)
    client.post(reverse("user_deactivate", args=[victim.pk]), {"reason": "x"})
    victim.refresh_from_db()
    assert victim.is_active


def test_command_line_may_still_deactivate_an_administrator(secadmin):
    accounts.user_deactivate(user=secadmin, by=None)
    secadmin.refresh_from_db()
    assert not secadmin.is_active


def test_secadmin_cannot_give_the_sysadmin_another_role(client, secadmin, sysadmin):
    with pytest.raises(PermissionDenied):
        accounts.user_assign_roles(
            user=sysadmin,
            roles={roles.ROLE_SYSTEM_ADMIN, roles.ROLE_LEADER},
            by=secadmin,
        )
    client.force_login(secadmin)
    response = client.post(
        reverse("user_roles", args=[sysadmin.pk]),
        {"roles": [roles.ROLE_SYSTEM_ADMIN, roles.ROLE_LEADER]},
    )
    assert response.status_code == 403
    assert not roles.has_role(User.objects.get(pk=sysadmin.pk), roles.ROLE_LEADER)


def test_secadmin_cannot_make_a_clerk_an_auditor(client, secadmin, clerk):
    with pytest.raises(ValidationError):
        accounts.user_assign_roles(
            user=clerk, roles={roles.ROLE_AUDIT_ADMIN}, by=secadmin
        )
    with pytest.raises(ValidationError):
        accounts.user_assign_roles(
            user=clerk, roles={roles.ROLE_WINDOW, roles.ROLE_AUDIT_ADMIN}, by=secadmin
        )
    client.force_login(secadmin)
    response = client.post(
        reverse("user_roles", args=[clerk.pk]), {"roles": [roles.ROLE_AUDIT_ADMIN]}
    )
    assert response.status_code == 400
    assert "三员分立" in response.content.decode()


def test_secadmin_may_make_a_dedicated_account_an_auditor(secadmin, org):
    fresh = make_user("auditor2", unit=org["bureau"])
    accounts.user_assign_roles(user=fresh, roles={roles.ROLE_AUDIT_ADMIN}, by=secadmin)
    assert roles.has_role(User.objects.get(pk=fresh.pk), roles.ROLE_AUDIT_ADMIN)


def test_secadmin_grants_nothing_to_itself(secadmin):
    with pytest.raises(PermissionDenied):
        accounts.user_assign_roles(
            user=secadmin, roles={roles.ROLE_SECURITY_ADMIN}, by=secadmin
        )


def test_a_reset_password_is_temporary_and_its_login_is_flagged(
    client, sysadmin, leader
):
    accounts.user_set_password(user=leader, password=NEW_PASSWORD, by=sysadmin)
    client.post(reverse("login"), {"username": "leader", "password": NEW_PASSWORD})
    assert client.session.get(SESSION_KEY) == str(leader.pk)
    login = AuditEvent.objects.filter(action="login").latest("id")
    assert login.reason == "使用管理员设置的临时密码登录"
    # A leader's second factor comes first (jiaotong.accounts.otp), then the password.
    verify = client.get(reverse("home"))
    assert verify.url.startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"token": current_code(leader)})
    # Nothing but the password page until the holder chooses a new password.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("password_change")
    assert client.get(reverse("hotline:ticket_list")).status_code == 302
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": NEW_PASSWORD,
            "new_password1": "Bureau#Own2026pw",
            "new_password2": "Bureau#Own2026pw",
        },
    )
    assert changed.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not User.objects.get(pk=leader.pk).must_change_password


def test_accounts_created_by_the_sysadmin_start_with_a_temporary_password(
    sysadmin, org
):
    user = accounts.user_create(
        username="new.clerk", password=NEW_PASSWORD, unit=org["window"], by=sysadmin
    )
    assert user.must_change_password


@pytest.mark.parametrize(
    "username",
    ["<b>x</b>", 'a"onmouseover=', "张三", "with space", "x", "1abc", "a" * 31],
)
def test_usernames_are_restricted_to_a_safe_charset(client, sysadmin, org, username):
    with pytest.raises(ValidationError):
        accounts.user_create(
            username=username, password=NEW_PASSWORD, unit=org["window"], by=sysadmin
        )
    client.force_login(sysadmin)
    response = client.post(
        reverse("user_create"),
        {
            "username": username,
            "full_name": "测试",
            "unit": org["window"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(full_name="测试").exists()


def test_wrong_current_password_is_audited_and_locks_the_account(client, clerk):
    client.force_login(clerk)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("password_change"),
            {
                "old_password": "Wrong#Guess2026",
                "new_password1": "Another#Pass2026",
                "new_password2": "Another#Pass2026",
            },
        )
    assert (
        AuditEvent.objects.filter(action="password_check_failed").count()
        == settings.AXES_FAILURE_LIMIT
    )
    assert response.status_code == 429  # the lockout page; the session is over
    assert client.session.get(SESSION_KEY) is None
    assert client.get(reverse("home")).status_code == 302
    # Locked: even the right password is refused for the cool-off.
    locked = client.post(
        reverse("login"), {"username": "clerk", "password": TEST_PASSWORD}
    )
    assert locked.status_code == 429


def test_demo_sysadmin_can_enter_the_back_office(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    sysadmin = User.objects.get(username="sysadmin")
    enrol_second_factor(sysadmin)
    client.force_login(sysadmin)
    assert client.get("/admin/").status_code == 200
    for username in ("secadmin", "auditor", "leader1", "window1"):
        assert not User.objects.get(username=username).is_staff
