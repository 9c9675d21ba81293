"""Accounts: the 系统管理员 creates, stops and restarts them and resets forgotten
passwords; the account list and pages are for the system and security admins."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from jiaotong import roles
from jiaotong.accounts import services as accounts
from jiaotong.models import AuditEvent, PasswordHistory, User
from jiaotong.validators import mask_phone
from tests.factories import TEST_PASSWORD, make_user

# Every test here reads or writes accounts; declared for the module so that the
# parametrized tests which get their user by name (request.getfixturevalue) use
# the test database's connection from the start.
pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Harbour#Light42"


# --- user_create ------------------------------------------------------------------------


def test_system_admin_creates_an_account_without_roles(sysadmin, org):
    user = accounts.user_create(
        username="zhaolei",
        password=NEW_PASSWORD,
        full_name="赵磊",
        unit=org["squad"],
        phone="13812345678",
        by=sysadmin,
    )
    assert user.check_password(NEW_PASSWORD)
    assert not user.is_superuser
    assert list(user.groups.all()) == []
    assert PasswordHistory.objects.filter(user=user).count() == 1
    event = AuditEvent.objects.for_object(user).get(action="user_create")
    assert event.actor == sysadmin


def test_usernames_are_unique_whatever_their_case(sysadmin, clerk):
    with pytest.raises(ValidationError) as caught:
        accounts.user_create(username="CLERK", password=NEW_PASSWORD, by=sysadmin)
    assert "username" in caught.value.message_dict


def test_create_applies_the_password_rules(sysadmin):
    with pytest.raises(ValidationError) as caught:
        accounts.user_create(username="zhaolei", password="zhaolei12345", by=sysadmin)
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="zhaolei").exists()


def test_create_checks_the_mobile_number(sysadmin):
    with pytest.raises(ValidationError):
        accounts.user_create(
            username="zhaolei", password=NEW_PASSWORD, phone="12345", by=sysadmin
        )


@pytest.mark.parametrize("who", ["secadmin", "auditor", "leader"])
def test_only_the_system_admin_creates_accounts(request, who):
    with pytest.raises(PermissionDenied):
        accounts.user_create(
            username="zhaolei", password=NEW_PASSWORD, by=request.getfixturevalue(who)
        )


# --- user_deactivate / user_activate ----------------------------------------------------


def test_deactivation_stops_sign_in_and_is_audited(sysadmin, clerk):
    accounts.user_deactivate(user=clerk, by=sysadmin, reason="调离")

    clerk.refresh_from_db()
    assert not clerk.is_active
    event = AuditEvent.objects.for_object(clerk).get(action="user_deactivate")
    assert (event.from_state, event.to_state, event.reason) == ("启用", "停用", "调离")
    response = Client().post(
        reverse("login"), {"username": "clerk", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200  # the form again, not a redirect home


def test_a_stopped_account_cannot_be_stopped_twice(sysadmin, clerk):
    accounts.user_deactivate(user=clerk, by=sysadmin)
    with pytest.raises(ValidationError):
        accounts.user_deactivate(user=clerk, by=sysadmin)


def test_nobody_stops_their_own_account(sysadmin):
    with pytest.raises(PermissionDenied):
        accounts.user_deactivate(user=sysadmin, by=sysadmin)


def test_security_admin_cannot_stop_accounts(secadmin, clerk):
    with pytest.raises(PermissionDenied):
        accounts.user_deactivate(user=clerk, by=secadmin)


def test_reactivation_lets_the_account_in_again(sysadmin, clerk):
    accounts.user_deactivate(user=clerk, by=sysadmin)
    accounts.user_activate(user=clerk, by=sysadmin)
    clerk.refresh_from_db()
    assert clerk.is_active
    assert AuditEvent.objects.for_object(clerk).filter(action="user_activate").exists()


# --- user_set_password --------------------------------------------------------------------


def test_password_reset_ends_the_users_sessions(sysadmin, clerk):
    elsewhere = Client()
    elsewhere.force_login(clerk)
    key = elsewhere.session.session_key

    accounts.user_set_password(user=clerk, password=NEW_PASSWORD, by=sysadmin)

    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.for_object(clerk).filter(action="password_reset").exists()


@pytest.mark.parametrize("target", ["secadmin", "auditor"])
def test_system_admin_cannot_reset_an_administrators_password(
    request, sysadmin, target
):
    # Otherwise the system admin could sign in as the security or audit admin.
    admin = request.getfixturevalue(target)
    with pytest.raises(PermissionDenied):
        accounts.user_set_password(user=admin, password=NEW_PASSWORD, by=sysadmin)
    admin.refresh_from_db()
    assert admin.check_password(TEST_PASSWORD)


# --- The list page ------------------------------------------------------------------------------


USERS = reverse("user_list")


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_admins_see_the_account_list_with_masked_phones(client, request, who, org):
    make_user("zhaolei", unit=org["squad"], phone="13812345678")
    client.force_login(request.getfixturevalue(who))

    response = client.get(USERS)

    assert response.status_code == 200
    assert "zhaolei" in response.text
    assert mask_phone("13812345678") in response.text
    assert "13812345678" not in response.text


@pytest.mark.parametrize("who", ["auditor", "leader", "clerk", "outsider"])
def test_others_may_not_open_the_account_list(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(USERS).status_code == 403


def listed(response) -> set[str]:
    return {u.username for u in response.context["page_obj"]}


def test_list_filters_by_unit_including_sub_units(client, sysadmin, org, officer):
    in_brigade = make_user("brigadier", unit=org["brigade"])
    client.force_login(sysadmin)
    response = client.get(USERS, {"unit": org["brigade"].pk})
    expected = set(
        User.objects.filter(unit__path__startswith=org["brigade"].path).values_list(
            "username", flat=True
        )
    )
    assert listed(response) == expected
    assert {in_brigade.username, officer.username} <= expected


def test_list_filters_by_role_and_state(client, sysadmin, clerk, officer):
    stopped = make_user("stopped", roles=[roles.ROLE_WINDOW], is_active=False)
    client.force_login(sysadmin)
    assert listed(client.get(USERS, {"role": roles.ROLE_WINDOW})) == {
        clerk.username,
        stopped.username,
    }
    assert listed(
        client.get(USERS, {"role": roles.ROLE_WINDOW, "is_active": "false"})
    ) == {stopped.username}


def test_list_search_matches_username_or_name(client, sysadmin, org):
    make_user("zhaolei", full_name="赵磊", unit=org["town"])
    client.force_login(sysadmin)
    assert listed(client.get(USERS, {"q": "赵"})) == {"zhaolei"}


def test_list_pages_with_a_bounded_number_of_queries(
    client, sysadmin, org, django_assert_max_num_queries
):
    for n in range(30):
        make_user(
            f"staff{n:02d}",
            roles=[roles.ROLE_OFFICER],
            unit=org["squad"],
            phone="13812345678",
        )
    client.force_login(sysadmin)
    client.get(USERS)  # warm the session and the permission cache

    with django_assert_max_num_queries(12):
        first = client.get(USERS)
    with django_assert_max_num_queries(12):
        second = client.get(USERS, {"page": 2})

    total = User.objects.count()
    assert first.context["page_obj"].paginator.count == total
    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == total - 25


# --- The detail page and its actions -----------------------------------------------------------


def test_detail_page_shows_the_account(client, secadmin, clerk):
    clerk.phone = "13812345678"
    clerk.save(update_fields=["phone"])
    client.force_login(secadmin)
    response = client.get(clerk.get_absolute_url())
    assert response.status_code == 200
    assert roles.ROLE_WINDOW in response.text
    assert mask_phone("13812345678") in response.text
    assert "13812345678" not in response.text


def test_detail_page_of_a_missing_account_is_404(client, sysadmin):
    client.force_login(sysadmin)
    missing = User.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("user_detail", args=[missing])).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "leader", "outsider"])
def test_detail_page_refuses_non_admins(client, request, who, clerk):
    client.force_login(request.getfixturevalue(who))
    assert client.get(clerk.get_absolute_url()).status_code == 403


def test_create_page_makes_an_account(client, sysadmin, org):
    client.force_login(sysadmin)
    assert client.get(reverse("user_create")).status_code == 200
    response = client.post(
        reverse("user_create"),
        {
            "username": "zhaolei",
            "full_name": "赵磊",
            "unit": org["squad"].pk,
            "phone": "",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = User.objects.get(username="zhaolei")
    assert response.status_code == 302 and response.url == user.get_absolute_url()


def test_create_page_shows_password_rule_errors_next_to_the_field(
    client, sysadmin, org
):
    client.force_login(sysadmin)
    response = client.post(
        reverse("user_create"),
        {
            "username": "zhaolei",
            "full_name": "赵磊",
            "unit": org["squad"].pk,
            "password1": "harbourlight42",
            "password2": "harbourlight42",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(username="zhaolei").exists()


def test_create_page_refuses_the_security_admin(client, secadmin):
    client.force_login(secadmin)
    assert client.get(reverse("user_create")).status_code == 403


@pytest.mark.parametrize("name", ["user_deactivate", "user_activate"])
def test_state_changes_refuse_get(client, sysadmin, clerk, name):
    client.force_login(sysadmin)
    assert client.get(reverse(name, args=[clerk.pk])).status_code == 405


def test_deactivate_page_stops_the_account(client, sysadmin, clerk):
    client.force_login(sysadmin)
    response = client.post(
        reverse("user_deactivate", args=[clerk.pk]), {"reason": "离职"}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active


def test_deactivating_twice_tells_the_user(client, sysadmin, clerk):
    client.force_login(sysadmin)
    url = reverse("user_deactivate", args=[clerk.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "该账户已处于停用状态" in response.text


def test_security_admin_cannot_use_the_deactivate_page(client, secadmin, clerk):
    client.force_login(secadmin)
    response = client.post(reverse("user_deactivate", args=[clerk.pk]))
    assert response.status_code == 403
    clerk.refresh_from_db()
    assert clerk.is_active


def test_password_reset_page(client, sysadmin, clerk):
    client.force_login(sysadmin)
    url = reverse("user_password_reset", args=[clerk.pk])
    assert client.get(url).status_code == 405
    mismatch = client.post(url, {"password1": NEW_PASSWORD, "password2": "other"})
    assert mismatch.status_code == 400
    assert "两次输入的密码不一致" in mismatch.text
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
