"""Sessions end after 30 idle minutes or 12 hours in all, and end on the server
when the account is stopped or its password changes."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from jiaotong.accounts import services as accounts
from jiaotong.middleware import SEEN_AT, STARTED_AT
from jiaotong.models import AuditEvent
from tests.factories import TEST_PASSWORD

# Any private page will do; this one belongs to the accounts code.
PAGE = reverse("password_change")
LOGIN = reverse("login")


def set_clocks(client, *, started_ago: int, seen_ago: int) -> str:
    """Move the session's clocks into the past; return the session key."""
    now = int(time.time())
    session = client.session
    session[STARTED_AT] = now - started_ago
    session[SEEN_AT] = now - seen_ago
    session.save()
    return session.session_key


def test_policy_is_thirty_idle_minutes_and_twelve_hours():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


def test_login_starts_both_clocks(client, clerk):
    before = int(time.time())
    client.post(LOGIN, {"username": "clerk", "password": TEST_PASSWORD})
    session = client.session
    assert session[STARTED_AT] >= before
    assert session[SEEN_AT] >= before


def test_session_idle_just_under_the_limit_carries_on(client, clerk):
    client.force_login(clerk)
    set_clocks(client, started_ago=60, seen_ago=settings.SESSION_IDLE_SECONDS - 30)

    assert client.get(PAGE).status_code == 200
    # The visit reset the idle clock.
    assert int(time.time()) - client.session[SEEN_AT] < 5


def test_idle_session_ends_and_login_page_says_why(client, clerk):
    client.force_login(clerk)
    key = set_clocks(
        client, started_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS + 60
    )

    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY not in client.session
    page = client.get(response.url)
    assert "会话已超时，请重新登录" in page.text
    # The notice is shown once.
    assert "会话已超时" not in client.get(LOGIN).text


def test_idle_expiry_is_audited_as_such(client, clerk):
    client.force_login(clerk)
    set_clocks(client, started_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS + 60)

    client.get(PAGE)

    event = AuditEvent.objects.get(action="session_expired")
    assert event.actor == clerk
    assert event.reason == "空闲超时"
    assert not AuditEvent.objects.filter(action="logout").exists()


def test_session_ends_after_twelve_hours_even_when_busy(client, clerk):
    client.force_login(clerk)
    set_clocks(client, started_ago=settings.SESSION_ABSOLUTE_SECONDS + 60, seen_ago=10)

    response = client.get(PAGE)

    assert response.status_code == 302 and response.url.startswith(LOGIN)
    event = AuditEvent.objects.get(action="session_expired")
    assert event.reason == "会话超过最长时限"


def test_fresh_login_page_has_no_timeout_notice(client, db):
    assert "会话已超时" not in client.get(LOGIN).text


def test_deactivation_ends_every_session_of_the_account(clerk, officer, sysadmin):
    first, second, colleague = Client(), Client(), Client()
    first.force_login(clerk)
    second.force_login(clerk)
    colleague.force_login(officer)
    clerk_keys = [first.session.session_key, second.session.session_key]

    accounts.user_deactivate(user=clerk, by=sysadmin)

    assert not Session.objects.filter(session_key__in=clerk_keys).exists()
    assert first.get(PAGE).status_code == 302
    assert second.get(PAGE).status_code == 302
    assert colleague.get(PAGE).status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(clerk):
    here, elsewhere = Client(), Client()
    here.force_login(clerk)
    elsewhere.force_login(clerk)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Brand#New2Pass",
            "new_password2": "Brand#New2Pass",
        },
    )

    assert response.status_code == 302
    assert here.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302


@pytest.mark.django_db
def test_anonymous_requests_are_left_alone(client):
    assert client.get(LOGIN).status_code == 200
    assert STARTED_AT not in client.session
