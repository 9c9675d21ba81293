"""Roles and 三员分立: only the 安全管理员 grants roles, never to itself; nobody
holds two administrator roles; no everyday superuser."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from jiaotong import checks, roles
from jiaotong.accounts import services as accounts
from jiaotong.models import AuditEvent, User
from tests.factories import make_user

ADMIN_PAIRS = [
    (roles.ROLE_SYSTEM_ADMIN, roles.ROLE_SECURITY_ADMIN),
    (roles.ROLE_SYSTEM_ADMIN, roles.ROLE_AUDIT_ADMIN),
    (roles.ROLE_SECURITY_ADMIN, roles.ROLE_AUDIT_ADMIN),
]


def held(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- The service ---------------------------------------------------------------------


def test_security_admin_sets_a_users_roles_and_it_is_audited(secadmin, clerk):
    wanted = {roles.ROLE_WINDOW, roles.ROLE_LEADER}

    accounts.user_assign_roles(user=clerk, roles=wanted, by=secadmin)

    assert held(clerk) == wanted
    event = AuditEvent.objects.for_object(clerk).get(action="role_change")
    assert event.actor == secadmin
    assert event.changes == {
        "roles": [[roles.ROLE_WINDOW], [roles.ROLE_WINDOW, roles.ROLE_LEADER]]
    }
    assert roles.ROLE_LEADER in event.reason


def test_removing_every_role_is_allowed(secadmin, clerk):
    accounts.user_assign_roles(user=clerk, roles=set(), by=secadmin)
    assert held(clerk) == set()


def test_an_unchanged_role_set_writes_no_event(secadmin, clerk):
    accounts.user_assign_roles(user=clerk, roles={roles.ROLE_WINDOW}, by=secadmin)
    assert not AuditEvent.objects.filter(action="role_change").exists()


@pytest.mark.parametrize("pair", ADMIN_PAIRS)
def test_no_one_may_hold_two_administrator_roles(secadmin, org, pair):
    user = make_user("newadmin", unit=org["bureau"])
    with pytest.raises(ValidationError) as caught:
        accounts.user_assign_roles(user=user, roles=set(pair), by=secadmin)
    assert "三员分立" in str(caught.value)
    assert held(user) == set()
    assert not AuditEvent.objects.filter(action="role_change").exists()


def test_an_administrator_role_goes_only_to_a_dedicated_account(secadmin, org):
    """Issue 12: an administrator role is never combined with a business role in
    the portal; the command line (by=None) may still do what the bureau decides."""
    user = make_user("ops", unit=org["bureau"])
    wanted = {roles.ROLE_SYSTEM_ADMIN, roles.ROLE_LEADER}
    with pytest.raises(ValidationError):
        accounts.user_assign_roles(user=user, roles=wanted, by=secadmin)
    accounts.user_assign_roles(user=user, roles=wanted, by=None)
    assert held(user) == wanted


def test_security_admin_grants_nothing_to_itself(secadmin):
    with pytest.raises(PermissionDenied):
        accounts.user_assign_roles(
            user=secadmin,
            roles={roles.ROLE_SECURITY_ADMIN, roles.ROLE_LEADER},
            by=secadmin,
        )
    assert held(secadmin) == {roles.ROLE_SECURITY_ADMIN}


@pytest.mark.django_db  # the user fixture is fetched by name
@pytest.mark.parametrize("who", ["sysadmin", "auditor", "leader", "clerk"])
def test_only_the_security_admin_assigns_roles(request, who, officer):
    by = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        accounts.user_assign_roles(user=officer, roles={roles.ROLE_LEADER}, by=by)
    assert held(officer) == {roles.ROLE_OFFICER}


def test_unknown_role_names_are_refused(secadmin, clerk):
    with pytest.raises(ValidationError) as caught:
        accounts.user_assign_roles(user=clerk, roles={"超级管理员"}, by=secadmin)
    assert "超级管理员" in str(caught.value)


# --- The role table refuses it too ---------------------------------------------------------


def test_adding_a_second_admin_group_directly_is_refused(sysadmin):
    # The savepoint stands for the caller's own transaction, rolled back whole.
    with pytest.raises(ValidationError), transaction.atomic():
        sysadmin.groups.add(Group.objects.get(name=roles.ROLE_AUDIT_ADMIN))
    assert held(sysadmin) == {roles.ROLE_SYSTEM_ADMIN}


def test_adding_a_user_to_an_admin_group_from_the_group_side_is_refused(sysadmin):
    with pytest.raises(ValidationError), transaction.atomic():
        Group.objects.get(name=roles.ROLE_SECURITY_ADMIN).user_set.add(sysadmin)
    assert held(sysadmin) == {roles.ROLE_SYSTEM_ADMIN}


def test_swapping_one_admin_role_for_another_is_refused(secadmin, sysadmin):
    """No administrator changes another administrator's roles (issue 12)."""
    with pytest.raises(PermissionDenied):
        accounts.user_assign_roles(
            user=sysadmin, roles={roles.ROLE_AUDIT_ADMIN}, by=secadmin
        )
    assert held(sysadmin) == {roles.ROLE_SYSTEM_ADMIN}


