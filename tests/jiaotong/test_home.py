"""The home page (工作台): greeting, role badges, work queues, shortcuts."""

import pytest
from django.apps import apps
from django.urls import reverse
from jiaotong.calendar import workdays

from jiaotong import roles
from tests.factories import make_matter

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_greets_the_user_with_name_unit_and_roles(client, officer):
    officer.full_name = "张卫东"
    officer.save()
    client.force_login(officer)

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert "张卫东，您好" in page
    assert "第一中队" in page
    assert f'<span class="badge app-role-badge">{roles.ROLE_OFFICER}</span>' in page
    assert response.context["user_roles"] == [roles.ROLE_OFFICER]


def test_home_without_any_queue_says_there_is_nothing_to_do(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("home"))

    assert response.context["queues"] == []
    assert "当前没有待办事项" in response.content.decode()
    assert "请联系系统管理员分配角色" in response.content.decode()


def test_home_renders_every_app_configs_queue(client, outsider, monkeypatch):
    matter = make_matter("JT-1", name="道路运输证换发")
    config = apps.get_app_config("supervision")

    def home_queues(user):
        return [
            {
                "title": "待核查事项",
                "url": reverse("matter_list"),
                "count": 1,
                "rows": [matter, {"label": "补正材料", "url": "/x/"}],
            }
        ]

    monkeypatch.setattr(config, "home_queues", home_queues, raising=False)
    client.force_login(outsider)

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert "待核查事项" in page
    assert f'href="{matter.get_absolute_url()}"' in page
    assert "JT-1 道路运输证换发" in page
    assert '<a href="/x/" class="text-truncate">补正材料</a>' in page


def test_system_admin_sees_admin_shortcuts_and_calendar_warnings(client, sysadmin):
    client.force_login(sysadmin)

    response = client.get(reverse("home"))

    page = response.content.decode()
    labels = [item["label"] for item in response.context["shortcuts"]]
    assert "数据导入" in labels and "用户与角色" in labels
    assert "审计日志" not in labels
    expected = workdays.calendar_warnings()
    assert response.context["calendar_warnings"] == expected
    for warning in expected:
        assert warning in page


def test_business_users_get_no_calendar_warnings_or_admin_shortcuts(client, officer):
    client.force_login(officer)

    response = client.get(reverse("home"))

    assert response.context["calendar_warnings"] == []
    labels = [item["label"] for item in response.context["shortcuts"]]
    assert "数据导入" not in labels and "用户与角色" not in labels


def test_auditor_gets_the_audit_log_shortcut(client, auditor):
    client.force_login(auditor)

    response = client.get(reverse("home"))

    assert [item["label"] for item in response.context["shortcuts"]] == ["审计日志"]


def test_navigation_follows_permissions(client, officer, auditor):
    client.force_login(officer)
    officer_nav = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]
    client.force_login(auditor)
    audit_nav = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]

    assert "权责清单" in officer_nav and "企业名录" in officer_nav
    assert "审计日志" not in officer_nav
    assert "审计日志" in audit_nav and "企业名录" not in audit_nav


def test_current_section_is_marked_active(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("matter_list"))

    active = [i["label"] for i in response.context["nav_items"] if i["active"]]
    assert active == ["权责清单"]


def test_base_page_carries_no_inline_script_or_style(client, officer):
    client.force_login(officer)

    page = client.get(reverse("home")).content.decode()

    assert "<script>" not in page and "style=" not in page and "onclick" not in page
    assert 'name="htmx-config"' in page and "includeIndicatorStyles" in page
    assert '<form method="post" action="/accounts/logout/"' in page
