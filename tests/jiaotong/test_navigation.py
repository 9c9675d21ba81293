"""The menu contract: apps contribute ``nav_items`` on their AppConfig, the core
names no app, and a url name that does not resolve is an error, not a gap."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from jiaotong.checks import menu_urls_resolve
from jiaotong.context_processors import nav_entries


def test_every_menu_entry_and_shortcut_resolves():
    assert menu_urls_resolve() == []
    for _label, url_name, _icon, _who, _order in nav_entries():
        reverse(url_name)  # raises if the name is wrong


def test_a_wrong_url_name_is_a_system_check_error(monkeypatch):
    config = apps.get_app_config("licensing")
    broken = [*config.nav_items, ("坏链接", "licensing:no_such_page", "x", None, 19)]
    monkeypatch.setattr(config, "nav_items", broken)

    errors = menu_urls_resolve()

    assert [e.id for e in errors] == ["jiaotong.E001"]
    assert "licensing:no_such_page" in errors[0].msg


def test_a_who_outside_the_contract_is_a_system_check_error(monkeypatch):
    config = apps.get_app_config("hotline")
    broken = [("热线", "hotline:ticket_list", "x", "热线工作人员", 21)]
    monkeypatch.setattr(config, "nav_items", broken)

    assert [e.id for e in menu_urls_resolve()] == ["jiaotong.E002"]


def test_entries_come_from_each_app_in_menu_order():
    labels = [entry[0] for entry in nav_entries()]

    assert labels[0] == "工作台"
    assert (
        labels.index("窗口办件") < labels.index("热线工单") < labels.index("权责清单")
    )
    assert labels[-1] == "用户与角色"


def test_the_core_names_no_app_route():
    core = Path(settings.BASE_DIR) / "jiaotong"
    for path in [
        core / "context_processors.py",
        core / "apps.py",
        core / "views" / "home.py",
    ]:
        text = path.read_text(encoding="utf-8")
        for app in ("licensing:", "hotline:", "enforcement:", "supervision:"):
            assert app not in text, f"{path.name} names {app}"


def test_clerk_sees_the_window_entry_and_not_the_hotline(client, clerk):
    client.force_login(clerk)

    nav = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]

    assert "窗口办件" in nav and "热线工单" not in nav


def test_hotline_agent_sees_the_hotline_entry(client, hotline_agent):
    client.force_login(hotline_agent)

    nav = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]

    assert "热线工单" in nav and "窗口办件" not in nav
