"""The review catalogue is seeded by migration and editable (audited) by the
系统管理员 in the back office."""

import pytest
from django.urls import reverse

from enforcement.models import ReviewRule
from jiaotong import roles
from jiaotong.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_catalogue_is_seeded_from_the_domain_rules():
    fines = {
        r.party_type: r.fine_threshold for r in ReviewRule.objects.filter(kind="fine")
    }
    assert fines == {"自然人": 3000, "法人": 20000}
    assert set(
        ReviewRule.objects.filter(kind="penalty").values_list("penalty_type", flat=True)
    ) >= {"吊销许可证件", "降低资质等级", "责令停产停业", "责令关闭", "限制从业"}
    assert ReviewRule.objects.filter(kind="hearing").exists()


def test_system_admin_edits_the_catalogue_and_it_is_audited(client, org):
    admin_user = make_user(
        "sys", roles=[roles.ROLE_SYSTEM_ADMIN], unit=org["bureau"], is_staff=True
    )
    rule = ReviewRule.objects.get(kind="fine", party_type="自然人")
    client.force_login(admin_user)
    url = reverse("admin:enforcement_reviewrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": rule.name,
            "kind": "fine",
            "party_type": "自然人",
            "fine_threshold": "5000",
            "penalty_type": "",
            "basis": rule.basis,
            "active": "on",
            "sort_order": rule.sort_order,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.fine_threshold == 5000
    assert AuditEvent.objects.filter(action="admin_update", object_id=str(rule.pk))
