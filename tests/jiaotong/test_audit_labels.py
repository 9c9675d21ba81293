"""The audit page speaks Chinese: actions and states from the apps' own tables,
objects by their model's name and number, filters only over the portal's records."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from jiaotong.audit.selectors import action_labels, record_type_choices
from jiaotong.audit.services import audit_record
from licensing.models import Application
from tests.factories import make_matter, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def application(org):
    return Application.objects.create(
        number="SXJT2023000123",
        matter=make_matter(),
        applicant_name="甲",
        applicant_type="自然人",
        applicant_id_number=resident_id("41142219800101001"),
        unit=org["window"],
        received_at=timezone.now(),
    )


def test_an_application_move_reads_as_受理_from_已收件_to_已受理(
    auditor_client, clerk, application
):
    audit_record(
        by=clerk,
        action="application_accept",
        obj=application,
        from_state="received",
        to_state="accepted",
    )

    page = auditor_client.get(reverse("audit_list")).content.decode()

    assert "受理" in page and "已收件 → 已受理" in page
    assert "办件</span> SXJT2023000123" in page
    assert "licensing.application #" not in page and "received →" not in page


def test_each_app_contributes_its_labels_through_its_appconfig():
    labels = action_labels()
    contributors = [
        config.name
        for config in apps.get_app_configs()
        if callable(getattr(config, "audit_labels", None))
    ]

    assert {"licensing", "hotline"} <= set(contributors)
    for name in contributors:
        contributed = apps.get_app_config(name).audit_labels()
        assert contributed and all(
            isinstance(v, str) and labels[k] == v for k, v in contributed.items()
        )
    assert labels["application_accept"] == "受理"
    assert labels["login"] == "登录"


def test_changed_fields_are_named_by_their_chinese_labels(auditor_client, org):
    audit_record(
        action="orgunit_update", obj=org["window"], changes={"name": ["旧", "新"]}
    )

    page = auditor_client.get(reverse("audit_list")).content.decode()

    assert "<dt>单位名称</dt>" in page and "修改组织单位" in page


def test_record_type_filter_offers_only_the_portals_records():
    offered = dict(record_type_choices())

    assert "licensing.application" in offered and "jiaotong.orgunit" in offered
    assert offered["licensing.application"].startswith("办件")
    for internal in ("contenttypes.contenttype", "sessions.session", "auth.permission"):
        assert internal not in offered
    assert not any(key.startswith(("axes.", "auth.")) for key in offered)


def test_action_filter_offers_chinese_labels(auditor_client, clerk, application):
    audit_record(by=clerk, action="application_accept", obj=application)

    response = auditor_client.get(
        reverse("audit_list"), {"action": "application_accept"}
    )

    assert [e.action for e in response.context["page"].rows] == ["application_accept"]
    choices = dict(response.context["filter"].form.fields["action"].choices)
    assert choices["application_accept"] == "受理"
