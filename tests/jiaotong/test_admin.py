"""The Django admin for the shared reference data."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from jiaotong import roles
from jiaotong.models import AuditEvent, OrgUnit
from tests.factories import make_enterprise, make_matter, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(org):
    return make_user("root", unit=org["bureau"], is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "model",
    [
        "orgunit",
        "user",
        "matter",
        "matterchange",
        "enterprise",
        "creditgradechange",
        "discretionitem",
    ],
)
def test_every_registry_model_has_a_working_changelist(client, superuser, model):
    make_matter("JT-1")
    make_enterprise("顺达运输", phone="13803701234")
    client.force_login(superuser)

    response = client.get(reverse(f"admin:jiaotong_{model}_changelist"))

    assert response.status_code == 200
    assert "13803701234" not in response.content.decode()


def test_matters_and_enterprises_are_read_only_in_the_admin(client, superuser):
    matter = make_matter("JT-1", name="原名称")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:jiaotong_matter_change", args=[matter.pk]),
        {"code": "JT-1", "name": "改名", "power_type": "行政许可", "source": "本级"},
    )

    matter.refresh_from_db()
    assert response.status_code == 403
    assert matter.name == "原名称"
    assert client.get(reverse("admin:jiaotong_enterprise_add")).status_code == 403


def test_saving_an_org_unit_in_the_admin_is_audited(client, superuser, org):
    client.force_login(superuser)
    unit = org["town"]

    response = client.post(
        reverse("admin:jiaotong_orgunit_change", args=[unit.pk]),
        {
            "code": unit.code,
            "name": "城关镇（街道）",
            "kind": unit.kind,
            "parent": org["bureau"].pk,
            "sort_order": 0,
            "established_posts": 0,
        },
    )

    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=unit.pk).name == "城关镇（街道）"
    event = AuditEvent.objects.for_object(unit).get()
    assert event.action == "admin_update" and event.changes == {
        "name": "城关镇（街道）"
    }


def test_roles_cannot_be_changed_in_the_admin(client, superuser, org):
    """Only the 安全管理员 grants roles (its own audited page); the back office
    shows them read-only, so posting groups there changes nothing."""
    target = make_user("target", unit=org["bureau"])
    client.force_login(superuser)
    two_admins = Group.objects.filter(
        name__in=[roles.ROLE_SYSTEM_ADMIN, roles.ROLE_AUDIT_ADMIN]
    )

    client.post(
        reverse("admin:jiaotong_user_change", args=[target.pk]),
        {
            "username": "target",
            "full_name": "新名字",
            "unit": org["bureau"].pk,
            "groups": [g.pk for g in two_admins],
            "is_active": "on",
        },
    )

    target.refresh_from_db()
    assert target.full_name == "新名字"
    assert not target.groups.exists()


def test_admin_offers_no_password_form(client, superuser, org):
    target = make_user("target2", unit=org["bureau"])
    client.force_login(superuser)
    url = reverse("admin:jiaotong_user_change", args=[target.pk]) + "password/"
    assert client.get(url).status_code in (302, 404)
