"""In headless Chromium: hotline staff take a 12328 complaint about a taxi
company and dispatch it; the unit signs for it and replies; the follow-up records
不满意; the ticket is re-handled and closed. Screenshots in tests/screenshots/."""

import pytest

from hotline.models import Status, Ticket
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    CHROMIUM_ARGS,
    VIEWPORT,
    browser,
    login,
    screenshot,
)
from tests.factories import make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_for(browser, live_server):  # noqa: F811
    """A signed-in page per user, each in its own browser context."""
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: msg.type == "error" and page.console_errors.append(msg.text),
        )
        page.on("dialog", lambda dialog: dialog.accept())
        return login(page, live_server, user)

    yield open_as
    for context in contexts:
        context.close()


def submit_action(page, name):
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_complaint_about_taxi_company_closed_loop_with_rehandling(
    session_for, live_server, hotline_agent, handler, org
):
    taxi = make_enterprise("睢县城通出租汽车有限公司", industry="出租汽车")

    # 1. Hotline staff take the call on the intake form.
    agent = session_for(hotline_agent)
    agent.goto(f"{live_server.url}/hotline/new/")
    agent.check("input[name=source][value='12328']")
    agent.check("input[name=category][value='投诉']")
    agent.select_option("#id_area", "出租汽车")
    agent.fill(
        "#id_content",
        "乘客反映在睢县汽车站乘坐豫NT2345出租车，司机不打表、要求议价30元。",
    )
    agent.fill("#id_caller_name", "王先生")
    agent.fill("#id_caller_phone", "13812345678")
    agent.fill("#enterprise-query", "城通")
    agent.click(f"[data-pick-enterprise='{taxi.pk}']")
    agent.fill("#id_plate", "豫NT2345")
    screenshot(agent, "hotline-01-intake")
    agent.press("#id_plate", "Control+Enter")  # keyboard save
    agent.wait_for_load_state("networkidle")
    ticket = Ticket.objects.get()  # numbered by the system
    assert ticket.enterprise == taxi
    assert agent.url.endswith(ticket.get_absolute_url())

    # 2. ... and dispatch it to the first squad.
    agent.select_option("#id_dispatch-unit", label=org["squad"].name)
    submit_action(agent, "dispatch")
    assert "已派单" in agent.content()
    screenshot(agent, "hotline-02-dispatched")

    # 3. The unit finds it in its queue, signs for it and replies.
    unit = session_for(handler)
    unit.goto(f"{live_server.url}/hotline/queue/")
    assert ticket.ticket_no in unit.content()
    screenshot(unit, "hotline-03-unit-queue")
    unit.click(f"text={ticket.ticket_no}")
    unit.wait_for_load_state("networkidle")
    assert "138****5678" in unit.content() and "13812345678" not in unit.content()
    submit_action(unit, "sign")
    unit.fill("#id_reply-reply_text", "已约谈驾驶员，批评教育并责令其规范使用计价器。")
    submit_action(unit, "reply")
    assert "已答复" in unit.content()

    # 4. The follow-up call: 不满意, so the ticket is re-handled.
    agent.reload()
    agent.check("input[name='follow_up-result'][value='不满意']")
    agent.fill("#id_follow_up-note", "来电人称多收的车费仍未退还。")
    submit_action(agent, "follow_up")
    screenshot(agent, "hotline-04-dissatisfied")
    agent.fill("#id_reopen-cause", "诉求合理，请督促企业退还多收车费。")
    submit_action(agent, "reopen")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS

    # 5. The unit answers again; the second follow-up is 满意 and the ticket closes.
    unit.reload()
    unit.fill("#id_reply-reply_text", "已督促企业向来电人退还多收车费30元。")
    submit_action(unit, "reply")
    agent.reload()
    agent.check("input[name='follow_up-result'][value='满意']")
    submit_action(agent, "follow_up")
    submit_action(agent, "close")
    assert "工单已办结" in agent.content()
    screenshot(agent, "hotline-05-closed")

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert (ticket.reopen_count, ticket.follow_up_result) == (1, "满意")
    timeline = agent.locator("#timeline").inner_text()
    for step in ("受理登记", "派单", "签收", "答复", "回访", "重办", "办结"):
        assert step in timeline

    agent.goto(f"{live_server.url}/hotline/?source=12328")
    assert ticket.ticket_no in agent.content()
    screenshot(agent, "hotline-06-list")
    assert agent.console_errors == [] and unit.console_errors == []
