"""In headless Chromium: an officer opens a case from a hotline complaint, files
it under the general procedure with a 20,000-yuan fine; the reviewer sends it
back; it is completed and approved, decided, served and published; the ticket
shows the case. Screenshots in /tmp/shots/enf/."""

from pathlib import Path

import pytest

from enforcement.models import PenaltyCase
from hotline import services as hotline_services
from jiaotong import roles
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    VIEWPORT,
    browser,
    login,
)
from tests.factories import make_user, resident_id
from tests.hotline.conftest import intake

from .conftest import make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/enf")
PARTY_ID = resident_id("41142219920304123")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def session_for(browser, live_server):  # noqa: F811
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


def move(page, action, fill=None):
    """Open a move's panel on the case page, fill it and confirm."""
    panel = page.locator(f"details[data-action={action}]")
    if panel.count():
        panel.locator("summary").click()
        if fill:
            fill(panel)
        panel.locator("button[type=submit]").click()
    else:
        page.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state("networkidle")


def status(page) -> str:
    return page.locator("#case-status").inner_text()


def test_case_from_complaint_through_review_to_publicity(
    session_for, live_server, officer, reviewer, hotline_agent, org, penalty_matter
):
    colleague = make_user("officer2", roles=[roles.ROLE_OFFICER], unit=org["squad"])
    make_officer(officer, n=1)
    make_officer(colleague, n=2)
    ticket = intake(
        hotline_agent,
        category="举报",
        content="举报豫N6B218小型客车长期在睢县汽车站非法营运，拉客到商丘。",
        plate="豫N6B218",
        location="睢县汽车站",
    )
    hotline_services.ticket_dispatch(ticket=ticket, unit=org["squad"], by=hotline_agent)

    # 1. The officer finds the complaint among the squad's clues and opens a case.
    desk = session_for(officer)
    desk.goto(f"{live_server.url}/enforcement/clues/")
    shot(desk, "01-clues")
    desk.locator(f"tr[data-ticket='{ticket.ticket_no}'] a").click()
    desk.wait_for_load_state("networkidle")
    assert "非法营运" in desk.input_value("#id_facts")
    desk.select_option("#id_procedure", "普通程序")
    desk.fill("#id_party_name", "孙某")
    desk.fill("#id_party_id_number", PARTY_ID)
    desk.select_option("#id_matter", str(penalty_matter.pk))
    desk.locator("input[name=officers]").nth(0).check()
    desk.locator("input[name=officers]").nth(1).check()
    desk.check("input[name=penalty_types][value='罚款']")
    desk.fill("#id_fine", "20000")
    desk.fill("#id_legal_basis", "《中华人民共和国道路运输条例》第六十三条")
    shot(desk, "02-case-form")
    desk.click("#case-save")
    desk.wait_for_load_state("networkidle")
    shot(desk, "02b-after-save")
    case = PenaltyCase.objects.get(source_ticket=ticket)
    assert status(desk) == "待立案" and "（热线工单" in desk.content()

    # 2. 立案 → 调查取证 → 调查终结 → 事先告知 → 送法制审核.
    move(desk, "file")
    case.refresh_from_db()
    assert desk.locator("#case-number").inner_text() == case.number
    move(desk, "investigate")
    move(desk, "conclude_investigation")
    assert "须经法制审核" in desk.content()
    move(desk, "notify")
    move(desk, "submit_review")
    assert status(desk) == "法制审核中"
    shot(desk, "03-submitted")

    # 3. The reviewer sends it back for more investigation.
    legal = session_for(reviewer)
    legal.goto(f"{live_server.url}/enforcement/reviews/")
    assert case.number in legal.content()
    shot(legal, "04-review-queue")
    legal.click(f"text={case.number}")
    legal.wait_for_load_state("networkidle")
    move(
        legal,
        "review_return",
        lambda p: p.locator("textarea").fill(
            "缺少当事人询问笔录和乘客证言，请补充调查。"
        ),
    )
    assert status(legal) == "调查取证"
    shot(legal, "05-returned")

    # 4. The officer completes the investigation and resubmits; the reviewer agrees.
    desk.reload()
    move(desk, "conclude_investigation")
    move(desk, "notify")
    assert desk.locator("#decide-refusal").count() == 1  # no decision before review
    move(desk, "submit_review")
    legal.reload()

    def approve(panel):
        for box in panel.locator("input[type=checkbox]").all():
            box.check()
        panel.locator("textarea").fill("事实清楚，证据确凿，程序合法，裁量适当，同意。")

    move(legal, "review_agree", approve)
    assert status(legal) == "法制审核通过"

    # 5. Decided, served and published.
    desk.reload()
    move(desk, "decide", lambda p: p.locator("textarea").fill("依法作出罚款决定。"))
    assert status(desk) == "已作出处罚决定"
    move(desk, "serve")
    assert status(desk) == "已送达"
    desk.click("#publish-button")
    desk.wait_for_load_state("networkidle")
    assert desk.locator("#publicity-state").inner_text() == "已公示"
    timeline = desk.locator("#case-timeline").inner_text()
    for step in ("立案", "退回补充调查", "审核同意", "作出处罚决定", "送达决定书"):
        assert step in timeline
    shot(desk, "06-case-published")
    desk.goto(f"{live_server.url}/enforcement/{case.pk}/print/decision/")
    assert "行政处罚决定书" in desk.content() and "十五日内" in desk.content()
    shot(desk, "06b-decision-document")

    # 6. The ticket shows the case.
    agent = session_for(hotline_agent)
    agent.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    section = agent.locator("#ticket-cases").inner_text()
    assert case.number in section and "已送达" in section
    shot(agent, "07-ticket")

    case.refresh_from_db()
    assert case.status == "served" and case.fine == 20000
    assert case.reviews.count() == 2 and case.publicity.published_on
    assert desk.console_errors == [] and legal.console_errors == []
    assert agent.console_errors == []
