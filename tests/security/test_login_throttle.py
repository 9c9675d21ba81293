"""Regressions for issue 12 "found" item 2: the per-address login limit cannot be
turned against the bureau, and the back office has no second way in."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from jiaotong.audit.services import client_ip
from jiaotong.models import AuditEvent
from tests.factories import TEST_PASSWORD

LOGIN = reverse("login")
PROXY = "10.0.0.5"


def post_login(client, username, password, **meta):
    meta.setdefault("REMOTE_ADDR", "127.0.0.1")
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


@pytest.fixture
def small_ip_limit(settings):
    settings.AXES_IP_FAILURE_LIMIT = 4
    return settings.AXES_IP_FAILURE_LIMIT


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def lock_address(client, limit, **meta):
    responses = [
        post_login(client, f"guess{n}", "Wrong#Password1", **meta) for n in range(limit)
    ]
    assert responses[-1].status_code == 429
    return responses


@pytest.mark.django_db
def test_correct_password_signs_in_from_a_locked_address(client, clerk, small_ip_limit):
    lock_address(client, small_ip_limit)
    response = post_login(client, "clerk", TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in_id(client) == str(clerk.pk)


@pytest.mark.django_db
def test_wrong_password_from_a_locked_address_gets_the_same_answer_as_an_unknown_name(
    client, clerk, small_ip_limit
):
    lock_address(client, small_ip_limit)
    known = post_login(client, "clerk", "Wrong#Password1")
    unknown = post_login(client, "nobody", "Wrong#Password1")
    assert known.status_code == unknown.status_code == 429
    assert signed_in_id(client) is None


@pytest.mark.django_db
def test_mistyped_passwords_of_real_accounts_do_not_lock_the_address(
    client, clerk, officer, reviewer, leader, small_ip_limit
):
    for username in ("clerk", "officer", "reviewer", "leader") * 2:
        post_login(client, username, "Wrong#Password1")
    assert not AuditEvent.objects.filter(action="ip_locked").exists()
    client.post(reverse("logout"))
    post_login(client, "officer", TEST_PASSWORD)
    assert signed_in_id(client) == str(officer.pk)


@pytest.mark.django_db
def test_behind_the_proxy_one_client_cannot_lock_out_the_others(
    client, clerk, small_ip_limit, behind_proxy
):
    lock_address(
        client, small_ip_limit, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert AuditEvent.objects.get(action="ip_locked").ip_address == "203.0.113.7"
    client.cookies.clear()
    response = post_login(
        client,
        "nobody-else",
        "Wrong#Password1",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 200  # a form error, not the locked page


@pytest.mark.django_db
def test_forwarded_for_from_an_untrusted_address_is_ignored(
    client, small_ip_limit, behind_proxy
):
    # Rotating a forged header must not dodge the limit.
    for n in range(small_ip_limit):
        response = post_login(
            client,
            f"guess{n}",
            "Wrong#Password1",
            REMOTE_ADDR="192.0.2.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert response.status_code == 429
    assert AuditEvent.objects.get(action="ip_locked").ip_address == "192.0.2.66"


def test_client_ip_reads_the_header_only_from_trusted_proxies(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    forged = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(forged) == "192.0.2.1"
    chained = rf.get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8, 10.0.0.9"
    )
    assert client_ip(chained) == "5.6.7.8"  # the rightmost hop we did not add
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) == "10.0.0.5"
    settings.TRUSTED_PROXIES = []
    assert client_ip(chained) == "10.0.0.5"


@pytest.mark.django_db
def test_admin_login_is_the_main_login(client, sysadmin, small_ip_limit):
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page.url.startswith(LOGIN)
    # A password posted to the back office's own form is never checked there.
    posted = client.post(
        "/admin/login/", {"username": "sysadmin", "password": TEST_PASSWORD}
    )
    assert posted.status_code == 302 and posted.url.startswith(LOGIN)
    assert signed_in_id(client) is None


@pytest.mark.django_db
def test_admin_login_obeys_the_address_lock(client, small_ip_limit):
    for n in range(small_ip_limit):
        client.post("/admin/login/", {"username": f"g{n}", "password": "x"})
        post_login(client, f"g{n}", "Wrong#Password1")
    assert post_login(client, "g9", "Wrong#Password1").status_code == 429
