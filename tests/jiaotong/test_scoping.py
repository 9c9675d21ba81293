"""Who sees which rows: ``visible_to(user)`` for accounts, the power list, the
enterprise register and the audit trail, for every member of the cast.

三员分立: the security and audit administrators hold no business data; the system
administrator maintains the shared registries (it imports the power list and the
enterprise register, roles.py) but reads no audit trail; only the audit
administrator reads the audit trail.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from jiaotong.audit.services import audit_record
from jiaotong.models import AuditEvent, Enterprise, Matter, User
from tests.factories import make_enterprise, make_matter, make_user

CAST = [
    "clerk",
    "officer",
    "reviewer",
    "hotline_agent",
    "handler",
    "supervisor",
    "leader",
    "sysadmin",
    "secadmin",
    "auditor",
    "outsider",
]
BUSINESS = ["clerk", "officer", "reviewer", "hotline_agent", "handler", "supervisor"]
BUSINESS += ["leader"]


@pytest.fixture
def cast(db, request):
    return {name: request.getfixturevalue(name) for name in CAST}


def usernames(queryset) -> set[str]:
    return set(queryset.values_list("username", flat=True))


# --- Accounts -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_account_admins_see_every_account(cast, who):
    make_user("unitless")
    assert usernames(User.objects.visible_to(cast[who])) == usernames(
        User.objects.all()
    )


@pytest.mark.parametrize("who", [n for n in CAST if n not in ("sysadmin", "secadmin")])
def test_everyone_else_sees_the_people_of_their_own_unit_subtree(cast, who):
    user = cast[who]
    expected = usernames(User.objects.filter(unit__path__startswith=user.unit.path))
    assert usernames(User.objects.visible_to(user)) == expected
    assert user.username in expected


def test_squad_member_does_not_see_the_brigade_above(cast, org):
    make_user("brigadier", unit=org["brigade"])
    visible = usernames(User.objects.visible_to(cast["officer"]))
    assert "brigadier" not in visible
    assert {"officer", "handler"} <= visible  # both in the squad


def test_leader_at_the_bureau_sees_everyone_in_it(cast):
    assert usernames(User.objects.visible_to(cast["leader"])) == usernames(
        User.objects.filter(unit__isnull=False)
    )


def test_account_without_a_unit_sees_only_itself(cast):
    loner = make_user("unitless")
    assert usernames(User.objects.visible_to(loner)) == {"unitless"}


def test_stopped_and_anonymous_users_see_no_accounts(cast, org):
    stopped = make_user("stopped", unit=org["window"], is_active=False)
    assert not User.objects.visible_to(stopped).exists()
    assert not User.objects.visible_to(AnonymousUser()).exists()


# --- Power list and enterprise register --------------------------------------------------------


@pytest.fixture
def registries(db):
    return [make_matter(), make_matter()], [make_enterprise(), make_enterprise()]


@pytest.mark.parametrize("who", [*BUSINESS, "sysadmin"])
def test_business_roles_and_the_system_admin_read_the_whole_power_list(
    cast, registries, who
):
    assert Matter.objects.visible_to(cast[who]).count() == Matter.objects.count()


@pytest.mark.parametrize("who", ["secadmin", "auditor", "outsider"])
def test_security_and_audit_admins_and_roleless_users_see_no_power_list(
    cast, registries, who
):
    assert not Matter.objects.visible_to(cast[who]).exists()


@pytest.mark.parametrize("who", [*BUSINESS, "sysadmin"])
def test_business_roles_and_the_system_admin_read_the_enterprise_register(
    cast, registries, who
):
    assert (
        Enterprise.objects.visible_to(cast[who]).count() == Enterprise.objects.count()
    )


@pytest.mark.parametrize("who", ["secadmin", "auditor", "outsider"])
def test_security_and_audit_admins_and_roleless_users_see_no_enterprises(
    cast, registries, who
):
    assert not Enterprise.objects.visible_to(cast[who]).exists()


def test_anonymous_visitors_see_no_registry_rows(registries):
    assert not Matter.objects.visible_to(AnonymousUser()).exists()
    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()


# --- Audit trail ----------------------------------------------------------------------------------


@pytest.fixture
def events(cast):
    for name in ("clerk", "sysadmin", "secadmin"):
        audit_record(by=cast[name], action="test_event", obj=cast[name])
    return AuditEvent.objects.count()


def test_audit_admin_reads_everyones_events(cast, events):
    visible = AuditEvent.objects.visible_to(cast["auditor"])
    assert visible.count() == events
    assert {"clerk", "sysadmin", "secadmin"} <= set(
        visible.values_list("actor__username", flat=True)
    )


@pytest.mark.parametrize("who", [n for n in CAST if n != "auditor"])
def test_nobody_else_reads_the_audit_trail_not_even_their_own_events(cast, events, who):
    assert not AuditEvent.objects.visible_to(cast[who]).exists()


def test_anonymous_visitors_read_no_audit_events(events):
    assert not AuditEvent.objects.visible_to(AnonymousUser()).exists()