# --- The role page ---------------------------------------------------------------------------


def roles_url(user):
    return reverse("user_roles", args=[user.pk])


def test_role_page_refuses_get(client, secadmin, clerk):
    client.force_login(secadmin)
    assert client.get(roles_url(clerk)).status_code == 405


def test_security_admin_changes_roles_on_the_page(client, secadmin, clerk):
    client.force_login(secadmin)
    response = client.post(
        roles_url(clerk), {"roles": [roles.ROLE_WINDOW, roles.ROLE_HOTLINE]}
    )
    assert response.status_code == 302
    assert response.url == clerk.get_absolute_url()
    assert held(clerk) == {roles.ROLE_WINDOW, roles.ROLE_HOTLINE}


def test_role_page_explains_a_refused_admin_pair(client, secadmin, clerk):
    client.force_login(secadmin)
    response = client.post(
        roles_url(clerk), {"roles": [roles.ROLE_SYSTEM_ADMIN, roles.ROLE_AUDIT_ADMIN]}
    )
    assert response.status_code == 400
    assert "三员分立" in response.text
    assert held(clerk) == {roles.ROLE_WINDOW}


def test_role_page_refuses_the_security_admins_own_account(client, secadmin):
    client.force_login(secadmin)
    response = client.post(roles_url(secadmin), {"roles": [roles.ROLE_LEADER]})
    assert response.status_code == 403
    assert held(secadmin) == {roles.ROLE_SECURITY_ADMIN}


@pytest.mark.django_db  # the user fixture is fetched by name
@pytest.mark.parametrize("who", ["sysadmin", "auditor", "leader", "outsider"])
def test_role_page_refuses_everyone_but_the_security_admin(client, request, who, clerk):
    client.force_login(request.getfixturevalue(who))
    response = client.post(roles_url(clerk), {"roles": [roles.ROLE_LEADER]})
    assert response.status_code == 403
    assert held(clerk) == {roles.ROLE_WINDOW}


def test_role_page_for_a_missing_account_is_404(client, secadmin):
    client.force_login(secadmin)
    missing = User.objects.order_by("-pk").first().pk + 1
    response = client.post(reverse("user_roles", args=[missing]), {"roles": []})
    assert response.status_code == 404


def test_detail_page_offers_role_checkboxes_only_to_the_security_admin(
    client, secadmin, sysadmin, clerk
):
    client.force_login(secadmin)
    assert roles_url(clerk) in client.get(clerk.get_absolute_url()).text
    assert roles_url(secadmin) not in client.get(secadmin.get_absolute_url()).text
    client.force_login(sysadmin)
    assert roles_url(clerk) not in client.get(clerk.get_absolute_url()).text


# --- No everyday superuser ------------------------------------------------------------------


@pytest.mark.django_db
def test_system_check_warns_about_an_active_superuser():
    assert checks.no_everyday_superuser(databases=["default"]) == []
    make_user("root", is_superuser=True)

    warnings = checks.no_everyday_superuser(databases=["default"])

    assert [w.id for w in warnings] == ["jiaotong.W001"]
    assert "root" in warnings[0].msg


@pytest.mark.django_db
def test_system_check_ignores_a_stopped_superuser_and_static_runs():
    make_user("root", is_superuser=True, is_active=False)
    assert checks.no_everyday_superuser(databases=["default"]) == []
    make_user("root2", is_superuser=True)
    assert checks.no_everyday_superuser(databases=None) == []


def test_create_admin_makes_a_role_holder_not_a_superuser(org, monkeypatch):
    monkeypatch.setenv("JIAOTONG_ADMIN_PASSWORD", "Server#Room2024")
    call_command(
        "create_admin",
        "--username=ops",
        f"--role={roles.ROLE_SYSTEM_ADMIN}",
        "--unit=B",
        "--no-input",
    )
    user = User.objects.get(username="ops")
    assert not user.is_superuser
    assert held(user) == {roles.ROLE_SYSTEM_ADMIN}
    assert user.unit == org["bureau"]
    assert user.check_password("Server#Room2024")
    assert user.is_staff  # the system administrator keeps the back office
    assert AuditEvent.objects.for_object(user).filter(action="role_change").exists()


def test_create_admin_keeps_other_administrators_out_of_the_back_office(
    org, monkeypatch
):
    monkeypatch.setenv("JIAOTONG_ADMIN_PASSWORD", "Server#Room2024")
    call_command(
        "create_admin",
        "--username=aud",
        f"--role={roles.ROLE_AUDIT_ADMIN}",
        "--no-input",
    )
    assert not User.objects.get(username="aud").is_staff


def test_create_admin_applies_the_password_rules(org, monkeypatch):
    monkeypatch.setenv("JIAOTONG_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command(
            "create_admin",
            "--username=ops",
            f"--role={roles.ROLE_AUDIT_ADMIN}",
            "--no-input",
        )
    assert not User.objects.filter(username="ops").exists()
