"""In headless Chromium: a legal-affairs officer records an NPC suggestion from
assignment to satisfied feedback, and a training whose attendance is ticked off
the staff list. Screenshots in /tmp/shots/gov/ for review."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from governance.models import Suggestion, TrainingSession
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    browser,
    login,
    page,
)
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/gov")


def shot(page, name):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def act(page, name):  # noqa: F811
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_suggestion_from_assignment_to_satisfied_feedback(
    page,  # noqa: F811
    live_server,
    legal,
):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, legal)
    assigned = timezone.localdate() - dt.timedelta(days=10)

    page.goto(f"{live_server.url}/governance/suggestions/new/")
    page.select_option("#id_kind", "npc")
    page.fill("#id_number", "RD2026-018")
    page.fill("#id_title", "关于增开农村客运周末班次的建议")
    page.fill("#id_proposers", "张卫国、李秀英")
    page.fill("#id_assigned_on", assigned.isoformat())
    shot(page, "suggestion_form")
    page.click("#record-save")
    page.wait_for_load_state("networkidle")
    assert "答复期限已按交办日期计算" in page.content()

    act(page, "start")
    page.select_option("#id_contact-way", "见面")
    page.fill("#id_contact-contacted_on", timezone.localdate().isoformat())
    page.fill("#id_contact-note", "当面听取代表意见，介绍班次调整方案。")
    page.locator("#contact-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    page.fill("#id_reply-reply_doc_no", "睢交建〔2026〕18号")
    page.select_option("#id_reply-outcome", "A")
    page.fill("#id_reply-reply_summary", "自下月起周末加开两个班次。")
    act(page, "reply")
    page.check("input[name='feedback-feedback'][value='满意']")
    page.fill("#id_feedback-feedback_on", timezone.localdate().isoformat())
    act(page, "feedback")
    shot(page, "suggestion_feedback")
    act(page, "close")

    suggestion = Suggestion.objects.get(number="RD2026-018")
    assert suggestion.status == Suggestion.Status.CLOSED
    assert suggestion.feedback == "满意"
    assert suggestion.contacts.count() == 1
    assert "已办结" in page.locator("#status").inner_text()
    assert "满意" in page.locator("#feedback").inner_text()
    timeline = page.locator("#timeline").inner_text()
    for label in (
        "登记建议提案",
        "开始办理",
        "登记联系沟通",
        "答复",
        "登记反馈意见",
        "办结",
    ):
        assert label in timeline
    shot(page, "suggestion_closed")

    page.goto(f"{live_server.url}/governance/suggestions/")
    shot(page, "suggestion_list")
    assert not page.console_errors


def test_training_with_attendance_from_the_staff_list(
    page,  # noqa: F811
    live_server,
    legal,
    org,
):
    staff = [
        make_user(f"zf{i}", unit=org["squad"], full_name=name)
        for i, name in enumerate(["王建华", "李志刚", "张海涛", "刘晓东"])
    ]
    login(page, live_server, legal)
    page.goto(f"{live_server.url}/governance/training/new/")
    page.fill("#id_topic", "行政执法三项制度培训")
    page.fill("#id_held_at", "2023-12-13T14:30")
    page.fill("#id_hours", "3")
    page.fill("#id_trainer", "政策法规股")
    page.click("#record-save")
    page.wait_for_load_state("networkidle")

    page.click("#take-attendance")
    page.wait_for_load_state("networkidle")
    page.get_by_label("王建华").check()
    page.get_by_label("张海涛").check()
    page.get_by_label("刘晓东").check()
    page.fill("#id_names", "协管员曹军")
    shot(page, "training_attendance")
    page.click("#attendance-save")
    page.wait_for_load_state("networkidle")

    session = TrainingSession.objects.get(topic="行政执法三项制度培训")
    names = set(session.attendances.values_list("name", flat=True))
    assert names == {"王建华", "张海涛", "刘晓东", "协管员曹军"}
    assert session.attendances.filter(user=staff[1]).count() == 0
    assert page.locator("#attendance-count").inner_text() == "4"
    shot(page, "training_detail")
    assert not page.console_errors


def test_public_document_list_on_a_phone(browser, live_server, legal):  # noqa: F811
    from governance import services

    for n in range(3):
        services.document_register_existing(
            by=legal,
            unit=legal.unit,
            title=f"睢县道路运输管理规范性文件第{n + 1}号（示例标题较长以检验换行）",
            doc_no=f"睢交〔2023〕{n + 1}号",
            published_on=dt.date(2023, 1, 1 + n),
        )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    phone = context.new_page()
    phone.goto(f"{live_server.url}/governance/public/documents/")
    assert "睢交〔2023〕3号" in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "public_documents_phone")
    context.close()
