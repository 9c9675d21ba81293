"""Signing in and out: one answer for every failure, a new session key, the
per-account and per-address lockouts, and the audit rows they leave."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.urls import reverse

from jiaotong.accounts.forms import INVALID_LOGIN
from jiaotong.models import AuditEvent
from tests.factories import TEST_PASSWORD

LOGIN = reverse("login")


class CountingArgon2Hasher(Argon2PasswordHasher):
    """The real Argon2 hasher, counting how often it hashes a password."""

    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        type(self).hashed += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingArgon2Hasher"]
    CountingArgon2Hasher.hashed = 0
    return CountingArgon2Hasher


def post_login(client, username, password, ip="127.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


# --- The login page ---------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_public_and_in_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "用户名" in response.text and "密码" in response.text


def test_every_other_page_sends_an_anonymous_visitor_to_login(client, db):
    response = client.get(reverse("user_list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_right_password_signs_in_and_goes_home(client, clerk):
    response = post_login(client, "clerk", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_id(client) == str(clerk.pk)


def test_signed_in_user_visiting_login_goes_home(client, clerk):
    client.force_login(clerk)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_issues_a_new_session_key(client, clerk):
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key

    post_login(client, "clerk", TEST_PASSWORD)

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert signed_in_id(client) == str(clerk.pk)


def test_unknown_user_wrong_password_and_stopped_account_get_one_answer(
    client, clerk, officer
):
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    answers = []
    for username, password in [
        ("nobody", TEST_PASSWORD),  # no such account
        ("clerk", TEST_PASSWORD + "x"),  # wrong password
        ("officer", TEST_PASSWORD),  # right password, stopped account
    ]:
        response = post_login(client, username, password)
        answers.append(
            (response.status_code, response.context["form"].non_field_errors())
        )

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200
    assert list(answers[0][1]) == [INVALID_LOGIN]
    assert signed_in_id(client) is None


def test_unknown_user_costs_one_hash_like_a_wrong_password(
    client, clerk, counting_hasher
):
    # Django hashes the attempt anyway, so timing does not reveal unknown names.
    post_login(client, "nobody", TEST_PASSWORD)
    unknown = counting_hasher.hashed
    counting_hasher.hashed = 0
    post_login(client, "clerk", TEST_PASSWORD + "x")
    assert unknown == counting_hasher.hashed == 1


# --- Audit of sign-in events ----------------------------------------------------------


def test_successful_login_is_audited(client, clerk):
    post_login(client, "clerk", TEST_PASSWORD, ip="127.0.0.7")
    event = AuditEvent.objects.get(action="login")
    assert event.actor == clerk
    assert event.ip_address == "127.0.0.7"


def test_failed_login_is_audited_with_the_name_tried(client, clerk):
    post_login(client, "clerk", "Wrong#Password1", ip="127.0.0.8")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None
    assert event.actor_name == "clerk"
    assert event.ip_address == "127.0.0.8"


@pytest.mark.django_db
def test_failed_login_without_a_request_is_still_audited():
    # authenticate() called from code without a request sends request=None.
    user_login_failed.send(
        sender=__name__, credentials={"username": "script"}, request=None
    )
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_name == "script"
    assert event.ip_address is None


# --- Logout -----------------------------------------------------------------------------


def test_logout_refuses_get(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_id(client) == str(clerk.pk)


def test_logout_ends_the_session_on_the_server(client, clerk):
    client.force_login(clerk)
    old_key = client.session.session_key

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response.url == LOGIN
    assert not Session.objects.filter(session_key=old_key).exists()
    assert AuditEvent.objects.filter(action="logout", actor=clerk).count() == 1
    # Presenting the old cookie again does not sign anyone in.
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert client.get(reverse("password_change")).status_code == 302


# --- Per-account lockout (django-axes) -------------------------------------------------------


def fail_until_locked(client, username, ip="127.0.0.1"):
    """Send AXES_FAILURE_LIMIT wrong passwords; return the responses."""
    return [
        post_login(client, username, f"Wrong#Password{n}", ip=ip)
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_lockout_settings_match_the_policy():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert dt.timedelta(hours=settings.AXES_COOLOFF_TIME) == dt.timedelta(minutes=15)
    assert settings.AXES_IP_FAILURE_LIMIT == 30
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_fifth_failure_locks_the_account_with_a_chinese_page(client, clerk):
    responses = fail_until_locked(client, "clerk")

    assert [r.status_code for r in responses[:-1]] == [200] * (len(responses) - 1)
    assert responses[-1].status_code == 429
    assert "该账户已被临时锁定" in responses[-1].text
    assert "15 分钟" in responses[-1].text
    assert AuditEvent.objects.filter(action="account_locked").count() == 1


def test_locked_account_is_refused_even_with_the_right_password(
    client, clerk, counting_hasher
):
    fail_until_locked(client, "clerk")
    counting_hasher.hashed = 0

    response = post_login(client, "clerk", TEST_PASSWORD)

    assert response.status_code == 429
    assert signed_in_id(client) is None
    assert counting_hasher.hashed == 0  # refused before the hasher ran
    refused = AuditEvent.objects.filter(action="login_failed").first()
    assert refused.reason == "账户已锁定，拒绝登录"
    # The refusal does not count as a new lockout.
    assert AuditEvent.objects.filter(action="account_locked").count() == 1


def test_lockout_of_one_account_leaves_colleagues_at_the_same_address_alone(
    client, clerk, officer
):
    fail_until_locked(client, "clerk")
    post_login(client, "officer", TEST_PASSWORD)
    assert signed_in_id(client) == str(officer.pk)


def test_unknown_username_is_locked_like_a_real_one(client, db):
    responses = fail_until_locked(client, "nobody")
    assert responses[-1].status_code == 429


def test_account_opens_again_after_the_cool_off(client, clerk):
    fail_until_locked(client, "clerk")
    cooled = dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    for attempt in AccessAttempt.objects.filter(username="clerk"):
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - cooled
        )

    post_login(client, "clerk", TEST_PASSWORD)

    assert signed_in_id(client) == str(clerk.pk)


# --- Per-address limit -------------------------------------------------------------------


@pytest.fixture
def small_ip_limit(settings):
    settings.AXES_IP_FAILURE_LIMIT = 4  # below the account limit: names vary anyway
    return settings.AXES_IP_FAILURE_LIMIT


def test_many_names_from_one_address_lock_the_address(client, db, small_ip_limit):
    responses = [
        post_login(client, f"guess{n}", "Wrong#Password1", ip="127.0.0.9")
        for n in range(small_ip_limit)
    ]

    assert [r.status_code for r in responses[:-1]] == [200] * (small_ip_limit - 1)
    assert responses[-1].status_code == 429
    assert "网络地址" in responses[-1].text
    locked = AuditEvent.objects.get(action="ip_locked")
    assert locked.ip_address == "127.0.0.9"


def test_locked_address_never_hashes_for_an_unknown_name(
    client, clerk, small_ip_limit, counting_hasher
):
    """A locked address costs no hashing for made-up names; a real account's
    correct password still signs in (tests/security/test_login_throttle.py)."""
    for n in range(small_ip_limit):
        post_login(client, f"guess{n}", "Wrong#Password1", ip="127.0.0.9")
    counting_hasher.hashed = 0
    failed_before = AuditEvent.objects.filter(action="login_failed").count()

    response = post_login(client, "nobody", TEST_PASSWORD, ip="127.0.0.9")

    assert response.status_code == 429
    assert signed_in_id(client) is None
    assert counting_hasher.hashed == 0
    assert AuditEvent.objects.filter(action="login_failed").count() == failed_before


def test_other_addresses_are_not_affected_by_a_locked_one(
    client, clerk, small_ip_limit
):
    for n in range(small_ip_limit):
        post_login(client, f"guess{n}", "Wrong#Password1", ip="127.0.0.9")

    post_login(client, "clerk", TEST_PASSWORD, ip="127.0.0.10")

    assert signed_in_id(client) == str(clerk.pk)


def test_refusals_during_an_account_lockout_do_not_count_against_the_address(
    client, clerk, settings
):
    """A known account has its own lockout; its failures never lock the address
    (that would let one person lock out everyone behind the same NAT)."""
    settings.AXES_IP_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT + 2
    fail_until_locked(client, "clerk")
    post_login(client, "clerk", "Wrong#Password9")
    response = post_login(client, "clerk", "Wrong#Password9")

    assert response.status_code == 429  # the account's lockout
    assert not AuditEvent.objects.filter(action="ip_locked").exists()
